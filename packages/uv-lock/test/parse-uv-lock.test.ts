import { readFileSync } from "node:fs";
import { isTspackError, TspackError } from "@tspack/errors";
import { describe, expect, it } from "vitest";
import {
  atLockValue,
  type Lock,
  type LockDependency,
  type LockPackage,
  lockLocation,
  lockPathOf,
  lockSource,
  parseUvLock,
} from "../src/index.js";
import { fakeSha256, makeLock, makeLockModel, renderCanonical, renderReformatted } from "./helpers/make-lock.js";

const REAL_LOCK = readFileSync(
  new URL("../../../test/fixtures/uv-aws-lambda-example/uv.lock", import.meta.url),
  "utf8",
);

const PYPI = { kind: "registry", url: "https://pypi.org/simple" } as const;
const SHA = (c: string) => c.repeat(64);

function pkg(lock: Lock, name: string, version?: string): LockPackage {
  const p = lock.packages.find((x) => x.name === name && (version === undefined || x.version === version));
  if (p === undefined) throw new Error(`no package ${name}`);
  return p;
}

/** Runs `fn`, expects a TspackError, and returns it. */
function catchError(fn: () => unknown): TspackError {
  try {
    fn();
  } catch (e) {
    if (isTspackError(e)) return e;
    throw e;
  }
  throw new Error("expected a TspackError");
}

/** A minimal valid lock around the given `[[package]]` blocks. */
function lockWith(...packages: string[]): string {
  return `version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n${packages.join("\n\n")}\n`;
}

function registryPkg(name: string, version: string, extra = ""): string {
  return `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\n${extra}`;
}

describe("parseUvLock on the real FastAPI + Mangum lock", () => {
  const { lock, warnings } = parseUvLock(REAL_LOCK);

  it("reads the header", () => {
    expect(warnings).toEqual([]);
    expect(lock.version).toBe(1);
    expect(lock.revision).toBe(0);
    expect(lock.requiresPython).toBe(">=3.13");
    expect(lock.resolutionMarkers).toEqual([]);
    expect(lock.packages).toHaveLength(37);
    expect(lock.packages.map((p) => p.name).slice(0, 4)).toEqual(["annotated-types", "anyio", "certifi", "click"]);
  });

  it("reads a registry package with sdist, wheels and extras exactly", () => {
    const fastapi = pkg(lock, "fastapi");
    expect(fastapi.version).toBe("0.115.6");
    expect(fastapi.source).toEqual(PYPI);
    expect(fastapi.dependencies.map((d) => [d.name, d.version, d.extra])).toEqual([
      ["pydantic", "2.10.4", []],
      ["starlette", "0.41.3", []],
      ["typing-extensions", "4.12.2", []],
    ]);
    expect(fastapi.sdist).toEqual({
      url: "https://files.pythonhosted.org/packages/93/72/d83b98cd106541e8f5e5bfab8ef2974ab45a62e8a6c5b5e6940f26d2ed4b/fastapi-0.115.6.tar.gz",
      hash: { algorithm: "sha256", digest: "9ec46f7addc14ea472958a96aae5b5de65f39721a46aaf5705c480d9a8b76654" },
      size: 301336,
    });
    expect(fastapi.wheels).toEqual([
      {
        filename: "fastapi-0.115.6-py3-none-any.whl",
        url: "https://files.pythonhosted.org/packages/52/b3/7e4df40e585df024fac2f80d1a2d579c854ac37109675db2b0cc22c0bb9e/fastapi-0.115.6-py3-none-any.whl",
        hash: { algorithm: "sha256", digest: "e9240b29e36fa8f4bb7290316988e90c381e5092e0cbe84e7818cc3713bcf305" },
        size: 94843,
      },
    ]);
    const standard = fastapi.optionalDependencies.standard ?? [];
    expect(Object.keys(fastapi.optionalDependencies)).toEqual(["standard"]);
    expect(standard.map((d) => `${d.name}[${d.extra.join(",")}]`)).toEqual([
      "email-validator[]",
      "fastapi-cli[standard]",
      "httpx[]",
      "jinja2[]",
      "python-multipart[]",
      "uvicorn[standard]",
    ]);
    expect(fastapi.metadata).toBeUndefined();
  });

  it("keeps edge markers as written", () => {
    expect(pkg(lock, "click").dependencies).toEqual([
      { name: "colorama", version: "0.4.6", source: PYPI, extra: [], marker: "sys_platform == 'win32'" },
    ]);
    const uvloop = pkg(lock, "uvicorn").optionalDependencies.standard?.find((d) => d.name === "uvloop");
    expect(uvloop?.marker).toBe(
      "platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'",
    );
  });

  it("reads many wheels of a native package in file order", () => {
    const core = pkg(lock, "pydantic-core");
    expect(core.wheels).toHaveLength(14);
    expect(core.wheels[0]?.filename).toBe("pydantic_core-2.27.2-cp313-cp313-macosx_10_12_x86_64.whl");
    expect(core.wheels.every((w) => w.hash?.algorithm === "sha256" && w.size !== undefined)).toBe(true);
  });

  it("reads the virtual root with its dev group and metadata", () => {
    const root = pkg(lock, "uv-aws-lambda-example");
    expect(root.source).toEqual({ kind: "virtual", path: "." });
    expect(root.version).toBe("0.1.0");
    expect(root.dependencies.map((d) => d.name)).toEqual(["fastapi", "mangum"]);
    expect(root.devDependencies).toEqual({
      dev: [{ name: "fastapi", version: "0.115.6", source: PYPI, extra: ["standard"] }],
    });
    expect(root.metadata).toEqual({
      requiresDist: [
        { name: "fastapi", extras: [], groups: [] },
        { name: "mangum", extras: [], groups: [] },
      ],
      requiresDev: { dev: [{ name: "fastapi", extras: ["standard"], groups: [] }] },
    });
    expect(root.wheels).toEqual([]);
    expect(root.sdist).toBeUndefined();
  });

  it("has empty defaults for absent top-level tables", () => {
    expect(lock.manifest).toEqual({
      members: [],
      requirements: [],
      constraints: [],
      overrides: [],
      excludes: [],
      buildConstraints: [],
      dependencyGroups: {},
      dependencyMetadata: [],
    });
    expect(lock.options).toEqual({});
    expect(lock.conflicts).toEqual([]);
  });

  it("accepts a byte-order mark and a custom file name", () => {
    expect(parseUvLock(`\ufeff${REAL_LOCK}`, { path: "sub/uv.lock" }).lock).toEqual(lock);
  });
});

