"""A run's figures, keyed as in `newsqa eval --json`: retrieval, answers, citations,
refusals, latency, by kind, by confidence label, and the conversations' own."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from assistant.confidence_labels import LABELS
from eval.metrics import answer_words
from eval.outcome import Outcome, failure_kind


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile, linearly interpolated between ranks (numpy's default)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def share(count: int, total: int) -> float:
    """``count / total`` rounded to 4 places; a share of nothing is 0.0."""
    return round(count / total, 4) if total else 0.0


def _retrieval(answerable: list[Outcome]) -> dict[str, float]:
    n = len(answerable)
    figures = {
        f"hit@{k}": share(sum(0 < o.rank <= k for o in answerable), n) for k in (1, 3, 5, 10)
    }
    mrr = sum(1 / o.rank for o in answerable if 0 < o.rank <= 10)
    figures["mrr@10"] = round(mrr / n, 4) if n else 0.0
    return figures


def _by_kind(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    return _passed_by(outcomes, lambda o: o.kind, "questions")


def _passed_by(
    outcomes: list[Outcome], key: Callable[[Outcome], str | None], count: str
) -> dict[str, dict[str, float]]:
    """Per value of ``key`` (in order; none and empty left out): how many (under ``count``),
    and the share passed (answerable: answered right; unanswerable: refused)."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if value := key(o):
            groups.setdefault(value, []).append(o)
    return {
        value: {count: len(g), "passed": share(sum(failure_kind(o) is None for o in g), len(g))}
        for value, g in sorted(groups.items())
    }


def _conversation(dialogue: list[Outcome]) -> dict[str, Any]:
    """First turns' and follow-ups' accuracy, and the share of unanswerable follow-ups refused."""
    first = [o for o in dialogue if o.turn == 1 and o.answerable]
    later = [o for o in dialogue if o.turn > 1]
    followups = [o for o in later if o.answerable]
    unanswerable = [o for o in later if not o.answerable]
    return {
        "dialogues": len({o.conversation for o in dialogue}),
        "turns": len(dialogue),
        "first_accuracy": share(sum(o.correct for o in first), len(first)),
        "followup_accuracy": share(sum(o.correct for o in followups), len(followups)),
        "followup_refused": share(sum(o.refused for o in unanswerable), len(unanswerable)),
        "unanswerable_followups": len(unanswerable),
        "by_followup": _by_followup(later),
    }


def _by_followup(later: list[Outcome]) -> dict[str, dict[str, float]]:
    """Per follow-up kind (the Q&A lines' ``followup``): how many turns, and the share passed."""
    return _passed_by(later, lambda o: o.followup, "turns")


def summarise(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """The figures of a run, keyed as in `newsqa eval --json` (without the failures).

    Every figure but ``conversation`` is over the questions that stand alone; dialogue
    turns are scored under ``conversation`` only (present when the file has dialogues).
    """
    dialogue = [o for o in outcomes if o.conversation is not None]
    summary = _standalone([o for o in outcomes if o.conversation is None])
    if dialogue:
        summary["conversation"] = _conversation(dialogue)
    return summary


def _answers(outcomes: Sequence[Outcome], answerable: list[Outcome]) -> dict[str, float]:
    """Accuracy, words spoken, and the short answers given, exact and near misses."""
    answered = [o for o in answerable if not o.refused]
    spoken = [answer_words(o.got) for o in outcomes if not o.refused]
    return {
        "accuracy": share(sum(o.correct for o in answerable), len(answerable)),
        "mean_words": round(sum(spoken) / len(spoken), 2) if spoken else 0.0,
        "short_given": sum(o.short_exact is not None for o in answered),
        "near_misses": sum(o.near_miss for o in answered),
        "short_exact": share(
            sum(bool(o.short_exact) for o in answered),
            sum(o.short_exact is not None for o in answered),
        ),
    }


def _standalone(outcomes: Sequence[Outcome]) -> dict[str, object]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = [o for o in answerable if not o.refused]
    latencies = [o.latency_ms for o in outcomes]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "retrieval": _retrieval(answerable),
        "answer": _answers(outcomes, answerable),
        "citations": {
            "valid": share(
                sum(o.valid_citations for o in outcomes), sum(o.citations for o in outcomes)
            ),
            "supporting": share(sum(o.supporting for o in answered), len(answered)),
            "count": sum(o.citations for o in outcomes),
        },
        "refusal": {
            "unanswerable_refused": share(sum(o.refused for o in unanswerable), len(unanswerable)),
            "answerable_refused": share(sum(o.refused for o in answerable), len(answerable)),
        },
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
        },
        "by_kind": _by_kind(list(outcomes)),
        "confidence_labels": by_label(outcomes),
    }


def by_label(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Per confidence label, over the answered questions: how many, and the share right (an
    answered unanswerable question is wrong)."""

    answered = [o for o in outcomes if not o.refused]
    return {
        label: {
            "answers": sum(o.label == label for o in answered),
            "accuracy": share(
                sum(o.label == label and o.correct for o in answered),
                sum(o.label == label for o in answered),
            ),
        }
        for label in LABELS
    }
