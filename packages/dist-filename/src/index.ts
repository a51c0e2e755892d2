// @tspack/dist-filename: Wheel and sdist filenames, normalized package names
export {};
