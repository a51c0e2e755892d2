import { mkdirSync, rmSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { createTempPath, publishDirectory, unpackedDirFor } from "@tspack/cache";
import { entryFileMode, type WheelFileEntry } from "@tspack/wheel";
import type { ZipEntry } from "@tspack/zip";
import { inflateWheelEntry, type WheelArchive } from "./archive.js";
import type { Linker, LinkMode } from "./link-mode.js";
import { TreeWriter } from "./tree-writer.js";
import { type UnpackedWheel, writeManifest } from "./unpacked-cache.js";

/**
 * The link loop of a job, run in a worker thread (inline source: no file to find after bundling or
 * under vitest). A job is a cache temp tree, the decided link mode and [rel, src, rel, src, ...].
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
parentPort.on("message", ({ id, root, mode, umask, links }) => {
  const made = new Set([""]);
  const ensure = (rel) => {
    if (made.has(rel)) return;
    const i = rel.lastIndexOf("/");
    ensure(i < 0 ? "" : rel.slice(0, i));
    try {
      fs.mkdirSync(root + "/" + rel, 0o755);
      if ((0o755 & umask) !== 0) fs.chmodSync(root + "/" + rel, 0o755);
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    made.add(rel);
  };
  try {
    for (let i = 0; i < links.length; i += 2) {
      const rel = links[i];
      const s = rel.lastIndexOf("/");
      if (s >= 0) ensure(rel.slice(0, s));
      const dest = root + "/" + rel;
      if (mode === "clone") fs.copyFileSync(links[i + 1], dest, fs.constants.COPYFILE_FICLONE_FORCE);
      else if (mode === "hardlink") fs.linkSync(links[i + 1], dest);
      else fs.copyFileSync(links[i + 1], dest);
    }
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({ id, error: { code: e.code, message: e.message } });
  }
});
`;

/** Thrown by the linker's fallback handler to stop filling the cache when only copies would do. */
export class SkipCache extends Error {}

interface Job {
  sha256: string;
  archive: WheelArchive;
  tmp: string;
  done?: Promise<void>;
}

/**
 * Fills the unpacked cache from a cold install's staging tree, so that each file is written once:
 * files staged verbatim with their cache mode are linked (in a worker thread, while the main thread
 * keeps writing the next wheels), the others are inflated and written; each entry is then published
 * atomically (temp dir of the cache + rename). When linking would fall back to copying (another
 * filesystem) the linker's handler throws {@link SkipCache} and the cache is simply not filled.
 */
export class CacheFiller {
  readonly #cacheDir: string;
  readonly #linker: Linker;
  readonly #jobs: Job[] = [];
  readonly #umask = process.umask();
  #worker: Worker | undefined;
  #pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  #skipped = false;
  #nextId = 0;

  /** `requested` is the caller's link mode: copies are only made when it is `copy`. */
  constructor(cacheDir: string, linker: Linker, requested: LinkMode) {
    this.#cacheDir = cacheDir;
    this.#linker = linker;
    this.#skipped = linker.decided && linker.mode === "copy" && requested !== "copy";
  }

  /** True once filling was given up (links would be copies). */
  get skipped(): boolean {
    return this.#skipped;
  }

  /** Reserves a temp directory of the cache for one wheel (call before writing). */
  async prepare(sha256: string, archive: WheelArchive): Promise<number> {
    const tmp = await createTempPath(this.#cacheDir, ".unpack");
    mkdirSync(`${tmp}/files`, { recursive: true });
    this.#jobs.push({ sha256, archive, tmp });
    return this.#jobs.length - 1;
  }

  /**
   * Starts filling job `index` once its staged files are all written: `staged` maps wheel paths to
   * absolute staged files holding exactly that entry's bytes with its cache mode.
   */
  fill(index: number, files: ReadonlyArray<WheelFileEntry<ZipEntry>>, staged: ReadonlyMap<string, string>): void {
    const job = this.#jobs[index]!;
    if (this.#skipped) return;
    const writer = new TreeWriter(`${job.tmp}/files`);
    const links: string[] = [];
    for (const { path, entry } of files) {
      const src = staged.get(path);
      if (src === undefined) writer.writeFile(path, inflateWheelEntry(job.archive, entry), entryFileMode(entry));
      else links.push(path, src);
    }
    if (links.length === 0) {
      job.done = Promise.resolve();
      return;
    }
    if (!this.#linker.decided) {
      // The first link decides the mode (clone → hardlink, or skip) in this thread, with its events.
      const [rel, src] = [links.shift()!, links.shift()!];
      try {
        writer.linkFile(rel, src, 0, 0, 0, this.#linker);
      } catch (e) {
        if (!(e instanceof SkipCache)) throw e;
        this.#skipped = true;
        return;
      }
    }
    job.done = this.#run(job.tmp, this.#linker.mode, links);
  }

  #run(tmp: string, mode: LinkMode, links: string[]): Promise<void> {
    if (links.length === 0) return Promise.resolve();
    if (this.#worker === undefined) {
      this.#worker = new Worker(WORKER_SOURCE, { eval: true });
      this.#worker.on("message", (m: { id: number; error?: { code?: string; message: string } }) => {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.error) p?.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else p?.resolve();
      });
      this.#worker.on("error", (e) => {
        for (const p of this.#pending.values()) p.reject(e);
        this.#pending.clear();
      });
    }
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker!.postMessage({ id, root: `${tmp}/files`, mode, umask: this.#umask, links });
    });
  }

  /** Waits for the links, then publishes every filled entry (in order). Returns the entries published. */
  async finish(): Promise<UnpackedWheel[]> {
    const out: UnpackedWheel[] = [];
    try {
      const settled = await Promise.allSettled(this.#jobs.map((j) => j.done));
      for (const r of settled) if (r.status === "rejected") throw r.reason;
      if (this.#skipped) return out;
      for (const job of this.#jobs) {
        const manifest = writeManifest(job.tmp, job.sha256, job.archive);
        const final = unpackedDirFor(this.#cacheDir, job.sha256);
        await publishDirectory(job.tmp, final);
        out.push({ filesDir: `${final}/files`, filename: job.archive.filename, entries: manifest.entries });
      }
      return out;
    } finally {
      this.#stop();
      for (const job of this.#jobs) rmSync(job.tmp, { recursive: true, force: true });
    }
  }

  /** Removes the temp directories (after a failed install). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#jobs.map((j) => j.done));
    this.#stop();
    for (const job of this.#jobs) rmSync(job.tmp, { recursive: true, force: true });
  }

  #stop(): void {
    void this.#worker?.terminate();
    this.#worker = undefined;
  }
}
