"""The offline fitting and tuning of newsqa's learned parts, kept apart from the eval.

Data collection over the rtqa-dev set (``collect``), fitting and cross-validation of the
ranker, confidence and short-answer models (``fit``, ``retrieval_cv``), `make train`
(``train.train``), the chunking sweep (``tune_chunks``) and the verifier's threshold sweep
(``verification_cases``). Nothing here runs at import time, and nothing in ``assistant`` or
``index`` imports it; eval/qa.jsonl is never read here.
"""
