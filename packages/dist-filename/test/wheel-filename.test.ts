import { readFileSync } from "node:fs";
import { isTspackError } from "@tspack/errors";
import { createTagIndex, DEFAULT_TARGET, wheelCompatibility } from "@tspack/platform-tags";
import { describe, expect, it } from "vitest";
import { formatWheelFilename, formatWheelTags, parseWheelFilename } from "../src/index.js";

describe("parseWheelFilename", () => {
  it("parses a single-tag wheel", () => {
    expect(parseWheelFilename("foo-1.2.3-py3-none-any.whl")).toEqual({
      filename: "foo-1.2.3-py3-none-any.whl",
      name: "foo",
      version: "1.2.3",
      tags: { python: ["py3"], abi: ["none"], platform: ["any"] },
    });
  });

  it("splits compressed tag sets", () => {
    expect(parseWheelFilename("foo-1.2.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl").tags).toEqual({
      python: ["cp311"],
      abi: ["cp311"],
      platform: ["manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    });
    expect(parseWheelFilename("colorama-0.4.6-py2.py3-none-any.whl").tags.python).toEqual(["py2", "py3"]);
    expect(parseWheelFilename("foo-1.2.3-cp315-abi3.abi3t-manylinux_2_17_x86_64.whl").tags.abi).toEqual([
      "abi3",
      "abi3t",
    ]);
  });

  it.each([
    ["foo-1.2.3-202206090410-py3-none-any.whl", { number: 202206090410, suffix: "" }],
    ["foo-1.2.3-1a-py3-none-any.whl", { number: 1, suffix: "a" }],
    ["foo-1.2.3-0.editable-py3-none-any.whl", { number: 0, suffix: ".editable" }],
  ])("parses the build tag of %s", (filename, buildTag) => {
    const w = parseWheelFilename(filename);
    expect(w.buildTag).toEqual(buildTag);
    expect(w.tags).toEqual({ python: ["py3"], abi: ["none"], platform: ["any"] });
  });

  it.each([
    ["MarkupSafe-3.0.2-cp313-cp313-win32.whl", "markupsafe", "3.0.2"],
    ["django_allauth-0.51.0-py3-none-any.whl", "django-allauth", "0.51.0"],
    ["zope.interface-7.0-py3-none-any.whl", "zope-interface", "7.0"],
    ["Foo__Bar-1.0.post1+local.7-py3-none-any.whl", "foo-bar", "1.0.post1+local.7"],
    ["foo-v1.0rc1_dev3-py3-none-any.whl", "foo", "v1.0rc1_dev3"],
    ["foo-1!2.0-py3-none-any.whl", "foo", "1!2.0"],
  ])("normalizes the name of %s and keeps the version as written", (filename, name, version) => {
    const w = parseWheelFilename(filename);
    expect([w.name, w.version]).toEqual([name, version]);
  });

  it.each([
    ["foo.rs", 'The wheel filename "foo.rs" is invalid: Must end with .whl'],
    [".whl", 'The wheel filename ".whl" is invalid: Must have a version'],
    ["foo.whl", 'The wheel filename "foo.whl" is invalid: Must have a version'],
    ["foo-1.2.3.whl", 'The wheel filename "foo-1.2.3.whl" is invalid: Must have a Python tag'],
    ["foo-1.2.3-py3.whl", 'The wheel filename "foo-1.2.3-py3.whl" is invalid: Must have an ABI tag'],
    ["foo-1.2.3-py3-none.whl", 'The wheel filename "foo-1.2.3-py3-none.whl" is invalid: Must have a platform tag'],
    [
      "foo-1.2.3-202206090410-py3-none-any-whoops.whl",
      'The wheel filename "foo-1.2.3-202206090410-py3-none-any-whoops.whl" is invalid: Must have 5 or 6 components, but has more',
    ],
    ["f!oo-1.2.3-py3-none-any.whl", 'The wheel filename "f!oo-1.2.3-py3-none-any.whl" has an invalid package name'],
    ["_foo-1.2.3-py3-none-any.whl", 'The wheel filename "_foo-1.2.3-py3-none-any.whl" has an invalid package name'],
    [
      "foo-x.y.z-py3-none-any.whl",
      'The wheel filename "foo-x.y.z-py3-none-any.whl" has an invalid version: expected version to start with a number, but no leading ASCII digits were found',
    ],
    [
      "foo-1.0.x-py3-none-any.whl",
      'The wheel filename "foo-1.0.x-py3-none-any.whl" has an invalid version: after parsing `1.0`, found `.x`, which is not part of a valid version',
    ],
    [
      "foo-1.2.3-tag-py3-none-any.whl",
      'The wheel filename "foo-1.2.3-tag-py3-none-any.whl" has an invalid build tag: must start with a digit',
    ],
    [
      "foo-1.2.3-1/../../target-py3-none-any.whl",
      'The wheel filename "foo-1.2.3-1/../../target-py3-none-any.whl" has an invalid build tag: must contain only ASCII letters, digits, underscores, and periods',
    ],
    [
      "foo-1.2.3-py3-none-../target.whl",
      'The wheel filename "foo-1.2.3-py3-none-../target.whl" is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods',
    ],
    [
      "foo-1.2.3-py3-none-unknown..tag.whl",
      'The wheel filename "foo-1.2.3-py3-none-unknown..tag.whl" is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods',
    ],
    [
      "foo-1.2.3-py3-none-unknown tag.whl",
      'The wheel filename "foo-1.2.3-py3-none-unknown tag.whl" is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods',
    ],
    [
      "foo-1.2.3-py3--any.whl",
      'The wheel filename "foo-1.2.3-py3--any.whl" is invalid: Tag components must contain only ASCII letters, digits, underscores, and periods',
    ],
  ])("refuses %s", (filename, message) => {
    try {
      parseWheelFilename(filename);
      expect.unreachable();
    } catch (e) {
      expect(isTspackError(e, "TSPACK_FILENAME_INVALID")).toBe(true);
      expect((e as Error).message).toBe(message);
    }
  });

  it("puts uv's name rule in the hint", () => {
    try {
      parseWheelFilename("f!oo-1.2.3-py3-none-any.whl");
      expect.unreachable();
    } catch (e) {
      expect((e as { hint: string }).hint).toBe(
        'Not a valid package or extra name: "f!oo". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.',
      );
    }
  });
});

describe("formatWheelTags / formatWheelFilename", () => {
  it.each([
    "django_allauth-0.51.0-py3-none-any.whl",
    "osm2geojson-0.2.4-py3-none-any.whl",
    "numpy-1.26.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "foo-1.2.3-202206090410-py3-none-any.whl",
    "correctionlib-2.8.0-cp314-cp314td-macosx_26_0_arm64.whl",
  ])("round-trips %s", (filename) => {
    expect(formatWheelFilename(parseWheelFilename(filename))).toBe(filename);
  });

  it("writes the dist-info spelling of the name", () => {
    expect(formatWheelFilename(parseWheelFilename("MarkupSafe-3.0.2-cp313-cp313-win32.whl"))).toBe(
      "markupsafe-3.0.2-cp313-cp313-win32.whl",
    );
    expect(formatWheelTags({ python: ["py2", "py3"], abi: ["none"], platform: ["any"] })).toBe("py2.py3-none-any");
  });
});

describe("the real FastAPI + Mangum lock", () => {
  const lock = readFileSync(new URL("../../../test/fixtures/uv-aws-lambda-example/uv.lock", import.meta.url), "utf8");
  const wheels = [...lock.matchAll(/url = "[^"]*\/([^"/]+\.whl)"/g)].map((m) => decodeURIComponent(m[1]!));

  it("has 109 wheels and every filename parses", () => {
    expect(wheels).toHaveLength(109);
    for (const filename of wheels) {
      const w = parseWheelFilename(filename);
      expect(formatWheelTags(w.tags)).toBe(filename.split("-").slice(-3).join("-").slice(0, -4));
    }
  });

  it("finds one cp313 x86_64 manylinux2014 wheel per native package, preferring the exact ABI", () => {
    const index = createTagIndex(DEFAULT_TARGET);
    const best = new Map<string, { priority: number; filename: string }>();
    for (const filename of wheels) {
      const w = parseWheelFilename(filename);
      const c = wheelCompatibility(w.tags, index);
      if (c.kind !== "compatible") continue;
      const prev = best.get(w.name);
      if (prev === undefined || c.priority > prev.priority) best.set(w.name, { priority: c.priority, filename });
    }
    expect(best.get("markupsafe")?.filename).toBe(
      "MarkupSafe-3.0.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    expect(best.get("websockets")?.filename).toBe(
      "websockets-14.1-cp313-cp313-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    expect(best.get("colorama")?.filename).toBe("colorama-0.4.6-py2.py3-none-any.whl");
    expect(best.size).toBe(new Set(wheels.map((f) => parseWheelFilename(f).name)).size);
  });
});
