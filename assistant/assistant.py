"""The assistant: a question (and the conversation so far) in, a cited ``Answer`` out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from assistant.answer.extractive import NOT_FOUND, Draft, ExtractiveAnswerer
from assistant.confidence_labels import ConfidenceLabels
from assistant.conversation import Interpretation, Turn, interpret, wants_more
from assistant.dates import ranking
from assistant.dates.article_dates import newest_date
from assistant.domain import Answer, Passage
from assistant.errors import LLMConfigError, QuestionError
from assistant.followups import answers_followup, names_one, previous_event
from assistant.question import Question, analyse, analyse_all, normalise_text
from assistant.retrieval import HybridRetriever, Scope
from index.store import ChunkStore

if TYPE_CHECKING:  # the optional LLM answerer, imported only when configured
    from assistant.llm.answerer import Draft as LLMDraft
    from assistant.llm.answerer import LLMAnswerer
    from assistant.llm.client import OnText

MAX_K = 50


def _held(turn: Interpretation, draft: Draft, passages: Sequence[Passage]) -> Draft:
    """A follow-up's draft, refused when it answers the previous question instead: its
    article's retrieved text holds none of the follow-up's own words, its quote not the kind
    of thing asked, or (from another story) none of the conversation's names."""
    if not turn.followup or draft.refused:
        return draft
    cited = {c.article for c in draft.citations}
    around = [p.text for p in passages if p.article in cited]
    quotes = [c.quote for c in draft.citations]
    if not answers_followup(turn.question, quotes, around):
        return Draft(NOT_FOUND, True, (), draft.confidence)
    if turn.story and cited - set(turn.story) and not names_one(turn.topic, around):
        return Draft(NOT_FOUND, True, (), draft.confidence)  # another story altogether
    return draft


def _from_previous(draft: Draft, passages: Sequence[Passage], before: str, question: str) -> Draft:
    """An attribute follow-up's answer from the previous answer's own sentences (or the next
    ones) when one holds what is asked; else ``draft``."""
    found = previous_event(passages, before, question)
    if found is None:
        return draft
    citation, phrase = found
    return Draft(f"{citation.quote} [1]", False, (citation,), draft.confidence, phrase)


def _noted(interpreted: str, note: str | None) -> str:
    """What was searched, with how a relative date ("last week") was read."""
    return f"{interpreted} [{note}]" if note else interpreted


