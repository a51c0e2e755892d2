// @tspack/pep440: PEP 440 versions and specifiers, a facade over @renovatebot/pep440
export {};