describe("versions and revisions", () => {
  it.each([
    [null, 0],
    [1, 1],
    [2, 2],
    [3, 3],
  ])("reads revision %s without warnings", (revision, expected) => {
    const { lock, warnings } = parseUvLock(makeLock({ packages: 12, revision }));
    expect(lock.revision).toBe(expected);
    expect(warnings).toEqual([]);
    expect(lock.packages).toHaveLength(12 + 1 + 1); // registry + one duplicate version + root
  });

  it("records upload-time from revision 2 on (and the upload_time alias)", () => {
    const r2 = parseUvLock(makeLock({ packages: 3, revision: 2 })).lock;
    expect(pkg(r2, "pkg-0000").wheels[0]?.uploadTime).toBe("2024-01-10T12:34:56.10Z");
    const alias = parseUvLock(makeLock({ packages: 3, revision: 2 }).replaceAll("upload-time", "upload_time")).lock;
    expect(alias).toEqual(r2);
  });

  it("reads revision 4 (metadata may be omitted) with a warning", () => {
    const model = makeLockModel({ packages: 6, revision: 4 });
    for (const p of model.package as Array<Record<string, unknown>>) delete p.metadata;
    const { lock, warnings } = parseUvLock(renderCanonical(model));
    expect(lock.revision).toBe(4);
    expect(pkg(lock, "project").metadata).toBeUndefined();
    expect(warnings).toEqual([
      {
        code: "newer-revision",
        message:
          'The lock file "uv.lock" has revision 4, newer than the revisions tspack knows (up to 3); unknown fields are ignored',
      },
    ]);
  });

  it("warns once per unknown key and otherwise ignores it", () => {
    const text = lockWith(
      registryPkg(
        "a",
        "1.0",
        `new-field = 1\nwheels = [{ url = "https://x/a-1.0-py3-none-any.whl", hash = "sha256:${SHA("a")}", shiny = true }]`,
      ),
      registryPkg("b", "1.0", "new-field = 2"),
    ).replace("requires-python", 'future = "x"\nrequires-python');
    const { lock, warnings } = parseUvLock(text);
    expect(lock.packages).toHaveLength(2);
    expect(warnings.map((w) => w.message)).toEqual([
      'Ignoring the unknown key "future" at future',
      'Ignoring the unknown key "new-field" at package[0].new-field',
      'Ignoring the unknown key "shiny" at package[0].wheels[0].shiny',
    ]);
  });

  it("rejects schema version 2 with the supported version and a hint", () => {
    const e = catchError(() => parseUvLock(makeLock({ packages: 2, version: 2 })));
    expect(e.code).toBe("TSPACK_LOCK_VERSION_UNSUPPORTED");
    expect(e.message).toMatchInlineSnapshot(
      `"The lock file "uv.lock" uses an unsupported schema version (v2, but tspack supports only v1)"`,
    );
    expect(e.hint).toMatchInlineSnapshot(
      `"Upgrade tspack to a release that supports this lock version, or re-create the lock with a uv release that writes lock version 1."`,
    );
    expect(e.details).toEqual({
      path: "uv.lock",
      version: 2,
      supported: 1,
      file: "uv.lock",
      key: "version",
      line: 1,
      column: 11,
    });
  });

  it("reports an unsupported version even when the rest is not valid TOML", () => {
    const e = catchError(() => parseUvLock('version = 2\n\n[[package]]\nname = "a\n'));
    expect(e.code).toBe("TSPACK_LOCK_VERSION_UNSUPPORTED");
    expect(e.message).toMatchInlineSnapshot(
      `"The lock file "uv.lock" uses an unsupported schema version (v2, but tspack supports only v1), and it is not valid TOML: syntax error at line 4, column 10: control characters are not allowed in strings"`,
    );
  });

  it.each([
    ["revision = 1\n", `"uv.lock", version: missing required key`],
    ['version = "1"\n', `"uv.lock", line 1, column 11, version: expected a non-negative integer, found the string "1"`],
    [
      "version = 1\nrevision = -1\n",
      `"uv.lock", line 2, column 12, revision: expected a non-negative integer, found the integer -1`,
    ],
  ])("rejects a bad header %j", (text, message) => {
    const e = catchError(() => parseUvLock(text));
    expect(e.code).toBe("TSPACK_LOCK_INVALID");
    expect(e.message.split("\n")[0]).toBe(message);
    expect(e.details?.file).toBe("uv.lock");
  });
});

