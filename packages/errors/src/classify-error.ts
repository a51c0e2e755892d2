/**
 * The one place where a thrown value that is not a TspackError becomes one. Node and undici report
 * failures as errors with `code`, `errno`, `syscall`, `path`/`dest` and `hostname`/`address`/`port`
 * fields, often wrapped (`cause`, AggregateError's `errors`); this module reads those fields (never the
 * message text), so that
 *
 * - a network failure (DNS, refused, reset, timeout, TLS, undici's `UND_ERR_*`) is TSPACK_NETWORK, and
 *   {@link isTransientNetworkError} tells the fetch layer whether to retry it (like a 5xx);
 * - a file-system failure is TSPACK_IO naming the user's path (tspack's hidden staging and temp paths
 *   are mapped back to the `--out`/`--target`/cache folder they serve, given by the caller) with the
 *   fix for its errno in the hint, and `errno`/`syscall` in the details;
 * - an abort is TSPACK_ABORTED;
 * - anything else is TSPACK_INTERNAL: a bug in tspack.
 *
 * Pure: no node:* import; the caller passes what it knows about the operation as {@link ErrorContext}.
 */
import { ERROR_CODES } from "./codes.js";
import { redactUrl } from "./redact.js";
import { isTspackError, TspackError } from "./tspack-error.js";

/** A path the user gave (or tspack's default for it) that an operation reads or writes. */
export interface UserPath {
  /** The absolute path, as the user named it (e.g. the resolved `--out`). */
  path: string;
  /** What it is, for messages: `the output folder`, `the target folder`, `the cache`, `the project`. */
  what: string;
  /** How to choose another one, for hints: `--out`, `--target`, `--cache-dir (or TSPACK_CACHE_DIR)`. */
  option?: string;
  /**
   * tspack's own paths that serve it (hidden staging folders beside `--out`, temp files): an error on
   * one of them, or inside one, is reported against `path`.
   */
  internal?: readonly string[];
}

/** What the caller knows about the operation that failed. All optional. */
export interface ErrorContext {
  /**
   * The user's paths the operation reads or writes, most likely first: a file-system error without a
   * path of its own (a failed `write` on an open file) is reported against the first.
   */
  paths?: readonly UserPath[];
  /** The URL being fetched (credentials are redacted in messages and details). */
  url?: string;
  /** The start of the message for network errors, e.g. `The download of "numpy==2.3.1" from "https://…"`. */
  subject?: string;
  /** Attempts made, for network errors (`failed after 4 attempts`). */
  attempts?: number;
  /** True when the operation's AbortSignal fired: any error is then TSPACK_ABORTED. */
  aborted?: boolean;
}

/** One network error code: the reason in words, whether a retry may help, and the fix. */
export interface NetworkErrorInfo {
  reason: string;
  /** Transient (retried like a 5xx) or not (a certificate error fails the same way every time). */
  retry: boolean;
  hint: string;
}

const CHECK_URL = "Check the URL (--index-url, --mirror, the lock's URLs)";
const PROXY = "the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)";
const DNS_HINT = `The host name does not resolve. ${CHECK_URL}, the DNS configuration and ${PROXY}; offline, use --offline with a filled cache.`;
const CONNECT_HINT = `${CHECK_URL} and its port, that the server is up, and ${PROXY}.`;
const FLAKY_HINT = `The connection failed after it was made: try again; check ${PROXY}, and a lower --concurrency (TSPACK_CONCURRENCY) can help flaky links.`;
const TIMEOUT_HINT = `The server did not answer in time: try again later, check ${PROXY}, or use a mirror (--mirror).`;
const CERT_HINT =
  "The server's TLS certificate is not trusted. If a corporate proxy or a private CA signs it, give that CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (library: pass a `dispatcher` with your TLS options); a certificate error is not retried.";
const TLS_HINT =
  "The TLS handshake failed: check that the URL's scheme (http/https) and port match the server, and the proxy settings; it is not retried.";
const HTTP_HINT = `The server (or a proxy) sent a response that is not valid HTTP: try again, or check ${PROXY}.`;
const UNDICI_HINT = `${CHECK_URL} and ${PROXY}.`;

