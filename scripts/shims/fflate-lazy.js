// The CLI bundle's stand-in for "fflate" (scripts/build.mjs): the same functions, but the real module —
// whose tables and worker_threads import cost a warm `tspack build` ~9 ms at start-up — is loaded on the
// first call. A warm build deflates nothing (wheel entries are raw-copied, generated files memoized).
let real;
const load = () => {
  real ??= require("fflate");
  return real;
};
export function deflateSync(data, opts) {
  return load().deflateSync(data, opts);
}
export function inflateSync(data, opts) {
  return load().inflateSync(data, opts);
}
export function Inflate(opts, cb) {
  const I = load().Inflate;
  return new I(opts, cb);
}
export function Gzip(opts, cb) {
  const G = load().Gzip;
  return new G(opts, cb);
}