describe("TOML syntax errors", () => {
  it("shows line, column and a caret", () => {
    const text = 'version = 1\n\n[[package]]\nname = "a"\nversion = = "1.0"\n';
    const e = catchError(() => parseUvLock(text));
    expect(e.code).toBe("TSPACK_TOML_SYNTAX");
    expect(e.message).toMatchInlineSnapshot(`
      "Failed to parse "uv.lock": TOML syntax error at line 5, column 11, package[0] (a): invalid value
      5 | version = = "1.0"
                    ^"
    `);
    expect(e.details).toEqual({
      path: "uv.lock",
      file: "uv.lock",
      line: 5,
      column: 11,
      key: "package[0]",
      package: { name: "a" },
    });
    expect(e.hint).toBe("Restore the lock file from version control or re-create it with `uv lock`.");
  });

  it("names the file given in options", () => {
    const e = catchError(() => parseUvLock("version = 1\nversion = 1\n", { path: "apps/api/uv.lock" }));
    expect(e.message.split("\n")[0]).toMatchInlineSnapshot(
      `"Failed to parse "apps/api/uv.lock": TOML syntax error at line 2, column 1: trying to redefine an already defined table or value"`,
    );
  });
});

describe("layout independence", () => {
  it.each([
    ["a small lock", { packages: 12 }],
    ["every source kind", { packages: 8, allSources: true }],
    ["no duplicates, revision 0", { packages: 30, duplicates: false, revision: null }],
    ["a larger lock", { packages: 150, wheelsPerPackage: 6 }],
  ])("a reformatted lock parses to the same Lock as canonical (%s)", (_, options) => {
    const model = makeLockModel(options);
    const canonical = renderCanonical(model);
    const reformatted = renderReformatted(model);
    expect(reformatted).not.toBe(canonical);
    expect(reformatted).toContain("\t");
    expect(reformatted).toContain('[[package."wheels"]]');
    expect(parseUvLock(reformatted)).toEqual(parseUvLock(canonical));
  });
});

describe("multiple versions of one name", () => {
  const { lock } = parseUvLock(makeLock({ packages: 10 }));

  it("keeps both versions with their resolution markers", () => {
    expect(lock.resolutionMarkers).toEqual(["python_full_version >= '3.12'", "python_full_version < '3.12'"]);
    const both = lock.packages.filter((p) => p.name === "pkg-0005");
    expect(both.map((p) => [p.version, p.resolutionMarkers])).toEqual([
      ["1.5.2", ["python_full_version >= '3.12'"]],
      ["15.5.0", ["python_full_version < '3.12'"]],
    ]);
  });

  it("resolves edges that carry version and source to the right package", () => {
    expect(pkg(lock, "pkg-0003").dependencies).toEqual([
      { name: "pkg-0004", version: "5.4.1", source: PYPI, extra: [] },
      { name: "pkg-0005", version: "15.5.0", source: PYPI, extra: [], marker: "sys_platform == 'win32'" },
    ]);
    expect(pkg(lock, "pkg-0004").dependencies).toEqual([
      { name: "pkg-0005", version: "1.5.2", source: PYPI, extra: [] },
    ]);
    const text = makeLock({ packages: 10 });
    expect(text).toContain(
      '{ name = "pkg-0005", version = "15.5.0", source = { registry = "https://pypi.org/simple" }',
    );
  });

  it("resolves a missing version from the source when the name is unique", () => {
    const text = lockWith(
      registryPkg("a", "1.0", 'dependencies = [{ name = "b", source = { registry = "https://pypi.org/simple" } }]'),
      registryPkg("b", "2.0"),
    );
    expect(pkg(parseUvLock(text).lock, "a").dependencies).toEqual([
      { name: "b", version: "2.0", source: PYPI, extra: [] },
    ]);
  });

  it("allows a missing version for a dynamic source tree among several", () => {
    const text = lockWith(
      registryPkg("app", "1.0", 'dependencies = [{ name = "lib", source = { editable = "lib" } }]'),
      '[[package]]\nname = "lib"\nsource = { editable = "lib" }',
      registryPkg("lib", "1.0"),
    );
    expect(pkg(parseUvLock(text).lock, "app").dependencies).toEqual([
      { name: "lib", source: { kind: "editable", path: "lib" }, extra: [] },
    ]);
  });
});

describe("edges", () => {
  it("normalizes and sorts extras and drops those the target does not define", () => {
    const text = lockWith(
      registryPkg("a", "1.0", 'dependencies = [{ name = "B_Pkg", extra = ["Zeta", "alpha.one", "missing"] }]'),
      registryPkg(
        "b-pkg",
        "1.0",
        '\n[package.optional-dependencies]\nzeta = [{ name = "c" }]\nalpha-one = [{ name = "c" }]',
      ),
      registryPkg("c", "1.0"),
    );
    const { lock } = parseUvLock(text);
    expect(pkg(lock, "a").dependencies).toEqual([
      { name: "b-pkg", version: "1.0", source: PYPI, extra: ["alpha-one", "zeta"] },
    ]);
    expect(Object.keys(pkg(lock, "b-pkg").optionalDependencies)).toEqual(["alpha-one", "zeta"]);
  });

  it("reads dev-dependencies under the dependency-groups alias", () => {
    const text = lockWith(
      '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[package.dependency-groups]\nTest_Group = [{ name = "b" }]',
      registryPkg("b", "1.0"),
    );
    expect(pkg(parseUvLock(text).lock, "app").devDependencies).toEqual({
      "test-group": [{ name: "b", version: "1.0", source: PYPI, extra: [] }],
    });
  });
});

