// @tspack/fetch: Parallel verified downloads into the cache
export {};