/**
 * Every network error code tspack knows: Node's socket and DNS errno codes, undici's `UND_ERR_*`
 * codes and the TLS ones. Also recognised by pattern: any other `UND_ERR_*` (not retried), `HPE_*`
 * (undici's HTTP parser, retried), `CERT_*`, `UNABLE_TO_*`, `ERR_SSL_*`, `ERR_TLS_*` (not retried).
 * `EPIPE` is a network error only on a socket (with a URL in the context, or an address on the error).
 */
export const NETWORK_ERRORS: Readonly<Record<string, NetworkErrorInfo>> = {
  ENOTFOUND: { reason: "the host name does not resolve", retry: true, hint: DNS_HINT },
  EAI_AGAIN: { reason: "the DNS look-up failed for now", retry: true, hint: DNS_HINT },
  EAI_FAIL: { reason: "the DNS look-up failed", retry: true, hint: DNS_HINT },
  ECONNREFUSED: { reason: "the connection was refused", retry: true, hint: CONNECT_HINT },
  ECONNRESET: { reason: "the connection was reset", retry: true, hint: FLAKY_HINT },
  ECONNABORTED: { reason: "the connection was aborted", retry: true, hint: FLAKY_HINT },
  EPIPE: { reason: "the connection was closed while sending", retry: true, hint: FLAKY_HINT },
  ETIMEDOUT: { reason: "the connection timed out", retry: true, hint: TIMEOUT_HINT },
  EHOSTUNREACH: { reason: "the host is unreachable", retry: true, hint: CONNECT_HINT },
  EHOSTDOWN: { reason: "the host is down", retry: true, hint: CONNECT_HINT },
  ENETUNREACH: { reason: "the network is unreachable", retry: true, hint: CONNECT_HINT },
  ENETDOWN: { reason: "the network is down", retry: true, hint: CONNECT_HINT },
  ENETRESET: { reason: "the network dropped the connection", retry: true, hint: FLAKY_HINT },
  EPROTO: { reason: "a protocol error (TLS)", retry: false, hint: TLS_HINT },
  UND_ERR_CONNECT_TIMEOUT: { reason: "the connection timed out", retry: true, hint: TIMEOUT_HINT },
  UND_ERR_HEADERS_TIMEOUT: { reason: "no response headers in time", retry: true, hint: TIMEOUT_HINT },
  UND_ERR_BODY_TIMEOUT: { reason: "the body stalled", retry: true, hint: TIMEOUT_HINT },
  UND_ERR_SOCKET: { reason: "the connection failed", retry: true, hint: FLAKY_HINT },
  UND_ERR_CLOSED: { reason: "the connection was closed", retry: true, hint: FLAKY_HINT },
  UND_ERR_INFO: { reason: "the connection was closed", retry: true, hint: FLAKY_HINT },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    reason: "the body does not match its Content-Length",
    retry: true,
    hint: FLAKY_HINT,
  },
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: {
    reason: "the request does not match its Content-Length",
    retry: true,
    hint: FLAKY_HINT,
  },
  UND_ERR_SOCKS5: { reason: "the SOCKS5 proxy failed", retry: true, hint: CONNECT_HINT },
  UND_ERR_DESTROYED: { reason: "the connection was destroyed", retry: false, hint: FLAKY_HINT },
  UND_ERR_HEADERS_OVERFLOW: { reason: "the response headers are too large", retry: false, hint: UNDICI_HINT },
  UND_ERR_RES_EXCEEDED_MAX_SIZE: { reason: "the response is too large", retry: false, hint: UNDICI_HINT },
  UND_ERR_PRX_TLS: { reason: "the TLS connection to the proxy failed", retry: false, hint: TLS_HINT },
  UND_ERR_INVALID_ARG: { reason: "the request is invalid", retry: false, hint: UNDICI_HINT },
  UND_ERR_NOT_SUPPORTED: { reason: "the request is not supported", retry: false, hint: UNDICI_HINT },
  UND_ERR_RESPONSE: { reason: "the response was refused", retry: false, hint: UNDICI_HINT },
  UND_ERR_REQ_RETRY: { reason: "the request failed after retries", retry: false, hint: UNDICI_HINT },
  ERR_TLS_HANDSHAKE_TIMEOUT: { reason: "the TLS handshake timed out", retry: true, hint: TIMEOUT_HINT },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: "the server's certificate is for another host name",
    retry: false,
    hint: CERT_HINT,
  },
  CERT_HAS_EXPIRED: { reason: "the server's certificate has expired", retry: false, hint: CERT_HINT },
  CERT_NOT_YET_VALID: { reason: "the server's certificate is not valid yet", retry: false, hint: CERT_HINT },
  CERT_REVOKED: { reason: "the server's certificate is revoked", retry: false, hint: CERT_HINT },
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: "the server's certificate is self-signed", retry: false, hint: CERT_HINT },
  SELF_SIGNED_CERT_IN_CHAIN: {
    reason: "the server's certificate chain has a self-signed certificate",
    retry: false,
    hint: CERT_HINT,
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    reason: "the server's certificate cannot be verified",
    retry: false,
    hint: CERT_HINT,
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    reason: "the issuer of the server's certificate is unknown",
    retry: false,
    hint: CERT_HINT,
  },
  HOSTNAME_MISMATCH: { reason: "the server's certificate is for another host name", retry: false, hint: CERT_HINT },
};

