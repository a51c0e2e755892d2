import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeWheel } from "../../../test/helpers/make-wheel.js";
import { checkInterpreter, installWheels } from "../src/index.js";
import { errorOf, removeSandboxes, sandbox, wheelInputs } from "./fs-fixture.js";

function hostPython(): [number, number] | undefined {
  try {
    const out = execFileSync("python3", [
      "-c",
      "import sys;print(sys.version_info[0], sys.version_info[1])",
    ]).toString();
    const [a, b] = out.trim().split(" ").map(Number);
    return [a!, b!];
  } catch {
    return undefined;
  }
}
const host = hostPython();

afterAll(removeSandboxes);

const wheel = makeWheel({
  name: "comp",
  version: "1.0",
  files: { "comp/__init__.py": "X = 1\n", "comp/broken.py": "def (:\n" },
  entryPoints: { console_scripts: { comp: "comp:main" } },
  data: { scripts: { "tool.py": "#!python\nprint(1)\n" } },
});

describe.skipIf(!host)("compileBytecode (python3 on PATH)", () => {
  it("compiles installed modules with unchecked-hash pycs that name the final path, skipping broken files and bin/", async () => {
    const box = sandbox("pyc");
    const dest = join(box, "t");
    const r = await installWheels(wheelInputs(box, [wheel]), {
      dest,
      layout: "target",
      python: host!,
      compileBytecode: { python: "python3" },
    });
    const tag = `cpython-${host![0]}${host![1]}`;
    expect(readdirSync(join(dest, "comp/__pycache__"))).toEqual([`__init__.${tag}.pyc`]);
    expect(readdirSync(join(dest, "bin"))).toEqual(["comp", "tool.py"]);
    const pyc = readFileSync(join(dest, `comp/__pycache__/__init__.${tag}.pyc`));
    expect(pyc.readUInt32LE(4)).toBe(0b01); // hash-based, check_source off (unchecked-hash)
    expect(pyc.includes(Buffer.from(join(dest, "comp/__init__.py")))).toBe(true);
    expect(pyc.includes(Buffer.from(".tspack-staging"))).toBe(false);
    expect(r.bytecode?.status).toBe(1);
    expect(r.warnings.join("\n")).toContain("broken.py");
    // RECORD does not list .pyc (like uv and pip)
    expect(readFileSync(join(dest, "comp-1.0.dist-info/RECORD"), "utf8")).not.toContain(".pyc");
  });

  it("refuses an interpreter whose X.Y is not the target's", async () => {
    const other: [number, number] = [host![0], host![1] + 1];
    const box = sandbox("pyc");
    const e = await errorOf(() =>
      installWheels(wheelInputs(box, [wheel]), {
        dest: join(box, "t"),
        layout: "target",
        python: other,
        compileBytecode: { python: "python3" },
      }),
    );
    expect(e.replace(/\d+\.\d+/g, "X.Y")).toMatchInlineSnapshot(
      `"TSPACK_TOOL_FAILED: The interpreter "python3" is Python X.Y, but the target is X.Y"`,
    );
    expect(readdirSync(box)).toEqual(["wheels"]);
    expect(() => checkInterpreter("/nonexistent/python", [3, 13])).toThrow(/cannot run/);
  });
});
