// Test support: fresh sandboxes, wheels written to disk, and tree listings (`path mode sha256`).
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MadeWheel } from "../../../test/helpers/make-wheel.js";
import type { InstallWheelInput } from "../src/index.js";

const made: string[] = [];

/** A fresh directory for one test (never reused: see machine-limits, delete-then-create trap). */
export function sandbox(tag = "t"): string {
  const dir = mkdtempSync(join(tmpdir(), `tspack-installer-${tag}-`));
  made.push(dir);
  return dir;
}

/** Deletes every sandbox of this test file (call in `afterAll`: deleting late avoids the churn penalty). */
export function removeSandboxes(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes wheels into `<dir>/wheels/` and returns installer inputs. */
export function wheelInputs(dir: string, wheels: MadeWheel[]): InstallWheelInput[] {
  const wd = join(dir, "wheels");
  mkdirSync(wd, { recursive: true });
  return wheels.map((w) => {
    const path = join(wd, w.filename);
    writeFileSync(path, w.bytes);
    return { path, sha256: w.sha256, filename: w.filename };
  });
}

/** Every file under `root` as `path mode sha256[:16]` (dirs as `path/ mode`), sorted by byte order. */
export function treeListing(root: string, opts: { dirs?: boolean; hash?: number } = {}): string {
  const out: Array<[string, string]> = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        if (opts.dirs) out.push([`${r}/`, `${r}/ ${mode}`]);
        walk(abs, r);
      } else {
        const sha = createHash("sha256")
          .update(readFileSync(abs))
          .digest("hex")
          .slice(0, opts.hash ?? 16);
        out.push([r, `${r} ${st.isSymbolicLink() ? "link" : mode} ${sha}`]);
      }
    }
  };
  walk(root, "");
  return out
    .sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
    .map(([, line]) => line)
    .join("\n");
}

/** Names in `dir` (sorted). */
export function names(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Runs `fn`, returning `code: message` of the TspackError it throws (or "NOT REFUSED"); `box` becomes `<box>`. */
export async function errorOf(fn: () => Promise<unknown>, box?: string): Promise<string> {
  try {
    await fn();
    return "NOT REFUSED";
  } catch (e) {
    const err = e as { code?: string; message: string };
    const text = `${err.code}: ${err.message}`;
    return box === undefined ? text : text.split(box).join("<box>");
  }
}