describe("top-level tables", () => {
  it("reads markers, conflicts, options and the manifest", () => {
    const text = `version = 1
revision = 3
requires-python = ">=3.12"
supported-markers = ["sys_platform == 'linux'"]
required-markers = ["platform_machine == 'x86_64'"]
conflicts = [[
    { package = "Proj", extra = "CPU" },
    { package = "proj", group = "dev" },
], [
    { package = "proj" },
]]

[options]
resolution-mode = "lowest"
exclude-newer = "2024-03-25T00:00:00Z"

[options.exclude-newer-package]
foo = 2024-01-01T00:00:00Z

[manifest]
members = ["Child", "proj"]
requirements = [{ name = "anyio", specifier = ">=4" }]
constraints = [{ name = "idna", specifier = "<4" }]
overrides = [{ name = "sniffio", marker = "sys_platform == 'linux'", specifier = "==1.3.1" }]
excludes = ["Bad_Pkg"]
build-constraints = [{ name = "setuptools", specifier = ">=60" }]

[manifest.dependency-groups]
async = [{ name = "anyio", extras = ["Trio"], groups = ["g"] }]

[[manifest.dependency-metadata]]
name = "foo"
version = "1.0"
requires-dist = ["bar"]
`;
    const { lock } = parseUvLock(text);
    expect(lock.supportedMarkers).toEqual(["sys_platform == 'linux'"]);
    expect(lock.requiredMarkers).toEqual(["platform_machine == 'x86_64'"]);
    expect(lock.conflicts).toEqual([
      [
        { package: "proj", extra: "cpu" },
        { package: "proj", group: "dev" },
      ],
      [{ package: "proj" }],
    ]);
    expect(lock.options).toEqual({
      "resolution-mode": "lowest",
      "exclude-newer": "2024-03-25T00:00:00Z",
      "exclude-newer-package": { foo: "2024-01-01T00:00:00.000Z" },
    });
    expect(lock.manifest).toEqual({
      members: ["child", "proj"],
      requirements: [{ name: "anyio", extras: [], groups: [], specifier: ">=4" }],
      constraints: [{ name: "idna", extras: [], groups: [], specifier: "<4" }],
      overrides: [{ name: "sniffio", extras: [], groups: [], marker: "sys_platform == 'linux'", specifier: "==1.3.1" }],
      excludes: ["bad-pkg"],
      buildConstraints: [{ name: "setuptools", extras: [], groups: [], specifier: ">=60" }],
      dependencyGroups: { async: [{ name: "anyio", extras: ["trio"], groups: ["g"] }] },
      dependencyMetadata: [{ name: "foo", version: "1.0", "requires-dist": ["bar"] }],
    });
    expect(lock.packages).toEqual([]);
  });
});

describe("sources", () => {
  const commit = fakeSha256("c").slice(0, 40);

  it.each([
    ['{ registry = "https://pypi.org/simple" }', PYPI],
    ['{ registry = "../local-index" }', { kind: "registry", url: "../local-index", local: true }],
    [
      `{ git = "https://github.com/org/repo?subdirectory=packages%2Fc&rev=v1#${commit}" }`,
      {
        kind: "git",
        raw: `https://github.com/org/repo?subdirectory=packages%2Fc&rev=v1#${commit}`,
        repository: "https://github.com/org/repo",
        commit,
        subdirectory: "packages/c",
        reference: { kind: "rev", value: "v1" },
      },
    ],
    ['{ url = "https://example.com/a-1.0.tar.gz" }', { kind: "url", url: "https://example.com/a-1.0.tar.gz" }],
    [
      '{ url = "https://example.com/a.zip", subdirectory = "sub" }',
      { kind: "url", url: "https://example.com/a.zip", subdirectory: "sub" },
    ],
    ['{ path = "dist/a-1.0.tar.gz" }', { kind: "path", path: "dist/a-1.0.tar.gz" }],
    ['{ directory = "../a" }', { kind: "directory", path: "../a" }],
    ['{ editable = "." }', { kind: "editable", path: "." }],
    ['{ virtual = "." }', { kind: "virtual", path: "." }],
  ])("reads source = %s", (source, expected) => {
    const needsHash = /url =|path =/.test(source);
    const sdist = needsHash ? `sdist = { hash = "sha256:${SHA("0")}" }` : "";
    const text = lockWith(`[[package]]\nname = "a"\nversion = "1.0"\nsource = ${source}\n${sdist}`);
    expect(parseUvLock(text).lock.packages[0]?.source).toEqual(expected);
  });

  it("reads path wheels by filename, and git archives with a hash", () => {
    const text = lockWith(
      `[[package]]\nname = "a"\nversion = "1.0"\nsource = { path = "dist/a-1.0-py3-none-any.whl" }\nwheels = [{ filename = "a-1.0-py3-none-any.whl", hash = "sha256:${SHA("1")}" }]`,
      `[[package]]\nname = "b"\nversion = "2.0"\nsource = { git = "https://github.com/o/b?path=dist%2Fb.tar.gz&lfs=true#${commit}" }\nsdist = { hash = "sha256:${SHA("2")}" }`,
    );
    const { lock } = parseUvLock(text);
    expect(pkg(lock, "a").wheels).toEqual([
      { filename: "a-1.0-py3-none-any.whl", hash: { algorithm: "sha256", digest: SHA("1") } },
    ]);
    expect(pkg(lock, "b").source).toMatchObject({ path: "dist/b.tar.gz", lfs: true, commit });
    expect(pkg(lock, "b").sdist).toEqual({ hash: { algorithm: "sha256", digest: SHA("2") } });
  });

  it("reads registry path indexes with path-located files", () => {
    const text = lockWith(
      `[[package]]\nname = "a"\nversion = "1.0"\nsource = { registry = "indexes/local" }\nsdist = { path = "a-1.0.tar.gz", hash = "sha256:${SHA("3")}", size = 10 }\nwheels = [{ path = "sub/a-1.0-py3-none-any.whl", size = 20, zstd = { hash = "sha256:${SHA("4")}", size = 15 } }]`,
    );
    const a = parseUvLock(text).lock.packages[0]!;
    expect(a.sdist).toEqual({ path: "a-1.0.tar.gz", hash: { algorithm: "sha256", digest: SHA("3") }, size: 10 });
    expect(a.wheels).toEqual([
      {
        filename: "a-1.0-py3-none-any.whl",
        path: "sub/a-1.0-py3-none-any.whl",
        size: 20,
        zstd: { hash: { algorithm: "sha256", digest: SHA("4") }, size: 15 },
      },
    ]);
  });

  it("decodes percent-encoded wheel URLs and accepts a local version segment", () => {
    const text = lockWith(
      registryPkg(
        "torch",
        "2.5.1+cpu",
        'wheels = [{ url = "https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp313-cp313-linux_x86_64.whl?x=1#frag" }]',
      ),
      registryPkg("plain", "1.0", 'wheels = [{ url = "https://x/plain-1.0+local-py3-none-any.whl" }]'),
    );
    const { lock } = parseUvLock(text);
    expect(pkg(lock, "torch").wheels[0]?.filename).toBe("torch-2.5.1+cpu-cp313-cp313-linux_x86_64.whl");
    expect(pkg(lock, "plain").wheels[0]?.filename).toBe("plain-1.0+local-py3-none-any.whl");
  });

  it("normalizes names and versions", () => {
    const text = lockWith(
      registryPkg(
        "Zope.Interface",
        "1.0-Post1",
        'wheels = [{ url = "https://x/zope_interface-1.0.post1-py3-none-any.whl" }]',
      ),
    );
    const p = parseUvLock(text).lock.packages[0]!;
    expect([p.name, p.version]).toEqual(["zope-interface", "1.0.post1"]);
  });
});