/** One file-system errno: the reason in words and the fix for a path. */
export interface FileSystemErrorInfo {
  reason: string;
  /** The fix, for `path` (what the user gave) and `option` (how to choose another, e.g. `--out`). */
  hint: (p: { path: string; option: string | undefined }) => string;
  /** The operation could only have been a write (the verb of the message). */
  write?: true;
  /** A limit of the process or the system, not of a path: the message blames no folder. */
  process?: true;
}

const another = (option: string | undefined, what = "another folder"): string =>
  option === undefined ? `choose ${what}` : `choose ${what} with ${option}`;

/** The file-system errno codes tspack explains. Any other errno with a `syscall` is TSPACK_IO too. */
export const FILE_SYSTEM_ERRORS: Readonly<Record<string, FileSystemErrorInfo>> = {
  ENOSPC: {
    reason: "no space left on device",
    write: true,
    hint: ({ path, option }) =>
      `Free space on the file system that holds "${path}" (see \`df -h\`), or ${another(option, "a folder on another file system")}.`,
  },
  EDQUOT: {
    reason: "disk quota exceeded",
    write: true,
    hint: ({ path, option }) =>
      `Your disk quota on the file system that holds "${path}" is used up: free space, or ${another(option)}.`,
  },
  EFBIG: {
    reason: "file too large",
    write: true,
    hint: ({ path, option }) =>
      `The file system that holds "${path}" does not allow a file this large (FAT32 stops at 4 GiB): ${another(option, "a folder on another file system")}.`,
  },
  EROFS: {
    reason: "read-only file system",
    write: true,
    hint: ({ path, option }) =>
      `"${path}" is on a read-only file system: ${another(option, "a writable folder")}, or mount it read-write.`,
  },
  EACCES: {
    reason: "permission denied",
    hint: ({ path, option }) =>
      `You may not use "${path}": fix its permissions or owner (see \`ls -ld\` of it and its parent folders), or ${another(option, "a folder you own")}.`,
  },
  EPERM: {
    reason: "operation not permitted",
    hint: ({ path, option }) =>
      `The system does not let you change "${path}" (its owner, an immutable attribute, or the mount's options): fix its permissions or owner, or ${another(option, "a folder you own")}.`,
  },
  ENAMETOOLONG: {
    reason: "file name too long",
    hint: ({ path, option }) =>
      `"${path}" is longer than the file system allows (255 bytes per name, 4096 per path): ${another(option, "a shorter path")}.`,
  },
  ENOTDIR: {
    reason: "a part of the path is a file, not a folder",
    hint: ({ path, option }) =>
      `A part of "${path}" is a file where a folder is needed: move that file away, or ${another(option, "another path")}.`,
  },
  EISDIR: {
    reason: "is a folder, not a file",
    hint: ({ path, option }) =>
      `"${path}" is a folder where tspack needs a file: rename or remove it, or ${another(option, "another path")}.`,
  },
  EMFILE: {
    process: true,
    reason: "too many open files",
    hint: () =>
      "tspack reached this process's limit of open files: raise it (`ulimit -n 4096`), or lower --concurrency (TSPACK_CONCURRENCY).",
  },
  ENFILE: {
    process: true,
    reason: "too many open files in the system",
    hint: () => "The system's limit of open files is reached: close other programs, or raise fs.file-max.",
  },
  ELOOP: {
    reason: "too many levels of symbolic links",
    hint: ({ path }) => `A symbolic link in "${path}" points to itself (directly or not): fix or remove it.`,
  },
  ENOENT: {
    reason: "no such file or folder",
    hint: ({ path }) =>
      `"${path}" (or a folder on its way) went away while tspack was using it: make sure no other program removes it, then run again.`,
  },
  EEXIST: {
    reason: "it already exists",
    write: true,
    hint: ({ path }) => `Another program may be writing "${path}" at the same time: wait for it, then run again.`,
  },
  ENOTEMPTY: {
    reason: "the folder is not empty",
    write: true,
    hint: ({ path }) => `Another program may be writing "${path}" at the same time: wait for it, then run again.`,
  },
  EBUSY: {
    reason: "resource busy",
    hint: ({ path, option }) =>
      `"${path}" is in use (a mount point, or a file another program holds open): stop that program, or ${another(option)}.`,
  },
  EXDEV: {
    reason: "it is on another file system",
    write: true,
    hint: ({ path, option }) =>
      `"${path}" spans file systems tspack cannot move files across: ${another(option, "a folder on one file system")}.`,
  },
  ETXTBSY: {
    reason: "a program is running from the file",
    write: true,
    hint: ({ path }) => `A running program uses a file tspack must replace in "${path}": stop it, then run again.`,
  },
  EIO: {
    reason: "input/output error",
    hint: ({ path, option }) =>
      `The device (or network file system) that holds "${path}" failed: check it (see \`dmesg\`), or ${another(option)}.`,
  },
  ESTALE: {
    reason: "stale file handle",
    hint: ({ path }) => `The network file system that holds "${path}" lost the file: remount it, then run again.`,
  },
  EAGAIN: {
    process: true,
    reason: "resource temporarily unavailable",
    hint: () => "The system was short of a resource for a moment: run again.",
  },
  ENOMEM: {
    process: true,
    reason: "out of memory",
    hint: () => "The system ran out of memory: close other programs, or run on a machine with more memory.",
  },
  EPIPE: {
    reason: "the reader of the pipe went away",
    write: true,
    hint: () => "The program reading tspack's output stopped before tspack was done.",
  },
  ERR_FS_FILE_TOO_LARGE: {
    reason: "the file is larger than 2 GiB",
    hint: ({ path }) => `"${path}" is too large to read in one piece: check that it is the file you mean.`,
  },
};

