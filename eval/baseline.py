"""The accepted figures: eval/baseline.json, where it is, reading it and rewriting it.

``newsqa eval`` holds the default run (eval/qa.jsonl over seeds/, answered extractively
at k=10) against these figures (``eval.gate``); ``--update-baseline`` writes that run's
figures here instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.errors import BaselineError
from eval.results import EvalResult

BASELINE = Path(__file__).resolve().parent / "baseline.json"


def read_baseline(path: Path = BASELINE) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(
            f"no baseline at {path}: accept a run with `newsqa eval --update-baseline`"
        ) from exc
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise BaselineError(f"the baseline {path} is not a JSON object")
    return data


def write_baseline(result: EvalResult, k: int, path: Path = BASELINE) -> None:
    """``result``'s figures, with the Q&A file, corpus and ``k`` they were measured with."""
    data = {"qa": "eval/qa.jsonl", "corpus": "seeds", "k": k, **result.summary}
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write the baseline {path}: {exc}") from exc


def previous_baseline() -> dict[str, Any] | None:
    """The baseline about to be replaced, shown for comparison; None when there is none yet."""
    try:
        return read_baseline()
    except BaselineError:
        return None
