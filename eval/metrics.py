"""The evaluation's definitions, as pure functions over one question's answer at a time.

Every definition here is the one written in eval/README.md; the unit tests in
tests/test_eval_metrics.py pin the edge cases (exactly half of the evidence is relevant).
The gate that compares a run's figures with the baseline is ``eval.gate``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.confidence_labels import LABELS
from assistant.domain import Answer, Citation, Passage, Span
from eval.dataset import QAItem

FAILURE_KINDS = ("retrieval_miss", "wrong_sentence", "false_refusal", "missed_refusal")
TextOf = Callable[[str], "str | None"]  # article file name -> its text, None when unreadable

_MARKER = re.compile(r"\s*\[\d+\]")
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return _MARKER.sub("", text).strip()


def normalise(text: str) -> str:
    """Case-folded, quotes and dashes unified, runs of whitespace made one space."""
    return " ".join(text.translate(_FOLD).casefold().split())


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    found = normalise(strip_markers(text))
    return any(normalise(a) in found for a in answers if normalise(a))


def answer_words(text: str) -> int:
    """Whitespace-separated words of the answer text, markers left out."""
    return len(strip_markers(text).split())


def evidence_span(article_text: str | None, evidence: str | None) -> Span | None:
    """Where ``evidence`` first occurs in the article, as [start, end)."""
    if article_text is None or not evidence:
        return None
    start = article_text.find(evidence)
    return None if start < 0 else (start, start + len(evidence))


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def is_relevant(passage: Passage, doc: str | None, span: Span | None) -> bool:
    """From ``doc`` and covering at least half of the evidence's characters."""
    if span is None or passage.article != doc:
        return False
    return 2 * overlap((passage.start, passage.end), span) >= span[1] - span[0]


def first_relevant_rank(passages: Sequence[Passage], doc: str | None, span: Span | None) -> int:
    """The 1-based rank of the first relevant passage; 0 when none is."""
    return next((r for r, p in enumerate(passages, start=1) if is_relevant(p, doc, span)), 0)


def citation_valid(citation: Citation, article_text: str | None) -> bool:
    """The quote is exactly the article's text at [start, end)."""
    if article_text is None or not 0 <= citation.start <= citation.end <= len(article_text):
        return False
    return article_text[citation.start : citation.end] == citation.quote


def is_supporting(
    citations: Iterable[Citation], doc: str | None, span: Span | None, answers: Iterable[str]
) -> bool:
    """Some citation comes from ``doc`` and overlaps the evidence or contains an answer."""
    answers = tuple(answers)
    return any(
        c.article == doc
        and (
            (span is not None and overlap((c.start, c.end), span) > 0)
            or contains_answer(c.quote, answers)
        )
        for c in citations
    )


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


@dataclass(frozen=True)
class Outcome:
    """One question, asked and scored."""

    id: str
    question: str
    kind: str
    answers: tuple[str, ...]
    got: str
    refused: bool
    rank: int  # of the first relevant passage, 0 for none (and for unanswerable questions)
    correct: bool
    supporting: bool
    citations: int
    valid_citations: int
    latency_ms: float
    short: str | None = None
    short_exact: bool | None = None  # None: not answered, unanswerable, or no short answer
    confidence: float = 0.0
    conversation: str | None = None
    turn: int = 0
    label: str | None = None  # the answer's confidence label; None when refused
    followup: str | None = None  # the Q&A line's follow-up kind
    near_miss: bool = False  # answered wrongly, a gold answer next to the quote (near_miss)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def score(item: QAItem, answer: Answer, text_of: TextOf, latency_ms: float) -> Outcome:
    """Score one answer against its Q&A item; ``text_of`` reads articles for offsets."""
    span = evidence_span(text_of(item.doc), item.evidence) if item.doc else None
    answered = item.answerable and not answer.refused
    return Outcome(
        id=item.id,
        question=item.question,
        kind=item.kind,
        answers=item.answers,
        got=answer.text,
        refused=answer.refused,
        rank=first_relevant_rank(answer.passages, item.doc, span) if item.answerable else 0,
        correct=answered and contains_answer(answer.text, item.answers),
        supporting=answered and is_supporting(answer.citations, item.doc, span, item.answers),
        citations=len(answer.citations),
        valid_citations=sum(citation_valid(c, text_of(c.article)) for c in answer.citations),
        latency_ms=latency_ms,
        short=answer.short,
        short_exact=short_matches(answer.short, item.answers)
        if answered and answer.short is not None
        else None,
        confidence=answer.confidence,
        near_miss=answered
        and not contains_answer(answer.text, item.answers)
        and near_miss(answer.citations, text_of, item.answers),
        conversation=item.conversation,
        turn=item.turn,
        label=getattr(answer, "confidence_label", None),
        followup=item.followup,
    )


