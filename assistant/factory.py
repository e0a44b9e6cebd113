"""The one place that wires the real assistant from settings."""

from __future__ import annotations

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.assistant import Assistant
from assistant.llm.answerer import LLMAnswerer
from assistant.llm.client import LLMClient
from assistant.retrieval import HybridRetriever
from index.embedding import MiniLMEmbedding
from index.factory import open_store
from index.settings import Settings
from index.store import ChunkStore


def assistant_for(store: ChunkStore, settings: Settings) -> Assistant:
    return Assistant(
        store,
        HybridRetriever(store),
        ExtractiveAnswerer(embed=store.model.embed_phrases),
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
        llm=llm_for(store.model, settings),
    )


def llm_for(model: MiniLMEmbedding, settings: Settings) -> LLMAnswerer | None:
    """The LLM answerer when ``NEWSQA_LLM_URL`` is set (its client library loads on first use)."""
    if not settings.llm_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    client = LLMClient(settings.llm_url, settings.llm_model, key, settings.llm_timeout)
    return LLMAnswerer(client, model.embed)


def build_assistant(settings: Settings, model: MiniLMEmbedding | None = None) -> Assistant:
    """Open the index named by ``settings`` (it must exist) and wire the assistant over it."""
    return assistant_for(open_store(settings, model), settings)