const WRITE_SYSCALLS = new Set([
  "write",
  "writev",
  "mkdir",
  "mkdtemp",
  "rename",
  "copyfile",
  "link",
  "symlink",
  "unlink",
  "rmdir",
  "rm",
  "chmod",
  "fchmod",
  "utime",
  "futime",
  "fsync",
  "fdatasync",
  "ftruncate",
  "cp",
]);
const READ_SYSCALLS = new Set([
  "read",
  "readv",
  "scandir",
  "opendir",
  "stat",
  "lstat",
  "fstat",
  "statfs",
  "access",
  "readlink",
  "realpath",
]);

type Fields = {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
  hostname?: unknown;
  host?: unknown;
  address?: unknown;
  port?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
};

const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The errors of a chain, outermost first: `cause`, and the first of an AggregateError's `errors`. */
function chain(error: unknown): Fields[] {
  const out: Fields[] = [];
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (isObject(e) && !seen.has(e) && out.length < 10) {
    seen.add(e);
    out.push(e);
    const errors = e.errors;
    e = e.cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return out;
}

function isAbortError(e: Fields): boolean {
  return (
    e.name === "AbortError" || e.code === "ABORT_ERR" || e.code === "UND_ERR_ABORTED" || e.code === "UND_ERR_ABORT"
  );
}

/** The network info of a code, by table or by pattern; undefined when it is not a network code. */
export function networkErrorInfo(code: string): NetworkErrorInfo | undefined {
  const known = NETWORK_ERRORS[code];
  if (known !== undefined) return known;
  if (code.startsWith("UND_ERR")) return { reason: "the HTTP client failed", retry: false, hint: UNDICI_HINT };
  if (code.startsWith("HPE_")) return { reason: "the response is not valid HTTP", retry: true, hint: HTTP_HINT };
  if (/^(CERT_|UNABLE_TO_|ERR_TLS_CERT)/.test(code) || code.endsWith("_CERT") || code.endsWith("_CA"))
    return { reason: "the server's certificate is not trusted", retry: false, hint: CERT_HINT };
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))
    return { reason: "the TLS handshake failed", retry: false, hint: TLS_HINT };
  return undefined;
}

