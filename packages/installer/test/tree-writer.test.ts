import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TreeWriter } from "../src/index.js";
import { removeSandboxes, sandbox } from "./fs-fixture.js";

afterAll(removeSandboxes);
const box = (): string => sandbox("tree-writer");

/** Runs `fn` with a restrictive umask (0o077), restoring the old one. */
function withUmask<T>(mask: number, fn: () => T): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}

const mode = (p: string): number => statSync(p).mode & 0o777;
const mtime = (p: string): number => Math.floor(statSync(p).mtimeMs / 1000);

describe("TreeWriter (the install's staging tree and the dir layout's task root)", () => {
  it("writes exact modes whatever the umask, folders 0o755, and counts files and bytes", () => {
    const root = join(box(), "tree");
    const writer = withUmask(0o077, () => {
      const w = new TreeWriter(root, { createRoot: true });
      w.writeFile("pkg/__init__.py", new TextEncoder().encode("x = 1\n"), 0o644);
      w.writeFile("bin/tool", new TextEncoder().encode("#!/bin/sh\n"), 0o755);
      return w;
    });
    expect(mode(root)).toBe(0o755);
    expect(mode(join(root, "pkg"))).toBe(0o755);
    expect(mode(join(root, "pkg", "__init__.py"))).toBe(0o644);
    expect(mode(join(root, "bin", "tool"))).toBe(0o755);
    expect([writer.files, writer.bytes]).toEqual([2, 16]);
  });

  it("with mtime: one fixed time on every file and folder, the root included, after finish()", async () => {
    const root = join(box(), "task");
    const t = 315_532_800; // 1980-01-01
    const writer = new TreeWriter(root, { createRoot: true, mtime: t });
    writer.writeFile("a/b/c.txt", new TextEncoder().encode("c"), 0o644);
    await writer.writeStream("a/big.bin", 0o644, async (write) => {
      for (let i = 0; i < 4; i++) write(new Uint8Array(1000).fill(i));
    });
    writer.writeFile("top.txt", new TextEncoder().encode("t"), 0o644);
    writer.finish();
    for (const p of ["", "a", "a/b", "a/b/c.txt", "a/big.bin", "top.txt"]) expect(mtime(join(root, p))).toBe(t);
    expect(readFileSync(join(root, "a", "big.bin")).length).toBe(4000);
    expect([writer.files, writer.bytes]).toEqual([3, 4002]);
  });

  it("never overwrites: a path already there is an error and keeps its bytes", () => {
    const root = box();
    writeFileSync(join(root, "kept.txt"), "mine");
    const writer = new TreeWriter(root);
    expect(() => writer.writeFile("kept.txt", new Uint8Array([1]), 0o644)).toThrow(/EEXIST/);
    expect(readFileSync(join(root, "kept.txt"), "utf8")).toBe("mine");
    expect(() => new TreeWriter(root, { createRoot: true })).toThrow(/EEXIST/);
  });

  it("a stream that fails leaves no open file behind and the error is the stream's", async () => {
    const root = join(box(), "t");
    const writer = new TreeWriter(root, { createRoot: true });
    await expect(
      writer.writeStream("x.bin", 0o644, async (write) => {
        write(new Uint8Array(10));
        throw new Error("bad entry");
      }),
    ).rejects.toThrow("bad entry");
    expect(existsSync(join(root, "x.bin"))).toBe(true); // a staging tree: the caller drops it whole
    expect(writer.files).toBe(0);
  });
});
