/**
 * Where registry credentials come from, first match wins:
 * 1. `--registry-username` + `--registry-password-stdin` (for the registries named by `--push`);
 * 2. podman/skopeo's auth file: `$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`, then
 *    `~/.config/containers/auth.json`;
 * 3. Docker's `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`): `credHelpers` for the host, else
 *    the `auths` entry, else `credsStore` — a helper is run as `docker-credential-<name> get` with the
 *    registry host on stdin (this covers ECR's `ecr-login`).
 * Nothing found: anonymous (public.ecr.aws gives anonymous pull tokens). Secrets never reach a message.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type AuthFile, credentialsInAuthFile, type StoredCredentials } from "./core/auth.js";

export interface CredentialOptions {
  /** Environment passed by the shell (REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, DOCKER_CONFIG, PATH). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  homedir?: string | undefined;
  /** `--registry-username` / `--registry-password-stdin`, and the registries they are for. */
  explicit?: { username: string; password: string; registries: readonly string[] } | undefined;
  /** A warning (a helper that failed): never holds a secret. */
  onWarning?: ((message: string) => void) | undefined;
}

/** The auth files to read, in order, with the name shown in messages. */
export function authFiles(options: CredentialOptions): Array<{ path: string; shown: string }> {
  const env = options.env ?? {};
  const out: Array<{ path: string; shown: string }> = [];
  if (env.REGISTRY_AUTH_FILE) out.push({ path: env.REGISTRY_AUTH_FILE, shown: "$REGISTRY_AUTH_FILE" });
  else if (env.XDG_RUNTIME_DIR)
    out.push({
      path: join(env.XDG_RUNTIME_DIR, "containers", "auth.json"),
      shown: "$XDG_RUNTIME_DIR/containers/auth.json",
    });
  if (options.homedir)
    out.push({
      path: join(options.homedir, ".config", "containers", "auth.json"),
      shown: "~/.config/containers/auth.json",
    });
  if (env.DOCKER_CONFIG)
    out.push({ path: join(env.DOCKER_CONFIG, "config.json"), shown: "$DOCKER_CONFIG/config.json" });
  else if (options.homedir)
    out.push({ path: join(options.homedir, ".docker", "config.json"), shown: "~/.docker/config.json" });
  return out;
}

/** The stored credentials for `registry` (a helper is named, not run: see {@link runCredentialHelper}). */
export async function findCredentials(
  registry: string,
  options: CredentialOptions,
): Promise<StoredCredentials | undefined> {
  const e = options.explicit;
  if (e?.registries.includes(registry))
    return {
      kind: "basic",
      username: e.username,
      password: e.password,
      source: "--registry-username/--registry-password-stdin",
    };
  for (const f of authFiles(options)) {
    let json: AuthFile;
    try {
      json = JSON.parse(await readFile(f.path, "utf8")) as AuthFile;
    } catch {
      continue; // missing or unreadable: the next source
    }
    if (typeof json !== "object" || json === null) continue;
    const found = credentialsInAuthFile(json, registry, f.shown);
    if (found) return found;
  }
  return undefined;
}

/**
 * Runs `docker-credential-<helper> get` with the registry host on stdin. "credentials not found" and a helper
 * that cannot run are a warning and no credentials (the registry may not need any).
 */
export function runCredentialHelper(
  helper: string,
  registry: string,
  options: CredentialOptions,
): Promise<StoredCredentials | undefined> {
  const name = `docker-credential-${helper}`;
  const source = `the credential helper ${name}`;
  return new Promise((resolve) => {
    if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
      options.onWarning?.(`The credential helper "${helper}" has an invalid name: not used`);
      resolve(undefined);
      return;
    }
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
    const child = execFile(name, ["get"], { env, timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) {
        const notFound = /credentials not found/i.test(String(stdout));
        if (!notFound)
          options.onWarning?.(
            `${source} failed for ${registry} (${(error as NodeJS.ErrnoException).code === "ENOENT" ? "not on PATH" : `exit ${String((error as { code?: unknown }).code)}`}): going on without credentials`,
          );
        resolve(undefined);
        return;
      }
      try {
        const json = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!json.Secret) {
          resolve(undefined);
          return;
        }
        const username = json.Username ?? "";
        resolve(
          username === "<token>"
            ? { kind: "identity-token", username, token: json.Secret, source }
            : { kind: "basic", username, password: json.Secret, source },
        );
      } catch {
        options.onWarning?.(
          `${source} printed something that is not JSON for ${registry}: going on without credentials`,
        );
        resolve(undefined);
      }
    });
    child.stdin?.on("error", () => {});
    child.stdin?.end(registry);
  });
}
