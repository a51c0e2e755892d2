import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  classifyError,
  ERROR_CODES,
  errorAtPath,
  FILE_SYSTEM_ERRORS,
  isTransientNetworkError,
  isTspackError,
  NETWORK_ERRORS,
  networkErrorInfo,
  TspackError,
  type UserPath,
} from "../src/index.js";

/** An error shaped like Node's system errors (fields, not message text, are what counts). */
function sysError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: something, ${String(fields.syscall ?? "op")}`), { code, ...fields });
}

const OUT: UserPath = {
  path: "/work/app/dist",
  what: "the output folder",
  option: "--out",
  internal: ["/work/app/.dist.tspack-123-abcd", "/work/app/.dist.tspack-123-abcd.old"],
};
const CACHE: UserPath = { path: "/home/u/.cache/tspack", what: "the cache", option: "--cache-dir" };
const STAGED = "/work/app/.dist.tspack-123-abcd/function.zip";

describe("classifyError: network errors", () => {
  it.each(Object.entries(NETWORK_ERRORS))("%s → TSPACK_NETWORK, retried iff transient", (code, info) => {
    const e = sysError(code, { syscall: "connect", address: "10.0.0.1", port: 443 });
    const t = classifyError(e, {
      subject: 'The download of "a==1" from "https://u:secret@example.test/a.whl"',
      url: "https://u:secret@example.test/a.whl",
      attempts: info.retry ? 4 : 1,
    });
    expect(t.code).toBe("TSPACK_NETWORK");
    // TspackError redacts its message even when the caller's subject quotes the credentials.
    expect(t.message).toBe(
      `The download of "a==1" from "https://****@example.test/a.whl" failed${info.retry ? " after 4 attempts" : ""}: ${info.reason} (${e.message})`,
    );
    expect(t.hint).toBe(info.hint);
    expect(t.details).toMatchObject({ url: "https://****@example.test/a.whl", code, retryable: info.retry });
    expect(t.cause).toBe(e);
    expect(isTransientNetworkError(e)).toBe(info.retry);
  });

  it("recognises undici's, the HTTP parser's and TLS codes by pattern", () => {
    expect(networkErrorInfo("UND_ERR_SOMETHING_NEW")).toMatchObject({ retry: false });
    expect(networkErrorInfo("HPE_INVALID_CONSTANT")).toMatchObject({ retry: true });
    expect(networkErrorInfo("CERT_UNTRUSTED")).toMatchObject({ retry: false });
    expect(networkErrorInfo("UNABLE_TO_GET_ISSUER_CERT")).toMatchObject({ retry: false });
    expect(networkErrorInfo("ERR_SSL_WRONG_VERSION_NUMBER")).toMatchObject({ retry: false });
    expect(networkErrorInfo("ENOSPC")).toBeUndefined();
    expect(networkErrorInfo("ERR_INVALID_ARG_TYPE")).toBeUndefined();
    const tls = classifyError(sysError("ERR_SSL_WRONG_VERSION_NUMBER"), { url: "https://h/x" });
    expect(tls.code).toBe("TSPACK_NETWORK");
    expect(tls.message).toMatch(/^The request to "https:\/\/h\/x" failed: the TLS handshake failed/);
  });

  it("finds the network error in a cause chain or an AggregateError (undici's `fetch failed`, happy eyeballs)", () => {
    const dns = sysError("ENOTFOUND", { syscall: "getaddrinfo", hostname: "nonexistent.invalid" });
    const wrapped = new TypeError("fetch failed", { cause: dns });
    const t = classifyError(wrapped);
    expect(t.code).toBe("TSPACK_NETWORK");
    expect(t.message).toBe(`A network request failed: the host name does not resolve (${dns.message})`);
    expect(t.details).toMatchObject({ host: "nonexistent.invalid", syscall: "getaddrinfo", attempts: 1 });
    expect(isTransientNetworkError(wrapped)).toBe(true);
    const refused = new AggregateError([sysError("ECONNREFUSED", { address: "::1", port: 1 })], "connect");
    expect(classifyError(refused).code).toBe("TSPACK_NETWORK");
    expect(isTransientNetworkError(refused)).toBe(true);
  });

  it("EPIPE is a network error on a socket only; elsewhere a file-system one", () => {
    expect(classifyError(sysError("EPIPE", { syscall: "write" }), { url: "http://h/" }).code).toBe("TSPACK_NETWORK");
    expect(classifyError(sysError("EPIPE", { syscall: "write", address: "127.0.0.1" })).code).toBe("TSPACK_NETWORK");
    const pipe = classifyError(sysError("EPIPE", { syscall: "write" }));
    expect(pipe.code).toBe("TSPACK_IO");
    expect(pipe.message).toBe("A file system operation (write) failed: the reader of the pipe went away (EPIPE)");
  });

  it("is not fooled by TspackErrors or plain bugs", () => {
    expect(isTransientNetworkError(new TspackError("TSPACK_NETWORK", "x"))).toBe(false);
    expect(isTransientNetworkError(new TypeError("x is not a function"))).toBe(false);
    expect(isTransientNetworkError(sysError("ENOSPC", { syscall: "write" }))).toBe(false);
  });
});

describe("classifyError: file-system errors", () => {
  const pathErrors = Object.entries(FILE_SYSTEM_ERRORS).filter(([, info]) => info.process !== true);
  const processErrors = Object.entries(FILE_SYSTEM_ERRORS).filter(([, info]) => info.process === true);

  it.each(pathErrors)("%s → TSPACK_IO naming the user's path, never the staging one", (code, info) => {
    const e = sysError(code, { errno: -1, syscall: "open", path: STAGED });
    const t = classifyError(e, { paths: [OUT, CACHE] });
    expect(t.code).toBe("TSPACK_IO");
    expect(t.message).toBe(
      `The output folder "/work/app/dist" cannot be written: ${info.reason} (${code}, "/work/app/dist/function.zip")`,
    );
    expect(t.message).not.toContain("tspack-123");
    expect(t.hint).toBe(info.hint({ path: "/work/app/dist", option: "--out" }));
    expect(t.hint).not.toContain("tspack-123");
    expect(t.details).toEqual({
      path: "/work/app/dist",
      file: "/work/app/dist/function.zip",
      option: "--out",
      errno: code,
      errnoNumber: -1,
      syscall: "open",
    });
    expect(t.cause).toBe(e);
  });

  it.each(processErrors)("%s → TSPACK_IO about the process's limits, blaming no folder", (code, info) => {
    const e = sysError(code, { errno: -24, syscall: "open", path: STAGED });
    const t = classifyError(e, { paths: [OUT, CACHE] });
    expect([t.code, t.message]).toEqual([
      "TSPACK_IO",
      `A file system operation (open) failed: ${info.reason} (${code})`,
    ]);
    expect(t.hint).toBe(info.hint({ path: "", option: undefined }));
    expect(t.details).toEqual({ errno: code, errnoNumber: -24, syscall: "open" });
    const download = classifyError(e, { subject: 'The download of "a==1"', url: "http://h/a", paths: [CACHE] });
    expect(download.message).toBe(`The download of "a==1" failed: ${info.reason} (${code})`);
  });

  it("says the fix for each errno that matters", () => {
    const hint = (code: string, path = STAGED) =>
      classifyError(sysError(code, { syscall: "mkdir", path }), { paths: [OUT, CACHE] }).hint;
    expect(hint("ENOSPC")).toBe(
      'Free space on the file system that holds "/work/app/dist" (see `df -h`), or choose a folder on another file system with --out.',
    );
    expect(hint("ENOSPC", "/home/u/.cache/tspack/tmp/1-ab.part")).toBe(
      'Free space on the file system that holds "/home/u/.cache/tspack" (see `df -h`), or choose a folder on another file system with --cache-dir.',
    );
    expect(hint("EROFS")).toBe(
      '"/work/app/dist" is on a read-only file system: choose a writable folder with --out, or mount it read-write.',
    );
    expect(hint("EACCES")).toContain(
      "fix its permissions or owner (see `ls -ld` of it and its parent folders), or choose a folder you own with --out",
    );
    expect(hint("EPERM")).toContain("choose a folder you own with --out");
    expect(hint("ENAMETOOLONG", "/work/app/dist")).toBe(
      '"/work/app/dist" is longer than the file system allows (255 bytes per name, 4096 per path): choose a shorter path with --out.',
    );
    expect(hint("ENOTDIR")).toContain("move that file away, or choose another path with --out");
    expect(hint("EMFILE")).toContain("ulimit -n");
    expect(hint("EDQUOT")).toContain("quota");
  });

  it("tells a name too long inside a package from a path too long", () => {
    const long = "n".repeat(300);
    const t = classifyError(
      sysError("ENAMETOOLONG", { syscall: "open", path: `/work/app/.dist.tspack-123-abcd/pkg/${long}.py` }),
      {
        paths: [OUT],
      },
    );
    expect(t.message).toBe(
      `The output folder "/work/app/dist" cannot be written: file name too long (ENAMETOOLONG, "/work/app/dist/pkg/${long}.py")`,
    );
    expect(t.hint).toBe(
      `A file inside "/work/app/dist" is named "nnnnnnnnnnnnnnnnnnnn…nnnnnnnnn.py" (303 bytes), over the file system's limit of 255 bytes per name: the name comes from a package (or the project's files), not from the folder you chose, and cannot be written on this file system.`,
    );
  });

  it("reports a write without a path against the operation's main path, or as is without one", () => {
    const write = sysError("ENOSPC", { syscall: "write", errno: -28 });
    expect(classifyError(write, { paths: [OUT, CACHE] }).message).toBe(
      'The output folder "/work/app/dist" cannot be written: no space left on device (ENOSPC)',
    );
    expect(classifyError(write, { paths: [CACHE, OUT] }).message).toBe(
      'The cache "/home/u/.cache/tspack" cannot be written: no space left on device (ENOSPC)',
    );
    expect(classifyError(write).message).toBe(
      "A file system operation (write) failed: no space left on device (ENOSPC)",
    );
    // errorAtPath gives it the file it was writing: the cache, whatever comes first
    const located = errorAtPath(sysError("ENOSPC", { syscall: "write" }), "/home/u/.cache/tspack/tmp/1.part");
    expect(classifyError(located, { paths: [OUT, CACHE] }).message).toBe(
      'The cache "/home/u/.cache/tspack" cannot be written: no space left on device (ENOSPC, "/home/u/.cache/tspack/tmp/1.part")',
    );
    const tspack = new TspackError("TSPACK_USAGE", "x");
    expect(errorAtPath(tspack, "/x")).toBe(tspack);
    expect((tspack as unknown as { path?: string }).path).toBeUndefined();
  });

  it("names a path outside the context as is, and the source of a two-path call as read", () => {
    const outside = classifyError(sysError("EACCES", { syscall: "open", path: "/etc/netrc" }), { paths: [OUT] });
    expect(outside.message).toBe('"/etc/netrc" cannot be used: permission denied (EACCES)');
    expect(outside.details).toMatchObject({ path: "/etc/netrc" });
    // copyfile from the cache into the staging folder: a permission error is the destination's
    const copy = { syscall: "copyfile", path: "/home/u/.cache/tspack/wheels-v1/x", dest: `${STAGED}` };
    expect(classifyError(sysError("EACCES", copy), { paths: [OUT, CACHE] }).message).toBe(
      'The output folder "/work/app/dist" cannot be written: permission denied (EACCES, "/work/app/dist/function.zip")',
    );
    // …and a missing file the source's
    expect(classifyError(sysError("ENOENT", copy), { paths: [OUT, CACHE] }).message).toBe(
      'The cache "/home/u/.cache/tspack" cannot be read: no such file or folder (ENOENT, "/home/u/.cache/tspack/wheels-v1/x")',
    );
    // the longest user path wins (an output folder inside the project)
    const project: UserPath = { path: "/work/app", what: "the project" };
    expect(
      classifyError(sysError("EROFS", { syscall: "mkdir", path: "/work/app/dist/x" }), { paths: [project, OUT] })
        .message,
    ).toBe('The output folder "/work/app/dist" cannot be written: read-only file system (EROFS, "/work/app/dist/x")');
  });

  it("any errno with a syscall is TSPACK_IO, explained by Node's words when not in the table", () => {
    const t = classifyError(sysError("ENOLINK", { syscall: "open", path: "/work/app/dist/a" }), { paths: [OUT] });
    expect(t.code).toBe("TSPACK_IO");
    expect(t.message).toBe(
      'The output folder "/work/app/dist" cannot be used: something (ENOLINK, "/work/app/dist/a")',
    );
    expect(t.hint).toBe('Check "/work/app/dist" and run again.');
  });

  describe("real Node errors", () => {
    const box = mkdtempSync(join(tmpdir(), "tspack-classify-"));
    afterAll(() => rmSync(box, { recursive: true, force: true }));

    it("ENOTDIR under a file, ENAMETOOLONG, EISDIR", () => {
      writeFileSync(join(box, "file"), "x");
      const user: UserPath = { path: join(box, "file", "out"), what: "the output folder", option: "--out" };
      const errorOf = (f: () => void): unknown => {
        try {
          f();
        } catch (e) {
          return e;
        }
        throw new Error("no error");
      };
      const notDir = classifyError(
        errorOf(() => mkdirSync(join(box, "file", "out"), { recursive: true })),
        { paths: [user] },
      );
      expect(notDir.code).toBe("TSPACK_IO");
      expect(notDir.message).toMatch(
        /^The output folder ".*\/file\/out" cannot be written: a part of the path is a file, not a folder \(ENOTDIR/,
      );
      const long = join(box, "x".repeat(300));
      const tooLong = classifyError(
        errorOf(() => mkdirSync(long)),
        {
          paths: [{ path: long, what: "the output folder", option: "--out" }],
        },
      );
      expect(tooLong.message).toBe(`The output folder "${long}" cannot be written: file name too long (ENAMETOOLONG)`);
      expect(tooLong.details).toMatchObject({ errno: "ENAMETOOLONG", syscall: "mkdir" });
      const isDir = classifyError(errorOf(() => writeFileSync(box, "x")));
      expect(isDir.message).toBe(`"${box}" cannot be used: is a folder, not a file (EISDIR)`);
    });
  });
});

describe("classifyError: everything else", () => {
  it("returns TspackErrors as they are, also from a cause chain", () => {
    const e = new TspackError("TSPACK_LOCK_INVALID", "bad");
    expect(classifyError(e)).toBe(e);
    expect(classifyError(new Error("wrapper", { cause: e }))).toBe(e);
  });

  it("is TSPACK_ABORTED for aborts (DOM AbortError, undici's, or a fired signal)", () => {
    const dom = Object.assign(new Error("This operation was aborted"), { name: "AbortError", code: "ABORT_ERR" });
    expect(classifyError(dom).code).toBe(ERROR_CODES.ABORTED);
    expect(classifyError(sysError("UND_ERR_ABORTED")).code).toBe(ERROR_CODES.ABORTED);
    const t = classifyError(sysError("ENOENT", { syscall: "open" }), { aborted: true, subject: "The build" });
    expect([t.code, t.message]).toEqual(["TSPACK_ABORTED", "The build was aborted"]);
  });

  it("is TSPACK_INTERNAL, a bug, for anything else (Node's programming errors included)", () => {
    for (const thrown of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      Object.assign(new TypeError('The "path" argument must be of type string'), { code: "ERR_INVALID_ARG_TYPE" }),
      new RangeError("Maximum call stack size exceeded"),
      "a string",
      undefined,
    ]) {
      const t = classifyError(thrown);
      expect(isTspackError(t, "TSPACK_INTERNAL")).toBe(true);
      expect(t.hint).toBe(
        "This is a bug in tspack: please report it with the command you ran and its output with --verbose.",
      );
      expect(t.cause).toBe(thrown);
    }
    expect(classifyError(new TypeError("boom")).message).toBe("boom");
    expect(classifyError(new TypeError("boom")).details).toEqual({ name: "TypeError" });
    expect(classifyError("a string").message).toBe("a string");
  });
});
