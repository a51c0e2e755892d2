// Installs Debian's real pip/setuptools wheels with tspack and with `pip install --target`, and compares
// the trees file by file (bytes and modes). Documented differences only: INSTALLER/REQUESTED/RECORD
// (and direct_url.json), and bin/ (tspack writes uv's launchers for the target interpreter).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installWheels } from "../src/index.js";
import { removeSandboxes, sandbox } from "./fs-fixture.js";

afterAll(removeSandboxes);

const WHEELS = ["pip-23.0.1-py3-none-any.whl", "setuptools-66.1.1-py3-none-any.whl"].map(
  (n) => `/usr/share/python-wheels/${n}`,
);

function pipAvailable(): boolean {
  try {
    execFileSync("python3", ["-m", "pip", "--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const skip = !pipAvailable() || !WHEELS.every((w) => existsSync(w));

function files(root: string): Map<string, { mode: number; sha: string }> {
  const out = new Map<string, { mode: number; sha: string }>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else out.set(r, { mode: st.mode & 0o777, sha: createHash("sha256").update(readFileSync(abs)).digest("hex") });
    }
  };
  walk(root, "");
  return out;
}

/** Paths where tspack and pip may legitimately differ (documented). */
const DOCUMENTED = /(^bin\/)|(\.dist-info\/(INSTALLER|REQUESTED|RECORD|direct_url\.json)$)/;

describe.skipIf(skip)("real wheels vs pip install --target (oracle)", () => {
  it.each(WHEELS)("installs %s like pip", async (wheel) => {
    const box = sandbox("real");
    const pipDir = join(box, "pip");
    execFileSync(
      "python3",
      [
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-compile",
        "--no-index",
        "--isolated",
        "--disable-pip-version-check",
        "-q",
        "--target",
        pipDir,
        wheel,
      ],
      { stdio: "pipe", env: { ...process.env, PIP_CONFIG_FILE: "/dev/null" } },
    );
    const sha = createHash("sha256").update(readFileSync(wheel)).digest("hex");
    const ours = join(box, "tspack");
    const r = await installWheels([{ path: wheel, sha256: sha, filename: basename(wheel) }], {
      dest: ours,
      layout: "target",
      python: [3, 13],
    });
    // A real wheel's RECORD is right: its files, sizes and sha256 digests all check out (no warning),
    // extracted or through the cache, cold and warm.
    expect(r.warnings).toEqual([]);
    const cacheDir = join(box, "cache");
    for (const dest of ["cold", "warm"]) {
      const c = await installWheels([{ path: wheel, sha256: sha, filename: basename(wheel) }], {
        dest: join(box, dest),
        layout: "target",
        python: [3, 13],
        cacheDir,
      });
      expect([dest, c.warnings]).toEqual([dest, []]);
    }
    const a = files(pipDir);
    const b = files(ours);
    const diffs: string[] = [];
    for (const p of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(p);
      const y = b.get(p);
      if (x && y && x.mode === y.mode && x.sha === y.sha) continue;
      if (DOCUMENTED.test(p)) continue;
      diffs.push(
        `${p}: pip ${x ? `${x.mode.toString(8)} ${x.sha.slice(0, 12)}` : "-"} / tspack ${y ? `${y.mode.toString(8)} ${y.sha.slice(0, 12)}` : "-"}`,
      );
    }
    expect(diffs).toEqual([]);
    expect(a.size).toBeGreaterThan(200);
    // The documented differences, spelled out.
    const binA = [...a.keys()].filter((p) => p.startsWith("bin/")).sort();
    const binB = [...b.keys()].filter((p) => p.startsWith("bin/")).sort();
    if (basename(wheel).startsWith("pip-")) {
      expect(binB).toEqual(["bin/pip", "bin/pip3", "bin/pip3.13"]); // uv: pip3.X for the target python
      expect(binA).toContain("bin/pip");
      expect(readFileSync(join(ours, "bin/pip"), "utf8").split("\n")[0]).toBe("#!/var/lang/bin/python3.13");
    } else {
      expect(binB).toEqual(binA);
    }
    const distInfo = [...b.keys()].find((p) => p.endsWith(".dist-info/RECORD"))!.replace(/RECORD$/, "");
    expect(readFileSync(join(ours, `${distInfo}INSTALLER`), "utf8")).toBe("tspack");
    expect(readFileSync(join(pipDir, `${distInfo}INSTALLER`), "utf8")).toBe("pip\n");
    // RECORDs list the same files (pip lists .pyc-free trees too with --no-compile).
    const recPaths = (root: string) =>
      readFileSync(join(root, `${distInfo}RECORD`), "utf8")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("../") && !l.startsWith("bin/"))
        .map((l) => l.split(",")[0])
        .sort();
    expect(recPaths(ours).filter((p) => !/(INSTALLER|REQUESTED|direct_url\.json)$/.test(p!))).toEqual(
      recPaths(pipDir).filter((p) => !/(INSTALLER|REQUESTED|direct_url\.json)$/.test(p!)),
    );
  });
});
