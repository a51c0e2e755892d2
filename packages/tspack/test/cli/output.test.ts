import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { errorToJSON, formatError, isReaderGone, StdStreams, stdoutError } from "../../src/cli/output.js";

/** A stream that takes `ok` writes, then fails every write with `error` (as a closed pipe does). */
function failingAfter(ok: number, error: Error): { stream: Writable; written: string[] } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      if (written.length < ok) {
        written.push(String(chunk));
        cb();
      } else cb(error);
    },
  });
  return { stream, written };
}

const epipe = (): Error => Object.assign(new Error("write EPIPE"), { code: "EPIPE", errno: -32, syscall: "write" });
const enospc = (): Error =>
  Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });

describe("StdStreams", () => {
  it("keeps the first failure of a stream, reports it once, drops later writes, and never throws", async () => {
    const { stream, written } = failingAfter(2, epipe());
    const failures: string[] = [];
    const streams = new StdStreams(
      (name, e) => failures.push(`${name}:${e.code}`),
      () => stream,
    );
    for (let i = 0; i < 10; i++) streams.write("stdout", `line ${i}\n`);
    await streams.flush();
    expect(written).toEqual(["line 0\n", "line 1\n"]);
    expect(failures).toEqual(["stdout:EPIPE"]);
    expect(streams.failed.stdout?.code).toBe("EPIPE");
    streams.write("stdout", "more\n"); // dropped: no new failure, nothing pending
    await streams.flush();
    expect(failures).toHaveLength(1);
  });

  it("flush waits for writes still in flight", async () => {
    const written: string[] = [];
    const slow = new Writable({
      write(chunk, _enc, cb) {
        setTimeout(() => {
          written.push(String(chunk));
          cb();
        }, 20);
      },
    });
    const streams = new StdStreams(undefined, () => slow);
    streams.write("stderr", "a");
    streams.write("stderr", "b");
    await streams.flush();
    expect(written).toEqual(["a", "b"]);
  });

  it("tells a reader gone (EPIPE) from a failing disk", () => {
    expect(isReaderGone(epipe())).toBe(true);
    expect(isReaderGone(enospc())).toBe(false);
  });
});

describe("errors for people and machines", () => {
  it("stdout on a full disk is TSPACK_IO", () => {
    const e = stdoutError(enospc());
    expect(e.toJSON()).toEqual({
      code: "TSPACK_IO",
      message: "Standard output cannot be written: no space left on device (ENOSPC)",
      hint: "The file system standard output is redirected to is full: free space there, or redirect the output to another file system.",
      details: { path: "<stdout>", errno: "ENOSPC", syscall: "write" },
    });
  });

  it("classifies what is not a TspackError: a file-system error is TSPACK_IO, a bug TSPACK_INTERNAL (stack with -v only)", () => {
    const io = Object.assign(new Error("EROFS: read-only file system, mkdir '/ro/x'"), {
      code: "EROFS",
      syscall: "mkdir",
      path: "/ro/x",
    });
    expect(formatError(io, false)).toBe(
      'error[TSPACK_IO]: "/ro/x" cannot be written: read-only file system (EROFS)\n  hint: "/ro/x" is on a read-only file system: choose a writable folder, or mount it read-write.\n',
    );
    const bug = new TypeError("x is not a function");
    expect(formatError(bug, false)).toBe(
      "error[TSPACK_INTERNAL]: x is not a function\n  hint: This is a bug in tspack: please report it with the command you ran and its output with --verbose.\n",
    );
    expect(formatError(bug, true)).toContain(`  cause: ${bug.stack}`);
    expect(errorToJSON(bug)).toMatchObject({ code: "TSPACK_INTERNAL", message: "x is not a function" });
  });
});
