"""Wire the real index components from settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.embedding import MiniLMEmbedding
from index.errors import StoreError
from index.settings import Settings
from index.store import ChunkStore


def make_client(settings: Settings) -> Any:
    """An embedded Chroma under ``data_dir``, or a Chroma server when ``chroma_url`` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(
                f"NEWSQA_CHROMA_URL must look like http://host:port, not {settings.chroma_url!r}"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain exceptions for connection errors
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url}: {exc}"
            ) from exc
    path = Path(settings.data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def open_store(
    settings: Settings,
    model: MiniLMEmbedding | None = None,
    *,
    create: bool = False,
    rebuild: bool = False,
) -> ChunkStore:
    """The index named by ``settings``; ``rebuild`` deletes it first (even one built by
    another model or chunker), ``create`` makes an empty one when there is none."""
    store = ChunkStore(
        make_client(settings), model or MiniLMEmbedding(), settings.data_dir, settings.collection
    )
    if rebuild:
        store.drop()
    return store.open(create=create or rebuild)
