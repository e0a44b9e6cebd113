"""The regression gate: which figures it holds, which way is worse, and by how much is too much.

``compare`` sets a run's summary (from ``eval.summary.summarise``) against the accepted
baseline and marks every gated figure that is worse than its tolerance allows;
``figure`` reads a dotted figure such as ``retrieval.hit@1`` out of either.
"""

from __future__ import annotations

from dataclasses import dataclass

RATE_TOLERANCE = 0.02  # absolute, on every gated rate
# Latency is reported, never gated: on a busy shared machine a latency gate fails for no
# fault of the code. Speed is measured by `make bench`, in ratios from one run.
HIGHER_IS_BETTER = (
    "retrieval.hit@1",
    "retrieval.hit@3",
    "retrieval.hit@5",
    "retrieval.hit@10",
    "retrieval.mrr@10",
    "answer.accuracy",
    "answer.short_exact",
    "citations.valid",
    "citations.supporting",
    "refusal.unanswerable_refused",
    "conversation.first_accuracy",
    "conversation.followup_accuracy",
    "conversation.followup_refused",
)
LOWER_IS_BETTER = ("refusal.answerable_refused",)
LATENCIES = ("latency_ms.p50", "latency_ms.p95")
GATED = HIGHER_IS_BETTER + LOWER_IS_BETTER


@dataclass(frozen=True)
class Difference:
    """One gated figure against the baseline; ``limit`` is the worst value still accepted."""

    metric: str
    baseline: float
    current: float
    limit: float
    regressed: bool

    @property
    def delta(self) -> float:
        return self.current - self.baseline


def figure(summary: dict[str, object], metric: str) -> float | None:
    """A dotted figure such as ``retrieval.hit@1`` from a summary, None when absent."""
    value: object = summary
    for part in metric.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, int | float) else None


def limit_for(metric: str, baseline: float) -> float:
    if metric in LOWER_IS_BETTER:
        return baseline + RATE_TOLERANCE
    return baseline - RATE_TOLERANCE


def compare(current: dict[str, object], baseline: dict[str, object]) -> list[Difference]:
    """Every gated figure present in both, marked regressed when worse than its limit."""
    found: list[Difference] = []
    for metric in GATED:
        now, then = figure(current, metric), figure(baseline, metric)
        if now is None or then is None:
            continue
        limit = limit_for(metric, then)
        higher_worse = metric not in HIGHER_IS_BETTER
        worse = now > limit + 1e-9 if higher_worse else now < limit - 1e-9
        found.append(Difference(metric, then, now, round(limit, 4), worse))
    return found