class Assistant:
    """Interprets the question in its conversation, analyses it once, retrieves passages
    (two legs for a follow-up: as asked and as interpreted), orders them by the question's
    dates, then answers from them; every collaborator is injected."""

    def __init__(
        self,
        store: ChunkStore,
        retriever: HybridRetriever,
        answerer: ExtractiveAnswerer,
        top_k: int = 5,
        max_question_chars: int = 2000,
        llm: LLMAnswerer | None = None,
        labels: ConfidenceLabels | None = None,
    ) -> None:
        self.store = store
        self.labels = labels or ConfidenceLabels.load()
        self.llm = llm  # None unless NEWSQA_LLM_URL is set
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self._newest: tuple[int, dt.date | None] | None = None

    @staticmethod
    def check_question(question: str, max_chars: int) -> str:
        """The question, stripped, lone surrogates (undecodable bytes) replaced by U+FFFD;
        ``QuestionError`` when it is not text, empty or too long."""
        if not isinstance(question, str):
            raise QuestionError("the question must be text")
        question = normalise_text(question).strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > max_chars:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {max_chars}"
            )
        return question

    def newest(self) -> dt.date | None:
        """The newest full article date in the index: what "last week" is relative to."""
        if self._newest is None or self._newest[0] != self.store.version:
            dates = [r.meta.date for r in self.store.articles().values()]
            self._newest = (self.store.version, newest_date(dates))
        return self._newest[1]

    def analyse(self, question: str) -> Question:
        text = self.check_question(question, self.max_question_chars)
        return analyse(text, self.store.model, newest=self.newest())

    def ask(
        self,
        question: str,
        k: int | None = None,
        articles: Collection[str] | None = None,
        history: Sequence[Turn | str] = (),
        scope: Scope | None = None,
        answerer: str = "extractive",
        on_text: OnText | None = None,
    ) -> Answer:
        """Answer from the index, only from ``articles`` (ids) / within ``scope`` when given.

        ``history``: the conversation's earlier questions (or ``Turn``s), oldest first; a
        follow-up is searched for both as asked and as interpreted (``Answer.interpreted``).
        ``answerer="llm"`` has the LLM write the answer from the same passages, every
        sentence verified, falling back to the extractive one (``on_text``: streamed text).
        The index is first brought to its newest committed version (``ChunkStore.refresh``).
        """
        if answerer == "llm" and self.llm is None:
            raise LLMConfigError("no LLM is configured: set NEWSQA_LLM_URL")
        question = self.check_question(question, self.max_question_chars)
        self.store.refresh()  # a newer committed version (another process's ingest) first
        if k is not None and not (isinstance(k, int) and 1 <= k <= MAX_K):
            raise QuestionError(f"k must be from 1 to {MAX_K}, not {k!r}")
        k = k or self.top_k
        began = time.perf_counter()
        turn = interpret(question, history)
        said = [t.answer for t in history if isinstance(t, Turn)] if wants_more(question) else []
        base = scope or Scope.of(articles)
        scopes = [base]
        if turn.story:  # a follow-up that refers back is answered from that story first
            story = set(turn.story)
            if base.include is not None:
                story &= base.include
            scopes.insert(0, Scope(frozenset(story), base.exclude))
        t0 = time.perf_counter()
        legs, answering = self._questions(turn)  # embedded and read once, for every scope
        spent = {"retrieve": time.perf_counter() - t0, "answer": 0.0}
        before = history[-1].answer if history and isinstance(history[-1], Turn) else ""
        for where in scopes:
            t0 = time.perf_counter()
            passages = self._search(legs, turn.followup, k, where, said)
            t1 = time.perf_counter()
            draft = self._draft(legs[0], answering, passages, turn.followup)
            draft = _held(turn, draft, passages)
            if turn.story and where is scopes[0]:  # "What day was that?": the same event
                draft = _from_previous(draft, passages, before, turn.question)
            spent["retrieve"] += t1 - t0
            spent["answer"] += time.perf_counter() - t1
            if not draft.refused:
                break
        final: Draft | LLMDraft = draft
        if answerer == "llm" and self.llm is not None:
            t0 = time.perf_counter()
            earlier = [t.question if isinstance(t, Turn) else t for t in history]
            final = self.llm.answer(turn.answering, earlier, passages, lambda: draft, on_text)
            spent["answer"] += time.perf_counter() - t0
        return Answer(
            question=question,
            text=final.text,
            refused=final.refused,
            citations=ranking.with_resolved(final.citations),
            passages=tuple(passages),
            answerer=getattr(final, "answerer", "extractive"),
            verification=getattr(final, "verification", None),
            notice=getattr(final, "notice", None),
            timings_ms={
                "retrieve": round(spent["retrieve"] * 1000, 2),
                "answer": round(spent["answer"] * 1000, 2),
                "total": round((time.perf_counter() - began) * 1000, 2),
            },
            interpreted=_noted(turn.interpreted, legs[0].asked.note),
            confidence=draft.confidence,  # the extractive estimate for these passages
            confidence_label=self.labels.label(draft.confidence, final.refused),
            short=draft.short if final is draft else None,
        )

    def _questions(self, turn: Interpretation) -> tuple[list[Question], Question]:
        """The question analysed once per distinct text: the retrieval legs (as asked, and
        as interpreted for a follow-up) and what the answerer reads."""
        texts = [turn.question, turn.interpreted] if turn.followup else [turn.question]
        pairs = [(turn.question, t) for t in texts] + [(turn.answering, turn.answering)]
        *legs, answering = analyse_all(pairs, self.store.model, self.newest())
        return legs, answering

    def _search(
        self, legs: Sequence[Question], followup: bool, k: int, scope: Scope, said: Sequence[str]
    ) -> list[Passage]:
        """Passages for the question as asked and, for a follow-up, as interpreted (fused),
        ordered by the question's dates; sentences already quoted (``said``) left out."""
        constraint = legs[-1].searched.dates  # of the interpreted question
        wide = max(k, ranking.CANDIDATES) if constraint else k
        found = [self.retriever.retrieve(q, wide, scope) for q in legs]
        passages = ranking.fuse_legs(found[0], found[1]) if followup else found[0]
        passages = ranking.within(passages, legs[0].asked.dates)
        passages = ranking.by_date(passages, constraint)[:k]
        if said:
            passages = ranking.without_quoted(passages, said)
        return passages

    def _draft(
        self, asked: Question, answering: Question, passages: list[Passage], followup: bool
    ) -> Draft:
        """The answerer's draft, refused when no quote answers for the question's own date
        (``asked``: the question as asked; ``answering``: what the answerer reads)."""
        draft = self.answerer.answer(answering, passages, self.store.lexical, followup)
        own_dates = asked.asked.dates
        if draft.refused and answering.asked.order_only:  # "What happened most recently?"
            lead = ranking.lead_citation(passages, own_dates)
            if lead is not None:
                return Draft(f"{lead.quote} [1]", False, (lead,), draft.confidence)
        names = answering.asked.names
        standalone = own_dates.strict and not followup  # the sentences only when read
        context = ranking.article_sentences(passages) if standalone else None
        if not ranking.dates_supported(draft.citations, own_dates, names, context):
            return Draft(NOT_FOUND, True, (), draft.confidence)
        return draft
