// @tspack/cache: Content-addressed on-disk cache for wheels
export {};
