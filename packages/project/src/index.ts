// @tspack/project: Reads pyproject.toml, collects the project's own code, builds pure-Python workspace members natively
export {};
