"""Our model as Chroma's embedding function, so Chroma never reaches for its default."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from index.embedding import MODEL_ID, MiniLMEmbedding


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Chroma rebuilds the function from its persisted config (``build_from_config``; the
    class is registered under ``name()``), so a rebuilt one loads the model only if it is
    actually called: we always pass vectors ourselves."""

    def __init__(self, model: MiniLMEmbedding | None = None) -> None:
        self._model = model

    def __call__(self, input: Documents) -> Embeddings:
        if self._model is None:
            self._model = MiniLMEmbedding()
        return list(self._model.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "newsqa-" + MODEL_ID

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding()

    def default_space(self) -> Any:
        return "cosine"

    def is_legacy(self) -> bool:
        return False
