// tspack: the public library API.
export { ERROR_CODES, isTspackError, TspackError, type TspackErrorCode } from "@tspack/errors";
