"""What an evaluation produced: the per-question outcomes with their summary, and the failures.

The runner builds an ``EvalResult``; the report shows it and the baseline stores its summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eval.outcome import FAILURE_KINDS, Outcome, failure_kind


@dataclass(frozen=True)
class Failure:
    id: str
    question: str
    kind: str  # one of FAILURE_KINDS
    got: str
    expected: tuple[str, ...]
    confidence: float = 0.0
    short: str | None = None
    near_miss: bool = False  # a gold answer lies within one sentence of the quote


@dataclass(frozen=True)
class EvalResult:
    summary: dict[str, Any]
    outcomes: tuple[Outcome, ...]

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Failed questions, grouped by kind in ``FAILURE_KINDS`` order, file order within."""
        found = [(failure_kind(o), o) for o in self.outcomes]
        return tuple(
            Failure(o.id, o.question, kind, o.got, o.answers, o.confidence, o.short, o.near_miss)
            for wanted in FAILURE_KINDS
            for kind, o in found
            if kind == wanted
        )

    def to_dict(self) -> dict[str, Any]:
        """The `--json` document."""
        failures = [{**vars(f), "expected": list(f.expected)} for f in self.failures]
        return {**self.summary, "failures": failures}
