// The CLI bundle's `performance.now()` (scripts/build.mjs defines it as this function): the first access to
// the `performance` global loads node:perf_hooks and eight internal modules (~1 ms at start-up), and tspack
// only ever subtracts two readings. process.hrtime is monotonic too.
export function __tspackNow() {
  return Number(process.hrtime.bigint()) / 1e6;
}