describe("schema errors", () => {
  const commit = fakeSha256("c").slice(0, 40);
  const message = (text: string) => catchError(() => parseUvLock(text)).message;

  it("names the dotted path of a bad hash", () => {
    const text = lockWith(
      registryPkg("a", "1.0", 'wheels = [{ url = "https://x/a-1.0-py3-none-any.whl", hash = "sha256:abc" }]'),
    );
    const e = catchError(() => parseUvLock(text));
    expect(e.code).toBe("TSPACK_LOCK_INVALID");
    expect(e.message).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 62, package[0].wheels[0].hash (a==1.0): expected "sha256:<64 hex>", found "sha256:abc"
      9 | wheels = [{ url = "https://x/a-1.0-py3-none-any.whl", hash = "sha256:abc" }]
                                                                       ^"
    `,
    );
    const where = { line: 9, column: 62, package: { name: "a", version: "1.0" } };
    expect(e.details).toEqual({
      file: "uv.lock",
      path: "package[0].wheels[0].hash",
      ...where,
      errors: [
        { path: "package[0].wheels[0].hash", message: 'expected "sha256:<64 hex>", found "sha256:abc"', ...where },
      ],
    });
    expect(e.hint).toBe("Re-create the lock file with `uv lock`, or fix the entries named above.");
  });

  it("requires a version for registry packages", () => {
    const text = lockWith('[[package]]\nname = "a"\nsource = { registry = "https://pypi.org/simple" }');
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 5, column 1, package[0].version (a): missing required key (packages from a registry must have a version)
      5 | [[package]]
          ^"
    `,
    );
  });

  it("rejects a dependency on a package that is not locked", () => {
    const text = lockWith(registryPkg("a", "1.0", 'dependencies = [{ name = "ghost" }]'));
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 17, package[0].dependencies[0] (a==1.0): For package \`a==1.0\`, found dependency \`ghost\` with no locked package
      9 | dependencies = [{ name = "ghost" }]
                          ^"
    `,
    );
  });

  it("rejects an edge whose version matches no package", () => {
    const text = lockWith(
      registryPkg(
        "a",
        "1.0",
        'dependencies = [{ name = "b", version = "9.9", source = { registry = "https://pypi.org/simple" } }]',
      ),
      registryPkg("b", "1.0"),
    );
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 17, package[0].dependencies[0] (a==1.0): For package \`a==1.0\`, found dependency \`b==9.9\` with no locked package
      9 | dependencies = [{ name = "b", version = "9.9", source = { registry = "https://pypi.org/simple" } }]
                          ^"
    `,
    );
  });

  it("rejects an ambiguous dependency like uv", () => {
    const text = lockWith(
      registryPkg("a", "1.0", 'dependencies = [{ name = "iniconfig" }]'),
      registryPkg("iniconfig", "1.0"),
      registryPkg("iniconfig", "2.0"),
    );
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 17, package[0].dependencies[0] (a==1.0): Dependency \`iniconfig\` has missing \`source\` field but has more than one matching package
      9 | dependencies = [{ name = "iniconfig" }]
                          ^"
    `,
    );
    const noVersion = lockWith(
      registryPkg(
        "a",
        "1.0",
        'dependencies = [{ name = "iniconfig", source = { registry = "https://pypi.org/simple" } }]',
      ),
      registryPkg("iniconfig", "1.0"),
      registryPkg("iniconfig", "2.0"),
    );
    expect(message(noVersion)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 17, package[0].dependencies[0] (a==1.0): Dependency \`iniconfig\` has missing \`version\` field but has more than one matching package
      9 | dependencies = [{ name = "iniconfig", source = { registry = "https://pypi.org/simple" } }]
                          ^"
    `,
    );
  });

  it("rejects a wheel whose filename version differs from the package version", () => {
    const text = lockWith(registryPkg("a", "1.0", 'wheels = [{ url = "https://x/a-2.0-py3-none-any.whl" }]'));
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 19, package[0].wheels[0].url (a==1.0): the wheel "a-2.0-py3-none-any.whl" has version 2.0, but the package version is 1.0
      9 | wheels = [{ url = "https://x/a-2.0-py3-none-any.whl" }]
                            ^"
    `,
    );
  });

  it("rejects git sources without a commit or with a mismatched rev", () => {
    const noCommit = lockWith(
      '[[package]]\nname = "a"\nversion = "1.0"\nsource = { git = "https://github.com/o/a?rev=main" }',
    );
    expect(message(noCommit)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 8, column 18, package[0].source.git (a==1.0): "https://github.com/o/a?rev=main" has no commit fragment (expected "#<40-hex commit>")
      8 | source = { git = "https://github.com/o/a?rev=main" }
                           ^"
    `,
    );
    const other = "b".repeat(40);
    const mismatch = lockWith(
      `[[package]]\nname = "a"\nversion = "1.0"\nsource = { git = "https://github.com/o/a?rev=${other}#${commit}" }`,
    );
    expect(message(mismatch)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 8, column 18, package[0].source.git (a==1.0): "https://github.com/o/a?rev=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb#134defb179c8856c45c30a1eb49bd39e13e6e9aa" pins rev "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", but its fragment names a different commit "134defb179c8856c45c30a1eb49bd39e13e6e9aa"
      8 | source = { git = "https://github.com/o/a?rev=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb#134defb179c8856c45c30a1eb49bd39e13e6e9aa" }
                           ^"
    `,
    );
  });

  it("enforces the hash rules of each source kind", () => {
    const text = lockWith(
      '[[package]]\nname = "u"\nversion = "1.0"\nsource = { url = "https://x/u-1.0-py3-none-any.whl" }\nwheels = [{ url = "https://x/u-1.0-py3-none-any.whl" }]',
      `[[package]]\nname = "d"\nversion = "1.0"\nsource = { directory = "d" }\nsdist = { hash = "sha256:${SHA("d")}" }`,
      `[[package]]\nname = "g"\nversion = "1.0"\nsource = { git = "https://github.com/o/g#${commit}" }\nsdist = { hash = "sha256:${SHA("e")}" }`,
    );
    expect(message(text)).toMatchInlineSnapshot(`
      ""uv.lock" is not a valid lock file (3 errors):
        line 9, column 11, package[0].wheels[0].hash (u==1.0): missing; a wheel of a package from a url source must have a hash
        line 15, column 18, package[1].sdist.hash (d==1.0): unexpected; a source distribution of a package from a directory source must not have a hash
        line 21, column 18, package[2].sdist.hash (g==1.0): unexpected; a source distribution of a package from a git source must not have a hash"
    `);
  });

  it("collects every schema error in one report", () => {
    const text = lockWith(
      '[[package]]\nname = "bad name!"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "b"\nversion = "not a version"\nsource = { registry = "https://pypi.org/simple", path = "x" }',
      registryPkg(
        "c",
        "1.0",
        'sdist = { url = "https://x/c.tar.gz", size = "big" }\nwheels = [{ hash = "md5:00" }, "nope", { url = "https://x/c.zip" }]',
      ),
      registryPkg("c", "1.0"),
    );
    const e = catchError(() => parseUvLock(text));
    expect(e.message).toMatchInlineSnapshot(`
      ""uv.lock" is not a valid lock file (8 errors):
        line 6, column 8, package[0].name (bad name!==1.0): "bad name!" is not a valid package name
        line 12, column 11, package[1].version (b==not a version): "not a version" is not a valid PEP 440 version
        line 13, column 10, package[1].source (b==not a version): expected exactly one of the keys registry, git, url, path, directory, editable, virtual, found registry, path
        line 19, column 46, package[2].sdist.size (c==1.0): expected a non-negative integer, found the string "big"
        line 20, column 11, package[2].wheels[0] (c==1.0): expected exactly one of the keys url, path, filename, found none
        line 20, column 32, package[2].wheels[1] (c==1.0): expected a table, found the string "nope"
        line 20, column 48, package[2].wheels[2].url (c==1.0): the wheel filename "c.zip" is invalid: must end with ".whl"
        line 22, column 1, package[3] (c==1.0): duplicate package \`c==1.0\`"
    `);
    expect((e.details?.errors as unknown[] | undefined)?.length).toBe(8);
  });

  it("lists at most 20 errors in the message but keeps all in details", () => {
    const deps = Array.from({ length: 25 }, (_, i) => `{ name = "ghost-${i}" }`).join(", ");
    const e = catchError(() => parseUvLock(lockWith(registryPkg("a", "1.0", `dependencies = [${deps}]`))));
    const lines = e.message.split("\n");
    expect(lines[0]).toBe('"uv.lock" is not a valid lock file (25 errors):');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe("  ... and 5 more");
    expect((e.details?.errors as unknown[] | undefined)?.length).toBe(25);
  });

  it("rejects duplicate dependencies", () => {
    const text = lockWith(
      registryPkg("a", "1.0", 'dependencies = [{ name = "b" }, { name = "B" }]'),
      registryPkg("b", "1.0"),
    );
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 9, column 33, package[0].dependencies[1] (a==1.0): For package \`a==1.0\`, found duplicate dependency \`b==1.0\`
      9 | dependencies = [{ name = "b" }, { name = "B" }]
                                          ^"
    `,
    );
  });

  it("rejects duplicate dependencies in long lists too (same target, extras and marker)", () => {
    const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const deps = names.map((n) => `{ name = "${n}" }`);
    deps.push('{ name = "d3", marker = "os_name == \'nt\'" }', '{ name = "D3" }', '{ name = "d19" }');
    const text = lockWith(
      registryPkg("a", "1.0", `dependencies = [${deps.join(", ")}]`),
      ...names.map((n) => registryPkg(n, "1.0")),
    );
    const e = catchError(() => parseUvLock(text));
    expect(e.details?.errors).toMatchObject([
      {
        path: "package[0].dependencies[21]",
        message: "For package `a==1.0`, found duplicate dependency `d3==1.0`",
      },
      {
        path: "package[0].dependencies[22]",
        message: "For package `a==1.0`, found duplicate dependency `d19==1.0`",
      },
    ]);
  });

  it("rejects a package with both dev-dependencies and dependency-groups", () => {
    const text = lockWith(
      `${registryPkg("a", "1.0")}\n[package.dev-dependencies]\ndev = []\n\n[package.dependency-groups]\ndev = []`,
    );
    expect(message(text)).toMatchInlineSnapshot(
      `
      ""uv.lock", line 13, column 1, package[0].dependency-groups (a==1.0): duplicate of "dev-dependencies" (an alias); keep only one
      13 | [package.dependency-groups]
           ^"
    `,
    );
  });
});

