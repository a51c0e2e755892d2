/**
 * `install`: the planned wheels into a `--target` or `--prefix` directory, file for file as uv/pip would
 * (the tree the uv guide zips). Input is a uv project (planned like `uv export --no-dev`) or a
 * requirements.txt with pinned versions and hashes (what `uv export` writes).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cachePathFor, checkDestination, hashFile, writeFileAtomic } from "@tspack/cache";
import { ERROR_CODES, isTspackError, redactUrl, TspackError, type UserPath, withLocation } from "@tspack/errors";
import type { FetchItem, HttpOptions, LocalRequirement, PinnedRequirement } from "@tspack/fetch";
import type { CompileBytecodeOptions, InstallEvent, InstallResult, LinkMode } from "@tspack/installer";
import { buildMemberWheel } from "@tspack/member-wheel";
import { isValidVersion, normalizeVersion } from "@tspack/pep440";
import { evaluateMarker, normalizeName, parseMarker } from "@tspack/pep508";
import { chooseWheel, markerEnvironmentFor } from "@tspack/plan";
import { createTagIndex, explainNearestMiss, type Target } from "@tspack/platform-tags";
import { readPyproject } from "@tspack/project";
import type { LockWheel } from "@tspack/uv-lock";
import {
  cacheDirFor,
  envOf,
  type FetchStageOptions,
  fetchFilesOptions,
  fetchWheels,
  indexesOf,
  type LocalWheel,
  remoteCacheRun,
} from "./fetch.js";
import { openCache, projectFolders } from "./guard.js";
import { nearestProjectIndexes, toIndexConfig } from "./indexes.js";
import { buildLocalSources } from "./members.js";
import { type RemoteCacheReport, throughRemoteCache } from "./remote-cache.js";
import { isTarget, resolveTarget } from "./target.js";
import { cacheUserPaths, classified, projectUserPaths } from "./user-paths.js";
import { memoEnabled } from "./warm/index.js";

export interface InstallStageOptions extends FetchStageOptions {
  /** The folder to install into (relative to the current folder, like the CLI's `--target`/`--prefix`). */
  dest: string;
  /**
   * How `dest` is laid out: `"target"` (pip/uv `--target DIR`: packages at DIR's root, as in a function
   * zip or task root) or `"prefix"` (`--prefix DIR`: DIR/lib/python3.X/site-packages, DIR/bin). Default
   * `"target"`. (`layout` is build()'s artifact layout, zip | layer | dir; install() takes no `layout`.)
   */
  scheme?: "target" | "prefix";
  /**
   * A requirements.txt to install instead of the project's lock (relative to the current folder): what
   * `uv export` writes (pins with hashes and markers, local paths built natively, index and --find-links
   * lines). Its relative paths are relative to the current folder, as uv reads them.
   */
  requirementsFile?: string;
  /**
   * How files leave the unpacked cache: `clone` (default: reflinks where the file system supports
   * them, else copies), `copy`, or `hardlink` (shares the cache's inodes: fastest, but editing an
   * installed file changes the cache and every later install). `symlink` is refused (TSPACK_USAGE).
   */
  linkMode?: LinkMode;
  clean?: boolean;
  /** INSTALLER and REQUESTED (default true, like uv; the Lambda build turns it off). */
  installerMetadata?: boolean;
  shebang?: string;
  compileBytecode?: CompileBytecodeOptions;
  onInstallEvent?: (e: InstallEvent) => void;
}

export interface InstallStageResult extends InstallResult {
  target: Target;
  wheels: LocalWheel[];
  /** The remote cache's report when it was used: counters, and `flush()` for the background uploads. */
  remoteCache?: RemoteCacheReport;
}

/** Puts a natively built member wheel into the cache so the installer reads it like any other. */
async function storeBuilt(cacheDir: string, sha256: string, bytes: Uint8Array): Promise<string> {
  const path = cachePathFor(cacheDir, sha256);
  await writeFileAtomic(path, bytes, { temp: { cacheRoot: cacheDir }, replace: false });
  return path;
}

