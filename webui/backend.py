"""What every session of the app shares: the assistant, its index and the lock that guards
them. Per-session values (the chat, its answers) come to the handlers as arguments."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.conversation import Turn
from assistant.domain import Answer
from index.errors import NewsqaError
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.assistant import Assistant
    from index.library import ArticleFilter
    from index.records import ArticleRecord


class Backend:
    """The assistant behind one lock: one writer (upload, delete) or one reader at a time."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant, self.settings = assistant, settings
        self.lock = threading.RLock()

    @property
    def corpus_dir(self) -> Path:
        return self.assistant.store.corpus_dir or Path(self.settings.corpus_dir)

    @property
    def default_answerer(self) -> str:
        """The LLM when one is configured."""
        return "llm" if getattr(self.assistant, "llm", None) is not None else "extractive"

    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, read under the lock."""
        with self.lock:
            return self.assistant.store.articles()

    def ask(
        self,
        question: str,
        k: int | None = None,
        flt: ArticleFilter | None = None,
        history: Sequence[Turn | str] = (),
        **llm: Any,  # answerer, on_text
    ) -> Answer:
        a = self.assistant
        with self.lock:
            if flt is None or not flt.active:
                return a.ask(question, k=k, history=history, **llm)
            allowed = flt.select(a.store.articles())
            if not allowed:
                raise NewsqaError("no article matches the source and date filters")
            return a.ask(question, k=k, articles=allowed, history=history, **llm)