function hasSocketFields(e: Fields): boolean {
  return e.address !== undefined || e.port !== undefined || e.hostname !== undefined || e.host !== undefined;
}

/** The first error of the chain with a network code (EPIPE only on a socket). */
function networkCause(
  error: unknown,
  viaUrl: boolean,
): { e: Fields; code: string; info: NetworkErrorInfo } | undefined {
  for (const e of chain(error)) {
    const code = str(e.code);
    if (code === undefined) continue;
    if (code === "EPIPE" && !viaUrl && !hasSocketFields(e)) continue;
    const info = networkErrorInfo(code);
    if (info !== undefined) return { e, code, info };
  }
  return undefined;
}

/**
 * True when `error` (or its cause chain) is a network failure worth retrying like a 5xx: DNS, refused,
 * reset, timeouts, truncated bodies, undici's socket errors. Certificate and TLS errors are not (they
 * fail the same way every time; uv does not retry them either), nor is anything that is not a network
 * error.
 */
export function isTransientNetworkError(error: unknown): boolean {
  if (isTspackError(error)) return false;
  return networkCause(error, true)?.info.retry === true;
}

/** Where an errno error happened, in the user's terms. */
interface Located {
  /** The user's path the failure is reported against. */
  user: UserPath | undefined;
  /** The path the error names, with tspack's hidden prefix replaced by the user's path. */
  shown: string | undefined;
  /** True when the error named one of tspack's own hidden paths (so tspack was writing). */
  internal: boolean;
  /** True when it is the source of a two-path call (rename, copyfile, link): it was being read. */
  source?: boolean;
}

function trimSep(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, "") : p;
}

/** `p` relative to `base` ("" when equal), or undefined when `p` is not `base` or inside it. */
function inside(p: string, base: string): string | undefined {
  const b = trimSep(base);
  if (p === b) return "";
  if (p.length > b.length && p.startsWith(b) && (p[b.length] === "/" || p[b.length] === "\\"))
    return p.slice(b.length + 1);
  return undefined;
}

function join(base: string, rel: string): string {
  return rel === "" ? base : `${trimSep(base)}/${rel}`;
}

/**
 * Maps a path of the error onto the context's user paths: hidden paths first, then the longest user path
 * that holds it, then a user path it is a parent of.
 */
function locate(path: string, paths: readonly UserPath[]): Located | undefined {
  for (const user of paths) {
    for (const hidden of user.internal ?? []) {
      const rel = inside(path, hidden);
      if (rel !== undefined) return { user, shown: join(user.path, rel), internal: true };
    }
  }
  let best: UserPath | undefined;
  for (const user of paths) {
    if (inside(path, user.path) !== undefined && (best === undefined || user.path.length > best.path.length))
      best = user;
  }
  if (best !== undefined) return { user: best, shown: path, internal: false };
  // A folder on the way to a user path (creating `--out a/b/c` where `a` is a file, or is read-only).
  for (const user of paths) if (inside(user.path, path) !== undefined) return { user, shown: path, internal: false };
  return undefined;
}

