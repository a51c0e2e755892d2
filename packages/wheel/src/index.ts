// @tspack/wheel: Wheel metadata, RECORD, entry points and the pure install plan for --target/--prefix
export {};
