// @tspack/fetch: parallel verified downloads into the cache (internal, unstable). See README.md.
export {
  type AuthPolicy,
  basicAuthorization,
  type CredentialSource,
  type CredentialSources,
  type Credentials,
  findIndex,
  type IndexConfig,
  indexCredentialVars,
  indexEnvName,
  indexRootUrl,
  isUrlUnder,
  type ResolvedCredentials,
  resolveCredentials,
  stripUserinfo,
} from "./credentials.js";
export { DEFAULT_CONCURRENCY, fetchFiles } from "./fetch-files.js";
export type { HttpOptions } from "./http-client.js";
export { findNetrcEntry, type NetrcEntry, parseNetrc } from "./netrc.js";
export {
  type LocalRequirement,
  type ParseRequirementsTxtOptions,
  type PinnedRequirement,
  parseRequirementsTxt,
  type RequirementsTxt,
  type UnsupportedRequirementLine,
} from "./requirements-txt.js";
export {
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  retryDelayMs,
} from "./retry-policy.js";
export { type MirrorRule, rewriteUrl } from "./rewrite-url.js";
export {
  fetchLinksPage,
  fetchSimpleIndex,
  normalizeProjectName,
  parseSimpleHtml,
  parseSimpleJson,
  SIMPLE_ACCEPT,
  type SimpleFile,
  type SimpleProjectPage,
  simpleProjectUrl,
} from "./simple-index.js";
export type { FetchEvent, FetchedFile, FetchFailure, FetchItem, FetchOptions, FetchResult } from "./types.js";