function whereOf(e: Fields, code: string, paths: readonly UserPath[]): Located {
  const path = str(e.path);
  const dest = str(e.dest);
  // Two-path calls (rename, copyfile, link): a missing file is the source; anything else the destination.
  const order = code === "ENOENT" ? [path, dest] : [dest, path];
  const source = (p: string): boolean => dest !== undefined && p === path;
  for (const p of order) {
    if (p === undefined) continue;
    const found = locate(p, paths);
    if (found !== undefined) return { ...found, source: source(p) };
  }
  const named = order.find((p) => p !== undefined);
  if (named !== undefined) return { user: undefined, shown: named, internal: false, source: source(named) };
  // No path on the error (a write on an open file): the operation's main path.
  return { user: paths[0], shown: undefined, internal: false };
}

function capitalize(s: string): string {
  return s === "" ? s : `${s[0]!.toUpperCase()}${s.slice(1)}`;
}

/** UTF-8 length of a string (names are limited in bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Longest name a file system allows on Linux (NAME_MAX), in bytes. */
const NAME_MAX = 255;

function nameTooLongHint(shown: string, user: UserPath | undefined): string | undefined {
  const base = user?.path ?? "";
  const rel = user === undefined ? undefined : inside(shown, user.path);
  const names = (rel ?? "").split(/[\\/]/);
  const long = names.find((n) => utf8Length(n) > NAME_MAX);
  if (rel !== undefined && rel !== "" && long !== undefined) {
    const shownName = long.length > 40 ? `${long.slice(0, 20)}…${long.slice(-12)}` : long;
    return `A file inside "${base}" is named "${shownName}" (${utf8Length(long)} bytes), over the file system's limit of ${NAME_MAX} bytes per name: the name comes from a package (or the project's files), not from the folder you chose, and cannot be written on this file system.`;
  }
  return undefined;
}

function fileSystemError(top: Fields, e: Fields, code: string, context: ErrorContext): TspackError {
  const paths = context.paths ?? [];
  const info = FILE_SYSTEM_ERRORS[code];
  const syscall = str(e.syscall);
  const errno = typeof e.errno === "number" ? e.errno : undefined;
  if (info?.process === true) {
    const head = context.subject ?? `A file system operation${syscall === undefined ? "" : ` (${syscall})`}`;
    return new TspackError(ERROR_CODES.IO, `${head} failed: ${info.reason} (${code})`, {
      hint: info.hint({ path: "", option: undefined }),
      details: {
        errno: code,
        ...(errno === undefined ? {} : { errnoNumber: errno }),
        ...(syscall === undefined ? {} : { syscall }),
      },
      cause: top,
    });
  }
  const where = whereOf(e, code, paths);
  const subjectPath = where.user?.path ?? where.shown;
  const verb = where.source
    ? "read"
    : where.internal || info?.write === true || (syscall !== undefined && WRITE_SYSCALLS.has(syscall))
      ? "written"
      : syscall !== undefined && READ_SYSCALLS.has(syscall)
        ? "read"
        : "used";
  const reason =
    info?.reason ??
    (str(e.message)
      ?.replace(/^[A-Z0-9_]+: /, "")
      .split(",")[0] ||
      "failed");
  const at = where.shown !== undefined && where.shown !== subjectPath ? `, "${where.shown}"` : "";
  const head =
    subjectPath === undefined
      ? `A file system operation${syscall === undefined ? "" : ` (${syscall})`}`
      : where.user !== undefined
        ? `${capitalize(where.user.what)} "${subjectPath}"`
        : `"${subjectPath}"`;
  const message = `${head} ${subjectPath === undefined ? "failed" : `cannot be ${verb}`}: ${reason} (${code}${at})`;
  const hintFor = { path: subjectPath ?? "the folder", option: where.user?.option };
  const hint =
    (code === "ENAMETOOLONG" && where.shown !== undefined ? nameTooLongHint(where.shown, where.user) : undefined) ??
    info?.hint(hintFor) ??
    `Check "${hintFor.path}" and run again.`;
  return new TspackError(ERROR_CODES.IO, message, {
    hint,
    details: {
      ...(subjectPath === undefined ? {} : { path: subjectPath }),
      ...(where.shown !== undefined && where.shown !== subjectPath ? { file: where.shown } : {}),
      ...(where.user?.option === undefined ? {} : { option: where.user.option }),
      errno: code,
      ...(errno === undefined ? {} : { errnoNumber: errno }),
      ...(syscall === undefined ? {} : { syscall }),
    },
    cause: top,
  });
}

