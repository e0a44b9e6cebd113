"""The assistant: a question in, a cited ``Answer`` out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Sequence

import numpy as np

from assistant import ranking
from assistant.conversation import Interpretation, Turn, interpret, names, wants_more
from assistant.dates import newest_date, question_dates, relative_note, without_order_words
from assistant.domain import Answer, Passage
from assistant.errors import QuestionError
from assistant.evidence import TermStats, question_terms
from assistant.extractive import NOT_FOUND, Draft, ExtractiveAnswerer
from assistant.retrieval import HybridRetriever
from index.store import ChunkStore

MAX_K = 50


def _noted(interpreted: str, note: str | None) -> str:
    """What was searched, with how a relative date ("last week") was read (issue 8)."""
    return f"{interpreted} [{note}]" if note else interpreted


class Assistant:
    """Retrieves passages, then answers from them; every collaborator is injected."""

    def __init__(
        self,
        store: ChunkStore,
        retriever: HybridRetriever,
        answerer: ExtractiveAnswerer,
        top_k: int = 5,
        max_question_chars: int = 2000,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self._stats: tuple[int, TermStats] | None = None
        self._newest: tuple[int, dt.date | None] | None = None

    def newest(self) -> dt.date | None:
        """The newest full article date in the index: what "last week" is relative to."""
        if self._newest is None or self._newest[0] != self.store.version:
            dates = [m.get("date") for m in self.store.metadata.values()]
            self._newest = (self.store.version, newest_date(dates))
        return self._newest[1]

    def stats(self) -> TermStats:
        """idf statistics over the indexed chunks, rebuilt when the index changes."""
        if self._stats is None or self._stats[0] != self.store.version:
            self._stats = (
                self.store.version,
                TermStats.of((c.article, c.text) for c in self.store.chunks.values()),
            )
        return self._stats[1]

    @staticmethod
    def check_question(question: str, max_chars: int) -> str:
        """The question, stripped; ``QuestionError`` when it is empty or too long."""
        question = question.strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > max_chars:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {max_chars}"
            )
        return question

    def ask(
        self,
        question: str,
        k: int | None = None,
        articles: Collection[str] | None = None,
        history: Sequence[Turn | str] = (),
    ) -> Answer:
        """Answer from the index, or only from ``articles`` (ids) when given.

        ``history``: the conversation's earlier questions (or ``Turn``s), oldest first; a
        follow-up is searched for both as asked and as interpreted (``Answer.interpreted``).
        """
        question = self.check_question(question, self.max_question_chars)
        k = max(1, min(k or self.top_k, MAX_K))
        began = time.perf_counter()
        # --- issue 8: follow-ups and dates (see _search and _draft) ---
        turn = interpret(question, history)
        said = [t.answer for t in history if isinstance(t, Turn)] if wants_more(question) else []
        scopes: list[Collection[str] | None] = [articles]
        if turn.story:  # a follow-up that refers back is answered from that story first
            story = set(turn.story) & set(articles) if articles is not None else set(turn.story)
            scopes.insert(0, story)
        spent = {"retrieve": 0.0, "answer": 0.0}
        for scope in scopes:
            t0 = time.perf_counter()
            passages, q_vec = self._search(turn, k, scope, said)
            t1 = time.perf_counter()
            draft = self._draft(turn, passages, q_vec)
            spent["retrieve"] += t1 - t0
            spent["answer"] += time.perf_counter() - t1
            if not draft.refused:
                break
        # --- end issue 8 ---
        total = time.perf_counter() - began
        return Answer(
            question=question,
            text=draft.text,
            refused=draft.refused,
            citations=ranking.with_resolved(draft.citations),  # issue 8: resolved dates
            passages=tuple(passages),
            timings_ms={
                "retrieve": round(spent["retrieve"] * 1000, 2),
                "answer": round(spent["answer"] * 1000, 2),
                "total": round(total * 1000, 2),
            },
            interpreted=_noted(turn.interpreted, relative_note(question, self.newest())),
        )

    # --- issue 8: the two retrieval legs, date order and date-aware refusal ---
    def _search(
        self,
        turn: Interpretation,
        k: int,
        articles: Collection[str] | None,
        said: Sequence[str] = (),
    ) -> tuple[list[Passage], np.ndarray]:
        """Passages for the question as asked and, for a follow-up, as interpreted (fused),
        ordered by the question's dates; sentences already quoted (``said``) left out."""
        constraint = question_dates(turn.interpreted, self.newest())
        wide = max(k, ranking.CANDIDATES) if constraint else k
        texts = [turn.question, turn.interpreted] if turn.followup else [turn.question]
        vectors = self.store.model.embed(texts)
        legs = [
            self.retriever.retrieve(t, wide, vector=v, articles=articles)
            for t, v in zip(texts, vectors, strict=True)
        ]
        passages = ranking.fuse_legs(legs[0], legs[1]) if turn.followup else legs[0]
        passages = ranking.within(passages, question_dates(turn.question, self.newest()))
        passages = ranking.by_date(passages, constraint)[:k]
        if said:
            passages = ranking.without_quoted(passages, said)
        return passages, vectors[-1]

    def _draft(self, turn: Interpretation, passages: list[Passage], q_vec: np.ndarray) -> Draft:
        """The answerer's draft, refused when no quote answers for the question's own date."""
        draft = self.answerer.answer(turn.answering, passages, self.stats(), q_vec)
        own_dates = question_dates(turn.question, self.newest())
        if draft.refused and not question_terms(without_order_words(turn.answering)):
            lead = ranking.lead_citation(passages, own_dates)  # "What happened most recently?"
            if lead is not None:
                return Draft(f"{lead.quote} [1]", False, (lead,))
        if not ranking.dates_supported(draft.citations, own_dates, names(turn.answering)):
            return Draft(NOT_FOUND, True, ())
        return draft
