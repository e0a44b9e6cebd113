"""One question, asked and scored: its ``Outcome``, and why it failed (``failure_kind``)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.domain import Answer
from eval.dataset import QAItem
from eval.metrics import (
    TextOf,
    citation_valid,
    contains_answer,
    evidence_span,
    first_relevant_rank,
    is_supporting,
    near_miss,
    short_matches,
)

FAILURE_KINDS = ("retrieval_miss", "wrong_sentence", "false_refusal", "missed_refusal")


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


def failure_kind(outcome: Outcome) -> str | None:
    """Why the question failed (one of ``FAILURE_KINDS``), or None when it passed."""
    if not outcome.answerable:
        return None if outcome.refused else "missed_refusal"
    if outcome.refused:
        return "false_refusal"
    if outcome.correct:
        return None
    return "wrong_sentence" if outcome.rank else "retrieval_miss"
