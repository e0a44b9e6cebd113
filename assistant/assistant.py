"""The assistant: a question in, a cited ``Answer`` out."""

from __future__ import annotations

import time
from collections.abc import Collection

from assistant.domain import Answer
from assistant.errors import QuestionError
from assistant.extractive import ExtractiveAnswerer
from assistant.question import Question, analyse
from assistant.retrieval import HybridRetriever, Scope
from index.store import ChunkStore

MAX_K = 50


class Assistant:
    """Analyses the question once, retrieves passages, then answers from them; every
    collaborator is injected."""

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

    def analyse(self, question: str) -> Question:
        return analyse(self.check_question(question, self.max_question_chars), self.store.model)

    def ask(
        self,
        question: str,
        k: int | None = None,
        articles: Collection[str] | None = None,
        scope: Scope | None = None,
    ) -> Answer:
        """Answer from the index, or only from ``articles`` (ids) / within ``scope``."""
        began = time.perf_counter()
        q = self.analyse(question)
        k = max(1, min(k or self.top_k, MAX_K))
        scope = scope or Scope.of(articles)
        passages = self.retriever.retrieve(q, k, scope)
        retrieved = time.perf_counter()
        draft = self.answerer.answer(q, passages, self.store.lexical)
        done = time.perf_counter()
        return Answer(
            question=q.text,
            text=draft.text,
            refused=draft.refused,
            citations=draft.citations,
            passages=tuple(passages),
            timings_ms={
                "retrieve": round((retrieved - began) * 1000, 2),
                "answer": round((done - retrieved) * 1000, 2),
                "total": round((done - began) * 1000, 2),
            },
            confidence=draft.confidence,
            short=draft.short,
        )