def near_miss(citations: Sequence[Citation], text_of: TextOf, answers: Iterable[str]) -> bool:
    """A gold answer lies within one sentence of a quote (the sentence before or after it in
    its article), or in its article's headline: the quote is in the right place but does
    not name the answer."""
    from index.metadata import looks_like_headline
    from index.sentences import split_sentences

    answers = list(answers)
    for c in citations:
        text = text_of(c.article)
        if text is None:
            continue
        spans = split_sentences(text, 0, len(text))
        inside = [i for i, (s, e) in enumerate(spans) if s < c.end and e > c.start]
        if inside:
            lo, hi = max(inside[0] - 1, 0), min(inside[-1] + 1, len(spans) - 1)
            if contains_answer(text[spans[lo][0] : spans[hi][1]], answers):
                return True
        first = text.split("\n", 1)[0]
        if looks_like_headline(first) and contains_answer(first, answers):
            return True
    return False


def short_matches(short: str, answers: Iterable[str]) -> bool:
    """The short answer names a gold answer: equal after normalisation, or containing one
    with at most two more words."""
    got = normalise(short)
    for answer in answers:
        gold = normalise(answer)
        if gold and (got == gold or (gold in got and len(got.split()) <= len(gold.split()) + 2)):
            return True
    return False


def failure_kind(outcome: Outcome) -> str | None:
    """Why the question failed (one of ``FAILURE_KINDS``), or None when it passed."""
    if not outcome.answerable:
        return None if outcome.refused else "missed_refusal"
    if outcome.refused:
        return "false_refusal"
    if outcome.correct:
        return None
    return "wrong_sentence" if outcome.rank else "retrieval_miss"


def _retrieval(answerable: list[Outcome]) -> dict[str, float]:
    n = len(answerable)
    figures = {
        f"hit@{k}": share(sum(0 < o.rank <= k for o in answerable), n) for k in (1, 3, 5, 10)
    }
    mrr = sum(1 / o.rank for o in answerable if 0 < o.rank <= 10)
    figures["mrr@10"] = round(mrr / n, 4) if n else 0.0
    return figures


def _by_kind(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    kinds = sorted({o.kind for o in outcomes})
    return {
        kind: {
            "questions": sum(o.kind == kind for o in outcomes),
            "passed": share(
                sum(o.kind == kind and failure_kind(o) is None for o in outcomes),
                sum(o.kind == kind for o in outcomes),
            ),
        }
        for kind in kinds
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
    """Per follow-up kind (the Q&A lines' ``followup``): how many, and the share passed
    (answerable: answered right; unanswerable: refused)."""
    kinds = sorted({o.followup for o in later if o.followup})
    return {
        kind: {
            "turns": sum(o.followup == kind for o in later),
            "passed": share(
                sum(o.followup == kind and failure_kind(o) is None for o in later),
                sum(o.followup == kind for o in later),
            ),
        }
        for kind in kinds
    }


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


def _standalone(outcomes: Sequence[Outcome]) -> dict[str, object]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = [o for o in answerable if not o.refused]
    spoken = [answer_words(o.got) for o in outcomes if not o.refused]
    latencies = [o.latency_ms for o in outcomes]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "retrieval": _retrieval(answerable),
        "answer": {
            "accuracy": share(sum(o.correct for o in answerable), len(answerable)),
            "mean_words": round(sum(spoken) / len(spoken), 2) if spoken else 0.0,
            "short_given": sum(o.short_exact is not None for o in answered),
            "near_misses": sum(o.near_miss for o in answered),
            "short_exact": share(
                sum(bool(o.short_exact) for o in answered),
                sum(o.short_exact is not None for o in answered),
            ),
        },
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
