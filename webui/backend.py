"""What every session of the app shares: the assistant (the reader) and a writer store beside
it. Per-session values (the chat, its answers) come to the handlers as arguments.

Asks never wait for an upload: the writer indexes with its own model session (one thread)
under the data dir's write lock, and the reader answers from the last committed version
until the writer commits; before each answer or library view it follows the newest commit,
whether this app, `newsqa ingest` or another process wrote it (issue 21)."""

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
    from index.store import ChunkStore


class Backend:
    """The assistant (asks, one at a time) and a writer store for uploads and deletions."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant, self.settings = assistant, settings
        self.lock = threading.RLock()  # asks; never held by an upload or a deletion
        self._writer: ChunkStore | None = None
        self._writer_made = threading.Lock()

    def writer(self) -> ChunkStore:
        """The store uploads and deletions change: the same index as the assistant's, with
        its own model session on one thread (the other core stays with the asks)."""
        with self._writer_made:
            if self._writer is None:
                from index.embedding import MiniLMEmbedding

                store = self.assistant.store
                self._writer = store.sibling(MiniLMEmbedding(threads=1)).open()
            return self._writer

    @property
    def corpus_dir(self) -> Path:
        return self.assistant.store.corpus_dir or Path(self.settings.corpus_dir)

    @property
    def default_answerer(self) -> str:
        """The LLM when one is configured."""
        return "llm" if getattr(self.assistant, "llm", None) is not None else "extractive"

    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article of the newest committed version."""
        self.assistant.store.refresh()
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
