// @tspack/plan: Selection like uv export --frozen, best-wheel choice, requirements.txt export
export {};
