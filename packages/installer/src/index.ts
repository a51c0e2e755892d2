// @tspack/installer: Applies wheel install plans to disk (--target/--prefix), link modes
export {};
