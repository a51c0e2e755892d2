import { fakeHash, lockText, type PackageSpec } from "./lock-text.js";

const PLATFORMS = [
  "manylinux_2_17_x86_64.manylinux2014_x86_64",
  "manylinux_2_17_aarch64.manylinux2014_aarch64",
  "macosx_11_0_arm64",
  "win_amd64",
];

/**
 * A deterministic lock of `n` registry packages plus a virtual root: every package depends on 3
 * later packages (1 in 16 edges under a marker, 1 in 16 with an extra), half of them are native
 * (4 platform wheels), and a dev group pulls in the last tenth.
 */
export function bigLockText(n: number): string {
  const name = (i: number) => `pkg-${String(i).padStart(4, "0")}`;
  const packages: PackageSpec[] = [];
  for (let i = 0; i < n; i++) {
    const deps: string[] = [];
    for (const step of [1, 7, 31]) {
      const j = i + step;
      if (j >= n) continue;
      const h = fakeHash(`${i}:${j}`);
      // About 1 edge in 16 has a marker, like real locks (platform and python conditions).
      const marker = h.startsWith("0")
        ? i % 2 === 0
          ? ", marker = \"sys_platform == 'win32'\""
          : ", marker = \"python_full_version < '3.13'\""
        : "";
      const extra = h.startsWith("3") ? ', extra = ["fast"]' : "";
      deps.push(`{ name = "${name(j)}"${extra}${marker} }`);
    }
    const v = `1.${i % 7}.${i % 3}`;
    const stem = `${name(i).replace(/-/g, "_")}-${v}`;
    const wheels = i % 2 === 0 ? [`${stem}-py3-none-any.whl`] : PLATFORMS.map((p) => `${stem}-cp313-cp313-${p}.whl`);
    const spec: PackageSpec = { name: name(i), version: v, deps, wheels };
    if (i + 2 < n) spec.optional = { fast: [`{ name = "${name(i + 2)}" }`] };
    packages.push(spec);
  }
  const root: PackageSpec = {
    name: "zz-project",
    version: "0.1.0",
    source: '{ virtual = "." }',
    deps: [0, 1, 2, 3].map((i) => `{ name = "${name(i)}" }`),
    dev: { dev: [`{ name = "${name(Math.floor(n * 0.9))}" }`] },
  };
  return lockText({ requiresPython: ">=3.12", packages: [...packages, root] });
}