function networkError(
  top: Fields,
  found: { e: Fields; code: string; info: NetworkErrorInfo },
  context: ErrorContext,
): TspackError {
  const { e, code, info } = found;
  const url = context.url === undefined ? undefined : redactUrl(context.url);
  const subject = context.subject ?? (url === undefined ? "A network request" : `The request to "${url}"`);
  const attempts = context.attempts ?? 1;
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const raw = str(e.message) ?? code;
  const detail = raw.includes(code) ? raw : `${raw} (${code})`;
  const host = str(e.hostname) ?? str(e.host) ?? str(e.address);
  const port = typeof e.port === "number" || typeof e.port === "string" ? e.port : undefined;
  return new TspackError(ERROR_CODES.NETWORK, `${subject} failed${after}: ${info.reason} (${detail})`, {
    hint: info.hint,
    details: {
      ...(url === undefined ? {} : { url }),
      code,
      ...(str(e.syscall) === undefined ? {} : { syscall: str(e.syscall) }),
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
      attempts,
      retryable: info.retry,
    },
    cause: top,
  });
}

/** Error codes of Node's file-system errors: `E…` with a syscall, or one of the table's. */
function fileSystemCause(error: unknown): { e: Fields; code: string } | undefined {
  for (const e of chain(error)) {
    const code = str(e.code);
    if (code === undefined) continue;
    if (
      FILE_SYSTEM_ERRORS[code] !== undefined &&
      (e.syscall !== undefined || e.path !== undefined || code.startsWith("ERR_"))
    )
      return { e, code };
    if (/^E[A-Z0-9]+$/.test(code) && typeof e.syscall === "string") return { e, code };
  }
  return undefined;
}

/**
 * Gives a file-system error without a path (a failed `write` on an open file) the path it was writing,
 * so that {@link classifyError} reports it against the right user path. Returns `error` (changed in
 * place when it is such an error; anything else is left alone).
 */
export function errorAtPath<T>(error: T, path: string): T {
  const e = error as Fields;
  if (isObject(e) && !isTspackError(e) && typeof e.code === "string" && e.path === undefined) {
    try {
      (e as { path?: string }).path = path;
    } catch {
      // a frozen error: reported against the operation's main path
    }
  }
  return error;
}

/**
 * Turns any thrown value into a TspackError: a TspackError (anywhere in the cause chain) is returned as
 * is; an abort is TSPACK_ABORTED; a network error TSPACK_NETWORK (see {@link NETWORK_ERRORS}); a
 * file-system error TSPACK_IO naming the user's path and the fix (see {@link FILE_SYSTEM_ERRORS}); anything
 * else TSPACK_INTERNAL, a bug. Never throws.
 */
export function classifyError(error: unknown, context: ErrorContext = {}): TspackError {
  if (isTspackError(error)) return error;
  const links = chain(error);
  const wrapped = links.find((e) => isTspackError(e));
  if (wrapped !== undefined) return wrapped as unknown as TspackError;
  const top: Fields = links[0] ?? { message: String(error) };
  if (context.aborted === true || links.some(isAbortError)) {
    return new TspackError(ERROR_CODES.ABORTED, `${context.subject ?? "The operation"} was aborted`, { cause: error });
  }
  const net = networkCause(error, context.url !== undefined);
  if (net !== undefined) return networkError(top, net, context);
  const fs = fileSystemCause(error);
  if (fs !== undefined) return fileSystemError(top, fs.e, fs.code, context);
  const message = str(top.message) ?? (typeof error === "string" ? error : String(error));
  return new TspackError(ERROR_CODES.INTERNAL, message, {
    hint: "This is a bug in tspack: please report it with the command you ran and its output with --verbose.",
    ...(str(top.name) === undefined ? {} : { details: { name: str(top.name) } }),
    cause: error,
  });
}