describe("values that must parse: requires-python, markers, specifiers", () => {
  const one = (text: string) => {
    const e = catchError(() => parseUvLock(text, { path: "/p/uv.lock" }));
    expect(e.code).toBe("TSPACK_LOCK_INVALID");
    return e;
  };

  it("rejects a requires-python that is not PEP 440, naming the file, the key, the line and the column", () => {
    const e = one(lockWith(registryPkg("a", "1.0")).replace('">=3.12"', '">=3.12.[X]"'));
    expect(e.message).toMatchInlineSnapshot(`
      ""/p/uv.lock", line 3, column 19, requires-python: ">=3.12.[X]" is not a valid PEP 440 specifier set: "3.12.[X]" is not a PEP 440 version
      3 | requires-python = ">=3.12.[X]"
                            ^"
    `);
    expect(e.details).toMatchObject({
      file: "/p/uv.lock",
      path: "requires-python",
      line: 3,
      column: 19,
      errors: [{ path: "requires-python", code: "TSPACK_VERSION_INVALID" }],
    });
  });

  it.each([
    ["~=1", '"~=1" needs at least two release segments'],
    ["==1.*.2", '"1.*.2" is not a PEP 440 version'],
    [">=1.0.[X]", '"1.0.[X]" is not a PEP 440 version'],
  ])("rejects the metadata specifier %j", (spec, reason) => {
    const e = one(
      lockWith(
        registryPkg("a", "1.0", `\n[package.metadata]\nrequires-dist = [{ name = "b", specifier = "${spec}" }]`),
      ),
    );
    expect(e.details).toMatchObject({
      path: "package[0].metadata.requires-dist[0].specifier",
      line: 11,
      package: { name: "a" },
    });
    expect(e.message.split("\n")[0]).toContain(
      `package[0].metadata.requires-dist[0].specifier (a==1.0): "${spec}" is not a valid PEP 440 specifier set: ${reason}`,
    );
  });

  it("rejects an edge marker with a syntax error or an unknown variable, naming the package", () => {
    const e = one(
      lockWith(
        registryPkg("a", "1.0", `dependencies = [{ name = "b", marker = "sys_platform == 'linux' and" }]`),
        registryPkg("b", "2.0", `dependencies = [{ name = "c", marker = "python_versio >= '3'" }]`),
        registryPkg("c", "3.0"),
      ),
    );
    expect(e.message).toMatchInlineSnapshot(`
      ""/p/uv.lock" is not a valid lock file (2 errors):
        line 9, column 40, package[0].dependencies[0].marker (a==1.0): "sys_platform == 'linux' and" is not a valid marker: Expected a marker variable or quoted string, found the end of the input (at character 28)
        line 15, column 40, package[1].dependencies[0].marker (b==2.0): "python_versio >= '3'" is not a valid marker: Expected a marker variable or quoted string, found the unknown name "python_versio" (at character 1)"
    `);
    expect((e.details?.errors as Array<{ code?: string }> | undefined)?.map((x) => x.code)).toEqual([
      "TSPACK_MARKER_SYNTAX",
      "TSPACK_MARKER_SYNTAX",
    ]);
  });

  it("refuses a marker nested 5,000 deep as a marker error (not a stack overflow), quoting it shortened", () => {
    const deep = `${"(".repeat(5000)}os_name == 'nt'${")".repeat(5000)}`;
    const e = one(lockWith(registryPkg("a", "1.0", `resolution-markers = ["${deep}"]`)));
    const first = e.message.split("\n")[0] as string;
    expect(first.length).toBeLessThan(400);
    expect(first).toContain("package[0].resolution-markers[0] (a==1.0): ");
    expect(first).toContain(
      "(10015 characters) is not a valid marker: The marker is nested more than 200 parentheses deep",
    );
    expect(e.details).toMatchObject({ line: 9, column: 23, errors: [{ code: "TSPACK_MARKER_SYNTAX" }] });
  });

  it("checks top-level resolution markers and manifest requirements", () => {
    const e = one(
      `${lockWith(registryPkg("a", "1.0")).replace('requires-python = ">=3.12"', 'requires-python = ">=3.12"\nresolution-markers = ["os_name =="]')}\n[manifest]\nrequirements = [{ name = "a", marker = "extra ==", specifier = "==1.*.2" }]\n`,
    );
    expect((e.details?.errors as Array<{ path: string }> | undefined)?.map((x) => x.path)).toEqual([
      "resolution-markers[0]",
      "manifest.requirements[0].marker",
      "manifest.requirements[0].specifier",
    ]);
  });

  it("does not check supported-markers and required-markers (uv's environment dialect; tspack does not read them)", () => {
    const text = lockWith(registryPkg("a", "1.0")).replace(
      'requires-python = ">=3.12"',
      'requires-python = ">=3.12"\nrequired-markers = ["uv:glibc_version == \'2.31\'"]',
    );
    expect(parseUvLock(text).lock.requiredMarkers).toEqual(["uv:glibc_version == '2.31'"]);
  });

  it("names the package of a TOML syntax error in a later [[package]]", () => {
    const text = lockWith(
      registryPkg("a", "1.0"),
      registryPkg("b", "2.0", '\n[package.metadata]\nrequires-dist = [{ name = "x" }'),
    );
    const e = catchError(() => parseUvLock(text));
    expect(e.code).toBe("TSPACK_TOML_SYNTAX");
    expect(e.message.split("\n")[0]).toContain("package[1] (b==2.0): ");
    expect(e.details).toMatchObject({ file: "uv.lock", key: "package[1]", package: { name: "b", version: "2.0" } });
  });

  it("reads TOML nested 1,000 deep and refuses deeper with a line and column, not a stack overflow", () => {
    const nested = (d: number) =>
      `${lockWith(registryPkg("a", "1.0"))}\n[options]\nx = ${"[".repeat(d)}${"]".repeat(d)}\n`;
    expect(parseUvLock(nested(1000)).lock.options.x).toBeDefined();
    const e = catchError(() => parseUvLock(nested(100_000)));
    expect(e.code).toBe("TSPACK_TOML_SYNTAX");
    expect(e.details).toMatchObject({ file: "uv.lock", line: 12 });
  });

  it("reports a wrong TOML type with its line", () => {
    const e = one(lockWith(registryPkg("a", "1.0")).replace('requires-python = ">=3.12"', "requires-python = [3]"));
    expect(e.message.split("\n")[0]).toBe(
      '"/p/uv.lock", line 3, column 19, requires-python: expected a string, found an array',
    );
  });
});

