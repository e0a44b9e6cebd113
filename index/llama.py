"""Our embedding model as a llama-index ``BaseEmbedding``, for llama-index users and baselines.

Imported only when used: llama-index takes about two seconds to import.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index.embedding import MODEL_ID, MiniLMEmbedding


class LlamaMiniLM(BaseEmbedding):
    """``MiniLMEmbedding`` behind llama-index's embedding interface."""

    _model: Any = PrivateAttr()

    def __init__(self, model: MiniLMEmbedding | None = None, **kw: Any) -> None:
        super().__init__(model_name=MODEL_ID, embed_batch_size=32, **kw)
        self._model = model or MiniLMEmbedding()

    @classmethod
    def class_name(cls) -> str:
        return "NewsqaMiniLM"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.embed([query])[0]]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_query_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._model.embed(texts)]
