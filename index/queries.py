"""Reads from the Chroma collection: nearest chunks, chunks and vectors by id, every page.

Functions over a Chroma collection, for ``ChunkStore``: they turn article filters into
Chroma ``where`` clauses and Chroma's answers into our values ((id, cosine) pairs,
``StoredChunk``). Nothing here writes to the collection.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np

from index.records import StoredChunk, chunk_from, unpack_vectors

_PAGE = 2000


def nearest(
    collection: Any,
    vector: np.ndarray,
    n: int,
    size: int,
    include: Collection[str] | None = None,
    exclude: Collection[str] = (),
) -> list[tuple[str, float]]:
    """The ``n`` nearest of the ``size`` chunks with their cosine similarity (Chroma returns
    1 - cosine as distance), only from ``include`` articles when given, never from
    ``exclude``."""
    if not size or (include is not None and not include):
        return []
    where = _where(include, exclude)
    found = collection.query(
        query_embeddings=[vector.tolist()],
        n_results=min(n, size),
        where=where,
        include=["distances"],
    )
    return [
        (cid, 1.0 - float(d)) for cid, d in zip(found["ids"][0], found["distances"][0], strict=True)
    ]


def chunks_by_id(
    collection: Any, ids: Sequence[str], vectors: bool = False
) -> dict[str, StoredChunk]:
    """The chunks ``ids`` as stored, with their vectors when ``vectors`` (missing ids are
    left out)."""
    if not ids:
        return {}
    include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
    got = collection.get(ids=list(ids), include=include)
    embeddings = got.get("embeddings") if vectors else None
    out: dict[str, StoredChunk] = {}
    for i, (cid, doc, meta) in enumerate(
        zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ):
        svec = unpack_vectors(meta["svec"]) if meta.get("svec") else None
        vec = np.asarray(embeddings[i], dtype=np.float32) if embeddings is not None else None
        out[cid] = StoredChunk(chunk_from(cid, doc, meta), dict(meta), vec, svec)
    return out


def vectors_by_id(collection: Any, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """The vectors of the chunks ``ids`` (missing ids are left out)."""
    if not ids:
        return {}
    got = collection.get(ids=list(ids), include=["embeddings"])
    return {
        cid: np.asarray(v, dtype=np.float32)
        for cid, v in zip(got["ids"], got["embeddings"], strict=True)
    }


def pages(collection: Any) -> Iterable[tuple[list[str], list[str], list[dict[str, Any]]]]:
    """Every chunk's id, text and metadata, a page of ``_PAGE`` chunks at a time."""
    offset = 0
    while True:
        page = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        if page["ids"]:
            yield page["ids"], page["documents"], page["metadatas"]
        if len(page["ids"]) < _PAGE:
            return
        offset += _PAGE


def _where(include: Collection[str] | None, exclude: Collection[str]) -> dict[str, Any] | None:
    parts: list[dict[str, Any]] = []
    if include is not None:
        parts.append({"article": {"$in": sorted(include)}})
    if exclude:
        parts.append({"article": {"$nin": sorted(exclude)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def all_ids(collection: Any) -> list[str]:
    """Every chunk id in the collection, a page at a time (ids only: cheap)."""
    out: list[str] = []
    while True:
        page = collection.get(include=[], limit=_PAGE * 5, offset=len(out))
        out.extend(page["ids"])
        if len(page["ids"]) < _PAGE * 5:
            return out
