import { parsePyproject } from "@tspack/project";
import { describe, expect, it } from "vitest";
import {
  renderEntryPoints,
  renderMetadata,
  renderRecord,
  renderWheelFile,
  requiresDistValue,
  splitRequirementMarker,
} from "../src/wheel-metadata.js";

describe("requirements", () => {
  it.each([
    ["requests", {}, "requests"],
    ["requests>=2 ; python_version < '3.9'", { marker: "python_version < '3.9'" }, "requests>=2"],
    ["pkg @ https://x/y.whl ; os_name == 'nt'", { marker: "os_name == 'nt'" }, "pkg @ https://x/y.whl"],
    ["pkg @ https://x/a;b.whl", {}, "pkg @ https://x/a;b.whl"], // a ";" inside a URL is not a marker
    ["x;", {}, "x"],
  ])("splitRequirementMarker(%j)", (input, marker, requirement) => {
    expect(splitRequirementMarker(input)).toEqual({ requirement, ...marker });
  });

  it.each([
    ["orjson", undefined, "orjson"],
    ["orjson", "fast", 'orjson; extra == "fast"'],
    [
      "a; os_name == 'nt' or python_version < '3.9'",
      "x",
      `a; (os_name == 'nt' or python_version < '3.9') and extra == "x"`,
    ],
    ["a ; os_name == 'nt'", undefined, "a; os_name == 'nt'"],
  ])("requiresDistValue(%j, %j)", (req, extra, out) => {
    expect(requiresDistValue(req, extra)).toBe(out);
  });
});

describe("renderers", () => {
  it("writes Metadata-Version 2.3 without a license expression, legacy license text indented", () => {
    const p = parsePyproject(
      '[project]\nname = "x"\ndescription = "line one\\nline two"\nlicense = { text = "A\\nB" }\n',
      "p",
    );
    expect(renderMetadata(p, "1.0")).toBe(
      "Metadata-Version: 2.3\nName: x\nVersion: 1.0\nSummary: line one line two\nLicense: A\n        B\n",
    );
  });

  it("writes the WHEEL file", () => {
    expect(renderWheelFile()).toBe("Wheel-Version: 1.0\nGenerator: tspack\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
  });

  it("orders entry point groups and names", () => {
    const p = parsePyproject(
      '[project]\nname = "x"\n[project.gui-scripts]\ng = "x:g"\n[project.scripts]\nz = "x:z"\na = "x:a"\n[project.entry-points.zz]\nk = "x:k"\n[project.entry-points.aa]\nk = "x:k"\n',
      "p",
    );
    expect(renderEntryPoints(p)).toBe(
      "[console_scripts]\na = x:a\nz = x:z\n\n[gui_scripts]\ng = x:g\n\n[aa]\nk = x:k\n\n[zz]\nk = x:k\n",
    );
    expect(renderEntryPoints(parsePyproject('[project]\nname = "x"\n', "p"))).toBeUndefined();
  });

  it("quotes RECORD paths that need it and ends with the RECORD row", () => {
    expect(
      renderRecord(
        [
          { path: "a.py", hash: "sha256=abc", size: 3 },
          { path: 'we,ird"name.txt', hash: "sha256=def", size: 0 },
        ],
        "x-1.dist-info/RECORD",
      ),
    ).toBe('a.py,sha256=abc,3\n"we,ird""name.txt",sha256=def,0\nx-1.dist-info/RECORD,,\n');
  });
});