/**
 * Installs the project's planned wheels (or a requirements.txt) into `dest`.
 * @throws TSPACK_NO_COMPATIBLE_WHEEL, TSPACK_REQUIREMENTS_INVALID, TSPACK_INTEGRITY_MISMATCH, TSPACK_WHEEL_INVALID,
 *   TSPACK_UNSAFE_PATH, TSPACK_INSTALL_FAILED, TSPACK_TOOL_FAILED (bytecode) …
 */
export async function install(options: InstallStageOptions): Promise<InstallStageResult> {
  // A usage error before any download.
  if (options.linkMode !== undefined)
    (await import("@tspack/installer")).parseLinkMode(options.linkMode, "the linkMode option");
  const cacheDir = cacheDirFor(options);
  const target = installScheme(options);
  const dest: UserPath = {
    path: resolve(options.dest),
    what: `the ${target} folder`,
    option: `--${target}`,
  };
  return classified([dest, ...cacheUserPaths(cacheDir), ...projectUserPaths(options)], options.signal, () =>
    installStage(options, cacheDir),
  );
}

async function installStage(options: InstallStageOptions, cacheDir: string): Promise<InstallStageResult> {
  let target: Target;
  let wheels: LocalWheel[];
  // The ownership guard, before any download: not the project, the workspace, the cache, the current or
  // home folder (nor one holding them); with --clean, the installer also checks every file is a package's.
  const dest = resolve(options.dest);
  const scheme = installScheme(options);
  checkDestination(dest, {
    label: `The --${scheme} folder`,
    keep: options.requirementsFile === undefined ? projectFolders(options) : [],
    cacheDir,
    ...(options.homedir === undefined ? {} : { home: options.homedir }),
    hint: `Install into a folder of its own, e.g. --${scheme} ${scheme === "target" ? "packages" : "python"} (the uv guide's layout)`,
  });
  const { installWheels, checkInstallDest } = await import("@tspack/installer");
  checkInstallDest(dest, scheme, options.clean === true);
  await openCache(cacheDir);
  // One remote cache for the run's downloads (reported in the result, uploads awaited by its flush()).
  const remoteRun = options.remoteRun ?? remoteCacheRun(options);
  if (options.requirementsFile !== undefined) {
    target = options.target && isTarget(options.target) ? options.target : (resolveTarget(options.target) as Target);
    wheels = await fetchRequirements(options.requirementsFile, target, { ...options, cacheDir, remoteRun });
  } else {
    const fetched = await fetchWheels({ ...options, cacheDir, remoteRun });
    target = fetched.target;
    wheels = [...fetched.wheels];
    for (const built of await buildLocalSources(fetched, options.onEvent)) {
      const path = await storeBuilt(cacheDir, built.sha256, built.bytes);
      wheels.push({
        name: built.name,
        version: built.version,
        filename: built.filename,
        path,
        sha256: built.sha256,
        size: built.bytes.length,
        from: "local",
      });
    }
  }
  const remoteCache: RemoteCacheReport | undefined = remoteRun.report();
  const started = performance.now();
  options.onEvent?.({ type: "install:start", packages: wheels.length });
  const result = await installWheels(
    wheels.map((w) => ({ path: w.path, sha256: w.sha256, filename: w.filename, name: w.name, version: w.version })),
    {
      dest,
      layout: scheme,
      python: target.python,
      // The unpacked cache is warm data: through the warm seam (off with `memo: false` / TSPACK_MEMO=0).
      ...(memoEnabled(options.memo, envOf(options)) ? { cacheDir } : {}),
      ...(options.linkMode === undefined ? {} : { linkMode: options.linkMode }),
      ...(options.clean ? { clean: true } : {}),
      installerMetadata: options.installerMetadata ?? true,
      ...(options.shebang ? { shebang: options.shebang } : {}),
      ...(options.compileBytecode ? { compileBytecode: options.compileBytecode } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent: (e) => {
        if (e.type === "warning") options.onEvent?.({ type: "warning", message: e.message });
        options.onInstallEvent?.(e);
      },
    },
  );
  options.onEvent?.({
    type: "install:done",
    packages: result.packages.length,
    files: result.files,
    bytes: result.bytes,
    ms: performance.now() - started,
  });
  return { ...result, target, wheels, ...(remoteCache === undefined ? {} : { remoteCache }) };
}

/**
 * The install scheme of `options`. `layout` means the artifact layout everywhere (build's zip | layer |
 * dir), so install() refuses it rather than read "target"/"prefix" from it as it once did.
 */
function installScheme(options: InstallStageOptions): "target" | "prefix" {
  const layout = (options as { layout?: unknown }).layout;
  if (layout !== undefined) {
    throw new TspackError(ERROR_CODES.USAGE, `install() takes no "layout" (got ${JSON.stringify(layout)})`, {
      hint: 'Use scheme: "target" (--target DIR) or scheme: "prefix" (--prefix DIR); layout is build()\'s artifact layout (zip, layer, dir)',
    });
  }
  const scheme = options.scheme ?? "target";
  if (scheme !== "target" && scheme !== "prefix") {
    throw new TspackError(ERROR_CODES.USAGE, `The install scheme "${String(scheme)}" is not "target" or "prefix"`, {
      hint: 'scheme: "target" installs at dest\'s root (--target DIR); "prefix" under dest/lib/python3.X/site-packages (--prefix DIR)',
    });
  }
  return scheme;
}

/** A wheel a requirement may use: on an index or a links page (`url`), or in a --find-links folder (`path`). */
interface Candidate {
  filename: string;
  url?: string;
  path?: string;
  sha256?: string;
}

const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/**
 * The wheels of every `--find-links` location: a folder (its `*.whl` files), an HTML page of links
 * (`http(s)://`, or a local `.html` file), or a `file://` URL of either.
 */
async function findLinksWheels(locations: readonly string[], http: HttpOptions): Promise<Candidate[]> {
  const { fetchLinksPage, parseSimpleHtml } = await import("@tspack/fetch");
  const out: Candidate[] = [];
  for (const location of locations) {
    const local = /^file:/i.test(location) ? fileURLToPath(location) : isUrl(location) ? undefined : resolve(location);
    if (local === undefined) {
      for (const f of await fetchLinksPage(location, http))
        out.push({ filename: f.filename, url: f.url, ...(f.hashes.sha256 ? { sha256: f.hashes.sha256 } : {}) });
      continue;
    }
    let entries: string[];
    try {
      const info = await stat(local);
      if (info.isDirectory()) entries = (await readdir(local)).sort();
      else {
        const page = parseSimpleHtml(await readFile(local, "utf8"), pathToFileURL(local).href);
        for (const f of page) {
          const target = /^file:/i.test(f.url) ? { path: fileURLToPath(f.url) } : { url: f.url };
          out.push({ filename: f.filename, ...target, ...(f.hashes.sha256 ? { sha256: f.hashes.sha256 } : {}) });
        }
        continue;
      }
    } catch (e) {
      throw new TspackError(
        ERROR_CODES.FILE_NOT_FOUND,
        `The --find-links location "${local}" ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
        { hint: "Give a folder of wheels, an HTML page of links, or its URL", cause: e },
      );
    }
    for (const name of entries) if (name.endsWith(".whl")) out.push({ filename: name, path: join(local, name) });
  }
  return out;
}

/** requirements.txt → wheels on disk: index look-ups, best wheel for the target, hash must be listed. */
async function fetchRequirements(
  file: string,
  target: Target,
  options: InstallStageOptions & { cacheDir: string },
): Promise<LocalWheel[]> {
  const { parseRequirementsTxt, fetchSimpleIndex, fetchFiles } = await import("@tspack/fetch");
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      `The requirements file "${path}" ${missing ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
      {
        hint: "Write it with `uv export --frozen --no-dev --no-editable -o requirements.txt` (or `tspack export`)",
        cause: e,
        details: { path },
      },
    );
  }
  const parsed = parseRequirementsTxt(text, { path });
  if (parsed.unsupported.length) {
    throw new TspackError(
      ERROR_CODES.REQUIREMENTS_INVALID,
      `"${path}" has lines tspack cannot install:\n${parsed.unsupported.map((u) => `  line ${u.line}: ${u.text} (${u.reason})`).join("\n")}`,
      {
        hint: "tspack installs what `uv export` writes: pinned `name==version` lines with --hash values, local paths, index and --find-links lines; it never resolves",
      },
    );
  }
  const env = markerEnvironmentFor(target);
  const applies = (marker: string | undefined, extras: readonly string[], line: number): boolean => {
    if (!marker) return true;
    try {
      return evaluateMarker(parseMarker(marker), env, [...extras]);
    } catch (e) {
      // The marker's own caret is in the message; the file and line say which requirement it is.
      throw withLocation(e, { file: path, line }, text);
    }
  };
  const reqs = parsed.requirements.filter((r: PinnedRequirement) => applies(r.marker, r.extras, r.line));
  const locals = parsed.locals.filter((l) => applies(l.marker, [], l.line));
  // Indexes as uv orders them: --index, --extra-index-url (command line or UV_*), the file's
  // --extra-index-url, then the default: --default-index/--index-url (or UV_*), the file's --index-url, PyPI.
  // Then pyproject.toml's [[tool.uv.index]] of the folder tspack runs in, as `uv pip install` reads them
  // (explicit ones only lend credentials; `format = "flat"` ones are find-links).
  const args = indexesOf(options);
  const declared = nearestProjectIndexes(process.cwd());
  const declaredDefault = declared.find((i) => i.default && !i.explicit && i.format === "simple");
  const defaultIndex = args.defaultIndex ?? parsed.indexUrl ?? declaredDefault?.url ?? "https://pypi.org/simple";
  const noIndex = args.noIndex || parsed.noIndex;
  const searched = declared.filter((i) => !i.default && !i.explicit && i.format === "simple").map((i) => i.url);
  const indexUrls = noIndex
    ? []
    : [...args.indexes.map((i) => i.url), ...parsed.extraIndexUrls, ...searched, defaultIndex];
  const http: HttpOptions = {
    env: envOf(options),
    homedir: options.homedir ?? homedir(),
    indexes: [
      ...args.indexes,
      ...parsed.extraIndexUrls.map((url) => ({ url })),
      ...declared.map(toIndexConfig),
      { url: defaultIndex },
    ],
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const flat = await findLinksWheels(
    [
      ...args.findLinks,
      ...parsed.findLinks.map((f) => (isUrl(f) ? f : resolve(f))),
      ...declared.filter((i) => i.format === "flat" && !i.explicit).map((i) => i.url),
    ],
    http,
  );
  const wanted = (req: PinnedRequirement) => (f: { filename: string }) =>
    f.filename.endsWith(".whl") &&
    normalizeName(f.filename.split("-")[0] ?? "") === normalizeName(req.name) &&
    versionOf(f.filename) === (isValidVersion(req.version) ? normalizeVersion(req.version) : req.version);

  /** The files of `req`: --find-links first; else the first index that knows the project (uv's first-index). */
  const candidatesOf = async (req: PinnedRequirement): Promise<{ files: Candidate[]; where: string }> => {
    const local = flat.filter(wanted(req));
    if (local.length > 0) return { files: local, where: "--find-links" };
    for (const indexUrl of indexUrls) {
      try {
        const page = await fetchSimpleIndex(indexUrl, normalizeName(req.name), http);
        const files = page.files.filter(wanted(req)).map((f) => ({
          filename: f.filename,
          url: f.url,
          ...(f.hashes.sha256 ? { sha256: f.hashes.sha256 } : {}),
        }));
        return { files, where: indexUrl };
      } catch (e) {
        const status = (e as { details?: { status?: number } }).details?.status;
        if (isTspackError(e, ERROR_CODES.HTTP_STATUS) && (status === 404 || status === 410)) continue;
        throw e;
      }
    }
    return { files: [], where: noIndex ? "--find-links" : (indexUrls.at(-1) ?? defaultIndex) };
  };

  const index = createTagIndex(target);
  const items: FetchItem[] = [];
  const chosen: Array<{ req: PinnedRequirement; filename: string }> = [];
  const localWheels: LocalWheel[] = [];
  const misses: string[] = [];
  const found = await Promise.all(reqs.map(candidatesOf));
  for (const [i, req] of reqs.entries()) {
    const { files, where } = found[i]!;
    const name = normalizeName(req.name);
    const wheels = files.map(
      (f): LockWheel => ({
        filename: f.filename,
        url: f.url ?? f.path,
        ...(f.sha256 ? { hash: { algorithm: "sha256", digest: f.sha256 } } : {}),
      }),
    );
    const choice = chooseWheel({ wheels }, index);
    if (choice.kind !== "wheel") {
      const miss = explainNearestMiss(
        { name: req.name, version: req.version },
        files.map((f) => f.filename),
        target,
      );
      misses.push(
        `${req.name}==${req.version} (line ${req.line}): ${files.length ? "no compatible wheel" : `no wheels on ${where === "--find-links" ? "--find-links" : `"${redactUrl(where)}"`}`}${miss ? `; ${miss}` : ""}`,
      );
      continue;
    }
    const candidate = files.find((f) => f.filename === choice.wheel.filename)!;
    const allowed = req.hashes.filter((h) => h.startsWith("sha256:")).map((h) => h.slice(7));
    if (candidate.path !== undefined) {
      localWheels.push(
        await localWheel(candidate.path, normalizeName(req.name), req.version, allowed, `"${path}" line ${req.line}`),
      );
      continue;
    }
    const sha = candidate.sha256;
    if (allowed.length > 0 && sha !== undefined && !allowed.includes(sha)) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The wheel "${choice.wheel.filename}" of ${req.name}==${req.version} on "${redactUrl(where)}" has sha256 ${sha}, which is not one of the ${allowed.length} hashes in "${path}" line ${req.line}`,
        { hint: "Re-export the requirements from the lock, or check that --index-url serves the same files" },
      );
    }
    items.push({
      key: `${req.name}==${req.version}`,
      url: candidate.url!,
      filename: choice.wheel.filename,
      sha256: allowed.length === 1 ? allowed[0] : (sha ?? allowed[0]),
      name,
    });
    chosen.push({ req, filename: choice.wheel.filename });
  }
  if (misses.length) {
    throw new TspackError(
      ERROR_CODES.NO_COMPATIBLE_WHEEL,
      `No compatible wheel for ${misses.length} requirement(s):\n${misses.map((m) => `  ${m}`).join("\n")}`,
      {
        hint: "tspack never builds from source: try --runtime python3.13 (glibc 2.34) or another --platform",
      },
    );
  }
  const result =
    items.length === 0
      ? { files: [] }
      : await throughRemoteCache(options.remoteRun ?? remoteCacheRun(options), options.cacheDir, items, () =>
          fetchFiles(items, {
            ...fetchFilesOptions(options, options.cacheDir, http.indexes ?? []),
            indexUrl: undefined,
          }),
        );
  const wheels: LocalWheel[] = result.files.map((f, i) => ({
    name: normalizeName(chosen[i]!.req.name),
    version: chosen[i]!.req.version,
    filename: f.item.filename,
    path: f.path,
    sha256: f.sha256,
    size: f.size,
    from: f.from,
  }));
  return [...wheels, ...localWheels, ...(await localRequirements(locals, path, options))];
}

/** A wheel file on local disk, checked against the hashes the requirements list for it. */
async function localWheel(
  file: string,
  name: string,
  version: string,
  allowed: readonly string[],
  where: string,
): Promise<LocalWheel> {
  let digest: { sha256: string; size: number };
  try {
    digest = await hashFile(file);
  } catch (e) {
    throw new TspackError(
      ERROR_CODES.FILE_NOT_FOUND,
      `The wheel "${file}" (${where}) ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read: ${(e as Error).message}`}`,
      { hint: "Build the wheel again, or export the requirements again", cause: e },
    );
  }
  if (allowed.length > 0 && !allowed.includes(digest.sha256)) {
    throw new TspackError(
      ERROR_CODES.INTEGRITY_MISMATCH,
      `The wheel "${file}" has sha256 ${digest.sha256}, which is not one of the ${allowed.length} hashes in ${where}`,
      { hint: "Rebuild the file, or export the requirements again from the lock" },
    );
  }
  return {
    name,
    version,
    filename: basename(file),
    path: file,
    sha256: digest.sha256,
    size: digest.size,
    from: "local",
  };
}

/**
 * The local lines of a requirements.txt (`./library`, `-e ./child`, `file://…`, wheel files), as `uv
 * export` writes workspace members: a source tree is built natively into a wheel like a workspace member
 * (pure Python only; @tspack/project), a wheel file is used as it is. Paths are relative to the current
 * folder, as uv reads them. Installed non-editable (a Lambda artifact has no source folder to link to).
 * @throws TSPACK_BUILD_UNSUPPORTED for a source archive, TSPACK_FILE_NOT_FOUND for a missing path
 */
async function localRequirements(
  locals: readonly LocalRequirement[],
  file: string,
  options: InstallStageOptions & { cacheDir: string },
): Promise<LocalWheel[]> {
  const out: LocalWheel[] = [];
  for (const l of locals) {
    const abs = resolve(l.path.startsWith("~/") ? join(options.homedir ?? homedir(), l.path.slice(2)) : l.path);
    const info = await stat(abs).catch(() => undefined);
    const where = `"${file}" line ${l.line}`;
    if (info === undefined) {
      throw new TspackError(
        ERROR_CODES.FILE_NOT_FOUND,
        `The local requirement "${l.path}" (${where}) does not exist at "${abs}"`,
        {
          hint: "Relative paths are relative to the current folder, as uv reads them: run tspack where `uv export` wrote the file (the workspace root), or use --directory",
        },
      );
    }
    if (info.isFile() && abs.endsWith(".whl")) {
      const parsedName = basename(abs).split("-");
      const allowed = l.hashes.filter((h) => h.startsWith("sha256:")).map((h) => h.slice(7));
      out.push(await localWheel(abs, normalizeName(parsedName[0] ?? ""), parsedName[1] ?? "", allowed, where));
      continue;
    }
    if (!info.isDirectory()) {
      throw new TspackError(
        ERROR_CODES.BUILD_UNSUPPORTED,
        `The local requirement "${l.path}" (${where}) is a source archive`,
        { hint: "tspack never runs a build backend: build a wheel and list the .whl, or list the project's folder" },
      );
    }
    const pyproject = await readPyproject(abs);
    const name = l.name ?? pyproject.name;
    if (name === undefined) {
      throw new TspackError(
        ERROR_CODES.PYPROJECT_INVALID,
        `The local project "${abs}" (${where}) has no [project] name`,
        {
          hint: "Give it a [project] table with a name and version, as `uv init --lib` writes",
        },
      );
    }
    const built = await buildMemberWheel(abs, { name });
    options.onEvent?.({ type: "build:member", name: normalizeName(name), filename: built.filename });
    const stored = await storeBuilt(options.cacheDir, built.sha256, built.bytes);
    out.push({
      name: normalizeName(name),
      version: built.version,
      filename: built.filename,
      path: stored,
      sha256: built.sha256,
      size: built.bytes.length,
      from: "local",
    });
  }
  return out;
}

function versionOf(filename: string): string | undefined {
  const v = filename.split("-")[1];
  return v !== undefined && isValidVersion(v) ? normalizeVersion(v) : v;
}
