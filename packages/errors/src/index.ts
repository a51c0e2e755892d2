// @tspack/errors: the one error type, stable codes, message formatters.
export { ERROR_CODES, type TspackErrorCode } from "./codes.js";
export { formatCaret, formatPath, formatSourceExcerpt, redactUrl } from "./format.js";
export { isTspackError, TspackError, type TspackErrorOptions } from "./tspack-error.js";
