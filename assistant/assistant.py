"""The assistant: a question in, a cited ``Answer`` out."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from assistant.domain import Answer
from assistant.errors import LLMConfigError, QuestionError
from assistant.evidence import TermStats
from assistant.extractive import Draft, ExtractiveAnswerer
from assistant.retrieval import HybridRetriever
from index.store import ChunkStore

if TYPE_CHECKING:  # issue 9: the optional LLM answerer
    from assistant.llm import Draft as LLMDraft
    from assistant.llm import LLMAnswerer
    from assistant.llm_client import OnText

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
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.llm = llm  # issue 9: None unless NEWSQA_LLM_URL is set
        self._stats: tuple[int, TermStats] | None = None

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
        answerer: str = "extractive",
        history: Sequence[str] = (),
        on_text: OnText | None = None,
    ) -> Answer:
        """Answer from the index, or only from ``articles`` (ids) when given; ``answerer="llm"``
        has the LLM write it (``history``: earlier questions; ``on_text``: streamed text)."""
        question = self.check_question(question, self.max_question_chars)
        k = max(1, min(k or self.top_k, MAX_K))
        began = time.perf_counter()
        q_vec = self.store.model.embed([question])[0]
        passages = self.retriever.retrieve(question, k, vector=q_vec, articles=articles)
        retrieved = time.perf_counter()

        # issue 9 (call site): the LLM answerer, which falls back to the extractive one
        def extractive() -> Draft:
            return self.answerer.answer(question, passages, self.stats(), q_vec)

        draft: Draft | LLMDraft
        if answerer == "llm":
            if self.llm is None:
                raise LLMConfigError("no LLM is configured: set NEWSQA_LLM_URL")
            draft = self.llm.answer(question, history, passages, extractive, on_text)
        else:
            draft = extractive()
        done = time.perf_counter()
        return Answer(
            question=question,
            text=draft.text,
            refused=draft.refused,
            citations=draft.citations,
            passages=tuple(passages),
            answerer=getattr(draft, "answerer", "extractive"),
            verification=getattr(draft, "verification", None),
            notice=getattr(draft, "notice", None),
            timings_ms={
                "retrieve": round((retrieved - began) * 1000, 2),
                "answer": round((done - retrieved) * 1000, 2),
                "total": round((done - began) * 1000, 2),
            },
        )
