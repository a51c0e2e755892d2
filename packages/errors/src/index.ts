// @tspack/errors: the one error type, stable codes, message formatters, and the classification of
// every other thrown value (network, file system, abort, bug).
export {
  classifyError,
  type ErrorContext,
  errorAtPath,
  FILE_SYSTEM_ERRORS,
  type FileSystemErrorInfo,
  isTransientNetworkError,
  NETWORK_ERRORS,
  type NetworkErrorInfo,
  networkErrorInfo,
  type UserPath,
} from "./classify-error.js";
export { ERROR_CODES, type TspackErrorCode } from "./codes.js";
export { formatCaret, formatPath, formatSourceExcerpt } from "./format.js";
export { formatLocation, hasLocation, locationDetails, type SourceLocation, withLocation } from "./location.js";
export { hasSecrets, redactDeep, redactLine, redactSecrets, redactUrl, urlsWithSecrets } from "./redact.js";
export { type TextPosition, type TomlPositionMatch, tomlPosition } from "./toml-position.js";
export { isTspackError, TspackError, type TspackErrorOptions } from "./tspack-error.js";
