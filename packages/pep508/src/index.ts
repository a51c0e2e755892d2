// @tspack/pep508: PEP 508 markers and requirements: tokenizer, parser, evaluator, canonical form
export {};
