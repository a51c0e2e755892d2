/**
 * `install`: the planned wheels into a `--target` or `--prefix` directory, file for file as uv/pip would
 * (the tree the uv guide zips). Input is a uv project (planned like `uv export --no-dev`) or a
 * requirements.txt with pinned versions and hashes (what `uv export` writes).
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { cachePathFor, checkDestination, writeFileAtomic } from "@tspack/cache";
import { ERROR_CODES, redactUrl, TspackError, type UserPath, withLocation } from "@tspack/errors";
import type { FetchItem, PinnedRequirement } from "@tspack/fetch";
import type { CompileBytecodeOptions, InstallEvent, InstallResult, LinkMode } from "@tspack/installer";
import { isValidVersion, normalizeVersion } from "@tspack/pep440";
import { evaluateMarker, normalizeName, parseMarker } from "@tspack/pep508";
import { chooseWheel, markerEnvironmentFor } from "@tspack/plan";
import { createTagIndex, explainNearestMiss, type Target } from "@tspack/platform-tags";
import type { LockWheel } from "@tspack/uv-lock";
import {
  cacheDirFor,
  envOf,
  type FetchStageOptions,
  fetchFilesOptions,
  fetchWheels,
  type LocalWheel,
} from "./fetch.js";
import { openCache, projectFolders } from "./guard.js";
import { buildLocalSources } from "./members.js";
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
  /** A requirements.txt to install instead of the project's lock (relative to the current folder). */
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
  if (options.requirementsFile !== undefined) {
    target = options.target && isTarget(options.target) ? options.target : (resolveTarget(options.target) as Target);
    wheels = await fetchRequirements(options.requirementsFile, target, { ...options, cacheDir });
  } else {
    const fetched = await fetchWheels({ ...options, cacheDir });
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
  return { ...result, target, wheels };
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

/** requirements.txt → wheels on disk: index look-ups, best wheel for the target, hash must be listed. */
async function fetchRequirements(
  file: string,
  target: Target,
  options: FetchStageOptions & { cacheDir: string },
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
        hint: "tspack installs pinned `name==version` lines with --hash values, as `uv export` writes them; install local projects with `tspack install PROJECT_DIR`",
      },
    );
  }
  const env = markerEnvironmentFor(target);
  const reqs = parsed.requirements.filter((r: PinnedRequirement) => {
    if (!r.marker) return true;
    try {
      return evaluateMarker(parseMarker(r.marker), env, r.extras);
    } catch (e) {
      // The marker's own caret is in the message; the file and line say which requirement it is.
      throw withLocation(e, { file: path, line: r.line }, text);
    }
  });
  const indexUrl = options.indexUrl ?? parsed.indexUrl ?? "https://pypi.org/simple";
  const index = createTagIndex(target);
  const items: FetchItem[] = [];
  const chosen: Array<{ req: PinnedRequirement; filename: string }> = [];
  const misses: string[] = [];
  const pages = await Promise.all(
    reqs.map((r) =>
      fetchSimpleIndex(indexUrl, normalizeName(r.name), {
        env: envOf(options),
        homedir: options.homedir ?? homedir(),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    ),
  );
  reqs.forEach((req, i) => {
    const page = pages[i]!;
    const files = page.files.filter(
      (f) =>
        f.filename.endsWith(".whl") &&
        versionOf(f.filename) === (isValidVersion(req.version) ? normalizeVersion(req.version) : req.version),
    );
    const name = normalizeName(req.name);
    const wheels = files.map(
      (f): LockWheel => ({
        filename: f.filename,
        url: f.url,
        ...(f.hashes.sha256 ? { hash: { algorithm: "sha256", digest: f.hashes.sha256 } } : {}),
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
        `${req.name}==${req.version} (line ${req.line}): ${files.length ? "no compatible wheel" : "no wheels on the index"}${miss ? `; ${miss}` : ""}`,
      );
      return;
    }
    const sha = choice.wheel.hash?.digest;
    const allowed = req.hashes.filter((h) => h.startsWith("sha256:")).map((h) => h.slice(7));
    if (allowed.length > 0 && sha !== undefined && !allowed.includes(sha)) {
      throw new TspackError(
        ERROR_CODES.INTEGRITY_MISMATCH,
        `The wheel "${choice.wheel.filename}" of ${req.name}==${req.version} on "${redactUrl(indexUrl)}" has sha256 ${sha}, which is not one of the ${allowed.length} hashes in "${path}" line ${req.line}`,
        { hint: "Re-export the requirements from the lock, or check that --index-url serves the same files" },
      );
    }
    items.push({
      key: `${req.name}==${req.version}`,
      url: choice.wheel.url!,
      filename: choice.wheel.filename,
      sha256: allowed.length === 1 ? allowed[0] : (sha ?? allowed[0]),
      name,
    });
    chosen.push({ req, filename: choice.wheel.filename });
  });
  if (misses.length) {
    throw new TspackError(
      ERROR_CODES.NO_COMPATIBLE_WHEEL,
      `No compatible wheel for ${misses.length} requirement(s):\n${misses.map((m) => `  ${m}`).join("\n")}`,
      {
        hint: "tspack never builds from source: try --runtime python3.13 (glibc 2.34) or another --platform",
      },
    );
  }
  const result = await fetchFiles(items, { ...fetchFilesOptions(options, options.cacheDir), indexUrl: undefined });
  return result.files.map((f, i) => ({
    name: normalizeName(chosen[i]!.req.name),
    version: chosen[i]!.req.version,
    filename: f.item.filename,
    path: f.path,
    sha256: f.sha256,
    size: f.size,
    from: f.from,
  }));
}

function versionOf(filename: string): string | undefined {
  const v = filename.split("-")[1];
  return v !== undefined && isValidVersion(v) ? normalizeVersion(v) : v;
}
