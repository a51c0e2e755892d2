/**
 * Writes small uv.lock texts in uv's canonical layout for tests: registry packages by default, fake
 * but well-formed hashes derived from the file name.
 */

/** A package of {@link lockText}. Dependency entries are TOML inline tables as uv writes them. */
export interface PackageSpec {
  name: string;
  version?: string;
  /** TOML inline table; default `{ registry = "https://pypi.org/simple" }`. */
  source?: string;
  resolutionMarkers?: string[];
  deps?: string[];
  /** Wheel filenames (registry URLs are made up). */
  wheels?: string[];
  /** Write an sdist (default true for registry packages). */
  sdist?: boolean;
  optional?: Record<string, string[]>;
  dev?: Record<string, string[]>;
  /** Raw TOML appended after the package (e.g. `[package.metadata]`). */
  tail?: string;
}

/** Options of {@link lockText}. */
export interface LockSpec {
  requiresPython?: string;
  revision?: number;
  resolutionMarkers?: string[];
  members?: string[];
  /** Raw TOML for the `[manifest]` table body after `members`. */
  manifestTail?: string;
  packages: PackageSpec[];
}

/** A deterministic 64-hex digest for a file name. */
export function fakeHash(seed: string): string {
  let out = "";
  let h = 2166136261;
  for (let round = 0; out.length < 64; round++) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
    h = Math.imul(h ^ round, 2246822519);
    out += (h >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

const multiline = (key: string, items: readonly string[]): string =>
  `${key} = [\n${items.map((i) => `    ${i},\n`).join("")}]\n`;

/** Renders a lock in uv's canonical layout. */
export function lockText(spec: LockSpec): string {
  let out = `version = 1\nrevision = ${spec.revision ?? 3}\nrequires-python = "${spec.requiresPython ?? ">=3.12"}"\n`;
  if (spec.resolutionMarkers)
    out += multiline(
      "resolution-markers",
      spec.resolutionMarkers.map((m) => JSON.stringify(m)),
    );
  if (spec.members || spec.manifestTail) {
    out += "\n[manifest]\n";
    if (spec.members)
      out += multiline(
        "members",
        spec.members.map((m) => JSON.stringify(m)),
      );
    if (spec.manifestTail) out += spec.manifestTail;
  }
  for (const p of spec.packages) {
    const source = p.source ?? '{ registry = "https://pypi.org/simple" }';
    const registry = source.includes("registry");
    out += `\n[[package]]\nname = "${p.name}"\n`;
    if (p.version !== undefined) out += `version = "${p.version}"\n`;
    out += `source = ${source}\n`;
    if (p.resolutionMarkers)
      out += multiline(
        "resolution-markers",
        p.resolutionMarkers.map((m) => JSON.stringify(m)),
      );
    if (p.deps && p.deps.length > 0) out += multiline("dependencies", p.deps);
    if (p.sdist ?? registry) {
      const file = `${p.name.replace(/-/g, "_")}-${p.version}.tar.gz`;
      out += `sdist = { url = "https://files.example.org/${file}", hash = "sha256:${fakeHash(file)}", size = 1000 }\n`;
    }
    if (p.wheels && p.wheels.length > 0) {
      out += multiline(
        "wheels",
        p.wheels.map((w) =>
          registry
            ? `{ url = "https://files.example.org/${w}", hash = "sha256:${fakeHash(w)}", size = 2000 }`
            : `{ filename = "${w}", hash = "sha256:${fakeHash(w)}", size = 2000 }`,
        ),
      );
    }
    if (p.optional) {
      out += "\n[package.optional-dependencies]\n";
      for (const [k, v] of Object.entries(p.optional)) out += multiline(k, v);
    }
    if (p.dev) {
      out += "\n[package.dev-dependencies]\n";
      for (const [k, v] of Object.entries(p.dev)) out += multiline(k, v);
    }
    if (p.tail) out += `\n${p.tail}`;
  }
  return out;
}

/** `name-version-py3-none-any.whl`. */
export const pureWheel = (name: string, version: string): string =>
  `${name.replace(/-/g, "_")}-${version}-py3-none-any.whl`;
