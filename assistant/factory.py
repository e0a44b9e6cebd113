"""The one place that wires the real assistant from settings."""

from __future__ import annotations

from assistant.assistant import Assistant
from assistant.extractive import ExtractiveAnswerer
from assistant.retrieval import HybridRetriever
from index.embedding import MiniLMEmbedding
from index.factory import open_store
from index.settings import Settings
from index.store import ChunkStore


def assistant_for(store: ChunkStore, settings: Settings) -> Assistant:
    return Assistant(
        store,
        HybridRetriever(store),
        ExtractiveAnswerer(),
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
    )


def build_assistant(settings: Settings, model: MiniLMEmbedding | None = None) -> Assistant:
    """Open the index named by ``settings`` (it must exist) and wire the assistant over it."""
    return assistant_for(open_store(settings, model), settings)
