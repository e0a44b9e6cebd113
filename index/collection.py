"""The index's Chroma collection: found by name, created with what this version builds with
(cosine HNSW; model, dimension and chunker in its metadata, plus the folder indexed last),
got back with our embedding function, and refused when another model or chunker built it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from index.chunking import chunker_version
from index.embedding import DIMENSION, MODEL_ID
from index.errors import IndexMismatchError

REBUILD = "re-index with `newsqa ingest --rebuild`"


def register(ef_class: type) -> None:
    """Let Chroma rebuild our embedding function from a persisted config (no warning)."""
    from chromadb.utils.embedding_functions import known_embedding_functions

    known_embedding_functions.setdefault(ef_class.name(), ef_class)  # type: ignore[attr-defined]


def is_not_found(exc: Exception) -> bool:
    """Chroma's error for a collection that is not there (deleted, or being replaced)."""
    return type(exc).__name__ in ("NotFoundError", "InvalidCollectionException")


def expected_metadata() -> dict[str, Any]:
    return {"embed_model": MODEL_ID, "dimension": DIMENSION, "chunker": chunker_version()}


def exists(client: Any, name: str) -> bool:
    return name in {c if isinstance(c, str) else c.name for c in client.list_collections()}


def create(client: Any, name: str, ef: Any) -> None:
    client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=expected_metadata(),
        embedding_function=ef,
    )


def get(client: Any, name: str, ef: Any) -> Any:
    """The collection; an error naming the cure when it was persisted with another function."""
    try:
        return client.get_collection(name, embedding_function=ef)
    except ValueError as exc:  # persisted with another embedding function
        raise IndexMismatchError(
            f"the index was built with another embedding function ({exc}): {REBUILD}"
        ) from exc


def check_compatible(found: dict[str, Any]) -> None:
    """Refuse a collection built by another model, dimension or chunker."""
    for key, wanted in expected_metadata().items():
        if found.get(key) != wanted:
            raise IndexMismatchError(
                f"the index was built with {key} {found.get(key)!r}, this version uses "
                f"{wanted!r}: {REBUILD}"
            )


def corpus_dir(collection: Any) -> Path | None:
    """The folder indexed last, as the collection's metadata remembers it."""
    value = (collection.metadata or {}).get("corpus_dir")
    return Path(value) if value else None


def set_corpus_dir(collection: Any, folder: Path) -> None:
    meta = {**expected_metadata(), "corpus_dir": str(folder.resolve())}
    if (collection.metadata or {}) != meta:
        collection.modify(metadata=meta)
