/**
 * Every error tspack raises carries one of these stable codes. Callers match on the code, never on
 * the message text. docs/errors.md has one row per code. Add codes; never rename or reuse one.
 */
export const ERROR_CODES = {
  /** Bad command-line usage: unknown flag, missing value, conflicting flags. */
  USAGE: "TSPACK_USAGE",
  /** A file tspack needs (pyproject.toml, uv.lock, requirements.txt) is missing or unreadable. */
  FILE_NOT_FOUND: "TSPACK_FILE_NOT_FOUND",
  /** TOML syntax error in uv.lock or pyproject.toml (has line/column). */
  TOML_SYNTAX: "TSPACK_TOML_SYNTAX",
  /**
   * uv.lock is valid TOML but not a valid lock: the schema, or a requires-python, marker or specifier that does
   * not parse. Every problem is in `details.errors`, each with the file, line, column, dotted key and package;
   * run `uv lock` to rewrite the lock, or fix the value named.
   */
  LOCK_INVALID: "TSPACK_LOCK_INVALID",
  /** uv.lock has a newer major `version` than tspack understands. */
  LOCK_VERSION_UNSUPPORTED: "TSPACK_LOCK_VERSION_UNSUPPORTED",
  /** pyproject.toml is invalid for tspack's purposes. */
  PYPROJECT_INVALID: "TSPACK_PYPROJECT_INVALID",
  /** PEP 440 version or specifier that cannot be parsed. */
  VERSION_INVALID: "TSPACK_VERSION_INVALID",
  /**
   * PEP 508 marker or requirement syntax error (has a caret), or a marker nested more than 200 levels deep or
   * too complex to use; the message names the file and key it came from.
   */
  MARKER_SYNTAX: "TSPACK_MARKER_SYNTAX",
  /** A wheel or sdist filename that is not valid. */
  FILENAME_INVALID: "TSPACK_FILENAME_INVALID",
  /** A target (platform, python, runtime, arch) that tspack cannot express. */
  TARGET_INVALID: "TSPACK_TARGET_INVALID",
  /** Selection asked for something the lock does not have (package, extra, group). */
  SELECTION_INVALID: "TSPACK_SELECTION_INVALID",
  /** One or more packages have no wheel for the target. */
  NO_COMPATIBLE_WHEEL: "TSPACK_NO_COMPATIBLE_WHEEL",
  /** requirements.txt input that cannot be parsed. */
  REQUIREMENTS_INVALID: "TSPACK_REQUIREMENTS_INVALID",
  /**
   * A wheel archive or its metadata is invalid (dist-info name, WHEEL, METADATA, zip structure), or a metadata
   * file (RECORD, METADATA, WHEEL, entry_points.txt) is over the 32 MiB cap.
   */
  WHEEL_INVALID: "TSPACK_WHEEL_INVALID",
  /** A zip entry path would escape the destination, or is otherwise unsafe. */
  UNSAFE_PATH: "TSPACK_UNSAFE_PATH",
  /** A zip archive is malformed (bad CRC, sizes, unsupported method, zip bomb). */
  ZIP_INVALID: "TSPACK_ZIP_INVALID",
  /** Entries given to the zip writer are invalid (duplicate path, file/directory clash, bad mode or mtime). */
  ZIP_INPUT_INVALID: "TSPACK_ZIP_INPUT_INVALID",
  /**
   * A wheel has no RECORD (uv and pip refuse it too). RECORD rows that disagree with the files (hash, size,
   * unlisted or missing files) are warnings, not errors: the wheel's own sha256 was already checked against the lock.
   */
  RECORD_MISMATCH: "TSPACK_RECORD_MISMATCH",
  /** Downloaded bytes do not match the hash (or size) recorded in the lock. */
  INTEGRITY_MISMATCH: "TSPACK_INTEGRITY_MISMATCH",
  /**
   * The server answered with an HTTP error status (5xx and 429 are retried first). For 401/403 from a private
   * index, set `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD` for the `[[tool.uv.index]]` the hint names (or use
   * `.netrc`); for 404, the lock points at a file the index no longer has.
   */
  HTTP_STATUS: "TSPACK_HTTP_STATUS",
  /**
   * A request failed below HTTP after the retries: the host does not resolve (ENOTFOUND, EAI_AGAIN), the
   * connection was refused, reset or timed out, the body was cut short, or a TLS error. Retried like a 5xx
   * (`UV_HTTP_RETRIES`, default 3), except certificate errors, which fail at once as in uv. Check the URL
   * (`--index-url`, `--mirror`, the lock's URLs), DNS and the proxy settings (HTTPS_PROXY, NO_PROXY); for a
   * private CA, give it with NODE_EXTRA_CA_CERTS.
   */
  NETWORK: "TSPACK_NETWORK",
  /**
   * The remote cache (`--remote-cache`) could not be used and `--remote-cache-required` is set: unreachable,
   * too slow, access denied (403), a 5xx or throttling after the retries. Without `--remote-cache-required`
   * the same failures are a warning and the build goes on from the local cache and the index.
   */
  REMOTE_CACHE: "TSPACK_REMOTE_CACHE",
  /** A file is needed but --offline forbids the network. */
  OFFLINE: "TSPACK_OFFLINE",
  /** A file in the lock has no hash and --require-hashes is set. */
  HASH_REQUIRED: "TSPACK_HASH_REQUIRED",
  /** A cache entry is corrupt (it is removed and fetched again by `tspack cache verify`). */
  CACHE_CORRUPT: "TSPACK_CACHE_CORRUPT",
  /** An install could not be laid out (a file meets a folder in the target, a conflicting layout). */
  INSTALL_FAILED: "TSPACK_INSTALL_FAILED",
  /** A workspace member or project cannot be built natively (C extensions, custom hooks). */
  BUILD_UNSUPPORTED: "TSPACK_BUILD_UNSUPPORTED",
  /**
   * A zip or layer build exceeds Lambda's 262,144,000-byte unzipped limit (function + layers), found from the
   * wheels' central directories before anything is inflated, or after planning; `--layout dir` is not limited.
   * The message lists the largest packages: drop extras or groups, `--prune` packages, or use `--layout dir`.
   */
  SIZE_LIMIT: "TSPACK_SIZE_LIMIT",
  /** An external tool (python for --compile-bytecode) failed or is the wrong version. */
  TOOL_FAILED: "TSPACK_TOOL_FAILED",
  /**
   * A container base image (`--base`) cannot be used for `--layout image`: its manifest, index or config is
   * malformed or of a media type tspack does not read, it is a single manifest of another architecture, or an
   * index without the target's platform (the message names what it has), or an OCI layout has no such tag.
   * Choose a Lambda base published for the target (e.g. public.ecr.aws/lambda/python:3.13), or change `--arch`.
   */
  IMAGE_INVALID: "TSPACK_IMAGE_INVALID",
  /**
   * A container registry refused the request (401 Unauthorized or 403 Forbidden) when pulling the base or
   * pushing the image; the message names the registry and the credentials tried (never their values). Log in
   * (`podman login`, `docker login`, `aws ecr get-login-password | tspack build … --registry-username AWS
   * --registry-password-stdin`), or check that the account may push to that repository.
   */
  REGISTRY_AUTH: "TSPACK_REGISTRY_AUTH",
  /** The operation was aborted through an AbortSignal. */
  ABORTED: "TSPACK_ABORTED",
  /**
   * A file system operation failed on a path you gave or tspack needs: disk full (ENOSPC, EDQUOT), read-only
   * file system (EROFS), permission denied (EACCES, EPERM), name too long (ENAMETOOLONG), a file where a folder
   * should be (ENOTDIR, EISDIR), too many open files (EMFILE), or a standard output that cannot be written. The
   * message names your folder (`--out`, `--target`, the cache, the project), never tspack's hidden staging
   * paths; `details` has `path`, `errno`, `syscall`. Do what the hint says for that errno: free space, choose a
   * writable folder you own, a shorter path, move the file in the way, or raise `ulimit -n`.
   */
  IO: "TSPACK_IO",
  /**
   * tspack refused to replace or delete a folder it cannot prove it created: an output folder that is not empty
   * and not tspack's previous output (its build.json lists every entry), a `--clean` target with files no RECORD
   * lists, a cache dir without tspack's TSPACK-CACHE marker, or a destination that is or holds the project, the
   * cache, the current or the home folder. Choose a new or empty folder, or remove that one yourself.
   */
  NOT_OWNED: "TSPACK_NOT_OWNED",
  /**
   * A bug in tspack: an error that is not a file-system, network, input or abort error. Report it with the
   * command you ran and its `--verbose` output (which includes the stack trace).
   */
  INTERNAL: "TSPACK_INTERNAL",
} as const;

/** The string-literal union of every stable code. */
export type TspackErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
