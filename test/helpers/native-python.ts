/**
 * Native CPythons to check pycs with (never to build them): `python3.X` from pyenv's versions folder or
 * from PATH, when it runs and is 3.X. Tests skip with a message where none is installed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";

/** A native python3.`minor`, or undefined. */
export function nativePython(minor: number): string | undefined {
  const candidates: string[] = [];
  const env = process.env[`TSPACK_TEST_PYTHON3${minor}`];
  if (env) candidates.push(env);
  const root = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  const versions = join(root, "versions");
  if (existsSync(versions)) {
    for (const v of readdirSync(versions).sort().reverse()) {
      if (v.startsWith(`3.${minor}.`)) candidates.push(join(versions, v, "bin", `python3.${minor}`));
    }
  }
  candidates.push(`python3.${minor}`);
  for (const c of candidates) {
    const r = spawnSync(c, ["-I", "-c", "import sys; print(sys.version_info[1])"], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim() === String(minor)) return c;
  }
  return undefined;
}

/** The `.py` files of a wheel (path inside the wheel, bytes). */
export function wheelSources(
  wheel: string,
  readFile: (p: string) => Uint8Array,
): { path: string; source: Uint8Array }[] {
  const files = unzipSync(readFile(wheel), { filter: (f) => f.name.endsWith(".py") });
  return Object.entries(files)
    .map(([path, source]) => ({ path, source }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Writes files under `root`. */
export function writeTree(root: string, files: ReadonlyArray<{ path: string; bytes: Uint8Array }>): void {
  for (const f of files) {
    const p = join(root, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
}

/** What {@link checkWithNative} found. */
export interface NativeReport {
  checked: number;
  /** Imported module → repr of its RESULT. */
  imported: Record<string, string>;
  errors: string[];
}

/**
 * Runs the native interpreter over a tree of sources and pycs: every pyc must pass importlib's own
 * checks (magic, flags, source hash via `importlib.util.source_hash`), unmarshal, and carry `prefix +
 * path` as `co_filename`; then `imports` are imported from the tree with bytecode writing off, and no
 * module may be compiled from its source (importlib's SourceFileLoader.source_to_code is watched: it runs
 * only when a pyc is missing or rejected). Returns the script's JSON report, with each imported module's
 * `RESULT` attribute when it has one.
 */
export function checkWithNative(
  python: string,
  root: string,
  pycs: ReadonlyArray<{ source: string; path: string }>,
  prefix: string,
  imports: ReadonlyArray<string>,
): NativeReport {
  const script = `
import importlib, importlib.util, json, marshal, os, sys
root, prefix, pairs, imports = json.loads(sys.stdin.read())
sys.dont_write_bytecode = True
errors = []
checked = 0
for src, pyc in pairs:
    with open(os.path.join(root, src), 'rb') as f: source = f.read()
    with open(os.path.join(root, pyc), 'rb') as f: data = f.read()
    want_pyc = importlib.util.cache_from_source(os.path.join(root, src))
    if os.path.normpath(want_pyc) != os.path.normpath(os.path.join(root, pyc)):
        errors.append(f'{pyc}: importlib expects {want_pyc}')
    if data[:4] != importlib.util.MAGIC_NUMBER: errors.append(f'{pyc}: magic {data[:4].hex()}')
    flags = int.from_bytes(data[4:8], 'little')
    if flags not in (1, 3): errors.append(f'{pyc}: flags {flags}')
    if data[8:16] != importlib.util.source_hash(source): errors.append(f'{pyc}: source hash')
    code = marshal.loads(data[16:])
    if code.co_filename != prefix + src: errors.append(f'{pyc}: co_filename {code.co_filename}')
    checked += 1
from importlib.machinery import SourceFileLoader
compiled = []
real = SourceFileLoader.source_to_code
def watched(self, data, path, *a, **k):
    compiled.append(path)
    return real(self, data, path, *a, **k)
SourceFileLoader.source_to_code = watched
sys.path.insert(0, root)
imported = {}
for name in imports:
    try:
        m = importlib.import_module(name)
        imported[name] = repr(getattr(m, 'RESULT', None))
    except Exception as e:
        errors.append(f'{name}: {type(e).__name__}: {e}')
for path in compiled:
    if os.path.abspath(path).startswith(os.path.abspath(root)): errors.append(f'{path}: compiled from source, its pyc was not used')
print(json.dumps({'checked': checked, 'imported': imported, 'errors': errors}))
`;
  const r = spawnSync(python, ["-I", "-c", script], {
    input: JSON.stringify([root, prefix, pycs.map((p) => [p.source, p.path]), imports]),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${python} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as NativeReport;
}
