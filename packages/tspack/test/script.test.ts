import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readScriptProject, scriptMetadata } from "../src/script.js";
import { removeTemps, tempDir } from "./fixtures/local-project.js";

afterAll(removeTemps);

const SCRIPT = `#!/usr/bin/env python
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "anyio",
# ]
#
# [[tool.uv.index]]
# name = "corp"
# url = "https://corp.example/simple"
# ///
import anyio
`;

describe("PEP 723 scripts", () => {
  it("reads the `script` block's TOML (comment prefixes removed, empty `#` lines kept)", () => {
    expect(scriptMetadata(SCRIPT, "s.py")).toBe(
      'requires-python = ">=3.11"\ndependencies = [\n  "anyio",\n]\n\n[[tool.uv.index]]\nname = "corp"\nurl = "https://corp.example/simple"\n',
    );
    expect(scriptMetadata("print(1)\n", "s.py")).toBeUndefined();
    expect(() => scriptMetadata(`${SCRIPT}\n# /// script\n# x = 1\n# ///\n`, "s.py")).toThrowError(
      /more than one `# \/\/\/ script` block/,
    );
  });

  it("reads the script's lock and its [[tool.uv.index]]; a script without metadata is refused", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "s.py"), SCRIPT);
    writeFileSync(join(dir, "s.py.lock"), 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n');
    const { project, indexes } = readScriptProject(join(dir, "s.py"));
    expect(project.lockPath).toBe(join(dir, "s.py.lock"));
    expect(project.projectInfo).toEqual({ dependencyGroups: [], optionalDependencies: [] });
    expect(indexes.map((i) => [i.name, i.url])).toEqual([["corp", "https://corp.example/simple"]]);
    writeFileSync(join(dir, "plain.py"), "print(1)\n");
    expect(() => readScriptProject(join(dir, "plain.py"))).toThrowError(/has no PEP 723 metadata/);
  });
});