describe("locations of values after parsing", () => {
  const text = lockWith(
    registryPkg(
      "a",
      "1.0",
      'dependencies = [{ name = "b", marker = "os_name == \'nt\'" }]\n\n[package.optional-dependencies]\nfast = [{ name = "b" }]',
    ),
    registryPkg("b", "2.0"),
  );
  const { lock } = parseUvLock(text, { path: "/p/uv.lock" });

  it("finds the path of a package, an edge and an optional edge by identity", () => {
    const a = pkg(lock, "a");
    expect(lockPathOf(lock, a)).toEqual(["package", 0]);
    expect(lockPathOf(lock, a.dependencies[0] as LockDependency)).toEqual(["package", 0, "dependencies", 0]);
    expect(lockPathOf(lock, a.optionalDependencies.fast?.[0] as LockDependency)).toEqual([
      "package",
      0,
      "optional-dependencies",
      "fast",
      0,
    ]);
    expect(lockPathOf(lock, { ...a })).toBeUndefined();
  });

  it("locates a value with its file, line, column and package", () => {
    expect(lockLocation(lock, ["package", 0, "dependencies", 0, "marker"])).toEqual({
      file: "/p/uv.lock",
      path: "package[0].dependencies[0].marker",
      line: 9,
      column: 40,
      package: { name: "a", version: "1.0" },
    });
    expect(lockSource(lock)?.file).toBe("/p/uv.lock");
  });

  it("re-raises a parse error of a value with its location", () => {
    const e = catchError(() =>
      atLockValue(
        lock,
        () => ["requires-python"],
        () => {
          throw new TspackError("TSPACK_VERSION_INVALID", 'The version specifier "x" is invalid');
        },
      ),
    );
    expect(e.code).toBe("TSPACK_VERSION_INVALID");
    expect(e.message).toMatchInlineSnapshot(`
      ""/p/uv.lock", line 3, column 19, requires-python: The version specifier "x" is invalid
      3 | requires-python = ">=3.12"
                            ^"
    `);
    expect(e.details).toEqual({ file: "/p/uv.lock", path: "requires-python", line: 3, column: 19 });
  });
});
