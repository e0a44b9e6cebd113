"""The assistant: a question in, a cited ``Answer`` out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Sequence

from assistant import ranking
from assistant.conversation import Turn, interpret, names
from assistant.dates import newest_date, question_dates
from assistant.domain import Answer
from assistant.errors import QuestionError
from assistant.evidence import TermStats
from assistant.extractive import NOT_FOUND, Draft, ExtractiveAnswerer
from assistant.retrieval import HybridRetriever
from index.store import ChunkStore

MAX_K = 50


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
        # --- issue 8: follow-ups and dates (call sites: interpret, legs, date order) ---
        turn = interpret(question, history)
        constraint = question_dates(turn.interpreted, self.newest())
        wide = max(k, ranking.CANDIDATES) if constraint else k
        texts = [question, turn.interpreted] if turn.followup else [question]
        vectors = self.store.model.embed(texts)
        legs = [
            self.retriever.retrieve(t, wide, vector=v, articles=articles)
            for t, v in zip(texts, vectors, strict=True)
        ]
        passages = ranking.fuse_legs(legs[0], legs[1]) if turn.followup else legs[0]
        own_dates = question_dates(question, self.newest())
        passages = ranking.within(passages, own_dates)
        passages = ranking.by_date(passages, constraint)[:k]
        q_vec = vectors[-1]
        # --- end issue 8 ---
        retrieved = time.perf_counter()
        draft = self.answerer.answer(turn.interpreted, passages, self.stats(), q_vec)
        if not ranking.dates_supported(draft.citations, own_dates, names(turn.interpreted)):
            draft = Draft(NOT_FOUND, True, ())  # issue 8: no quote answers for that date
        done = time.perf_counter()
        return Answer(
            question=question,
            text=draft.text,
            refused=draft.refused,
            citations=ranking.with_resolved(draft.citations),  # issue 8: resolved dates
            passages=tuple(passages),
            timings_ms={
                "retrieve": round((retrieved - began) * 1000, 2),
                "answer": round((done - retrieved) * 1000, 2),
                "total": round((done - began) * 1000, 2),
            },
            interpreted=turn.interpreted,
        )
