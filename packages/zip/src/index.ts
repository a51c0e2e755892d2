// @tspack/zip: Zip reader and deterministic zip writer over bytes
export {};
