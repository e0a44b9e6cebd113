"""The evaluation of newsqa: a known-Q&A regression set, its metrics, the runner and its gate.

Nothing here runs at import time; ``eval.runner.run`` is the `newsqa eval` entry point.
"""
