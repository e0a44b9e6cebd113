"""How the index records chunks and articles: the metadata each chunk carries in Chroma,
its int8 sentence vectors, the terms BM25 reads, and the small per-article table kept
beside BM25 in ``NEWSQA_DATA_DIR``."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.articles import Article
from index.chunking import Chunk
from index.embedding import DIMENSION
from index.metadata import Metadata
from index.terms import terms

META_FIELDS = (
    "title",
    "date",
    "source",
    "url",
    "dateline",
    "month_day",
    "lead",
    "title_source",
)


@dataclass(frozen=True)
class ArticleRecord:
    """What the index knows about one article."""

    id: str
    sha256: str
    meta: Metadata
    chunks: int


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from Chroma, with its article's metadata and, when asked for,
    its vector and its sentences' vectors (rows in ``chunk.sentences`` order)."""

    chunk: Chunk
    meta: dict[str, Any]
    vector: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None


@dataclass(frozen=True)
class Prepared:
    """An article ready to store: its chunks, their vectors, their sentences' vectors."""

    article: Article
    chunks: list[Chunk]
    vectors: np.ndarray
    sentence_vectors: list[np.ndarray]


def pack_vectors(rows: np.ndarray) -> str:
    """Unit vectors as int8 (scaled per row), base64: cosine survives, size is a quarter."""
    if not len(rows):
        return ""
    scale = np.abs(rows).max(axis=1, keepdims=True)
    q = np.round(rows / np.clip(scale, 1e-12, None) * 127).astype(np.int8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def unpack_vectors(data: str) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(data), dtype=np.int8).astype(np.float32)
    rows = raw.reshape(-1, DIMENSION)
    return rows / np.clip(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12, None)


def lexical_text(chunk_text: str, title: str | None) -> list[str]:
    """What BM25 indexes for a chunk: its article's title, then the chunk's text."""
    return terms(f"{title}\n{chunk_text}" if title else chunk_text)


MAX_GAP = 400  # characters between two chunks that a retrieval window may join across


def chunk_metadata(
    article: Article, chunk: Chunk, svec: np.ndarray, following: Chunk | None = None
) -> dict[str, Any]:
    """``following``: the article's next chunk; the text between the two is kept (as
    ``next_gap``) so that retrieval can show both as one exact window of the article."""
    meta: dict[str, Any] = {
        "article": article.id,
        "sha256": article.sha256,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
        "sentences": json.dumps(chunk.sentences),
        "svec": pack_vectors(svec),
    }
    if following is not None and 0 <= following.start - chunk.end <= MAX_GAP:
        meta["next_gap"] = article.text[chunk.end : following.start]
    meta.update({k: v for k, v in vars(article.meta).items() if v is not None})
    return meta


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    spans = tuple((int(s), int(e)) for s, e in json.loads(meta["sentences"]))
    return Chunk(
        chunk_id,
        meta["article"],
        meta["index"],
        meta["start"],
        meta["end"],
        text,
        spans,
        meta["tokens"],
    )


def chunk_id(article: str, sha256: str, n: int) -> str:
    """``<article>:<sha12>:<n>``: a chunk's id names its article's content, so edits get new ids."""
    return f"{article}:{sha256[:12]}:{n}"


def parse_chunk_id(cid: str) -> tuple[str, str, int] | None:
    """(article, sha12, n) of a chunk id; None for an id that is not one of ours."""
    head, _, n = cid.rpartition(":")
    article, _, sha = head.rpartition(":")
    return (article, sha, int(n)) if article and sha and n.isdigit() else None


def expected_ids(record: ArticleRecord) -> list[str]:
    """The chunk ids the article table says ``record`` has."""
    return [chunk_id(record.id, record.sha256, n) for n in range(record.chunks)]


def articles_from_json(data: dict[str, Any]) -> dict[str, ArticleRecord]:
    return {
        name: ArticleRecord(
            name, r["sha256"], Metadata(**{k: r.get(k) for k in META_FIELDS}), int(r["chunks"])
        )
        for name, r in sorted(data.items())
    }


def articles_to_json(records: dict[str, ArticleRecord]) -> dict[str, Any]:
    return {
        name: {"sha256": r.sha256, "chunks": r.chunks, **vars(r.meta)}
        for name, r in sorted(records.items())
    }


def whole_articles(metas: dict[str, dict[str, Any]]) -> dict[str, ArticleRecord]:
    """The article table from the chunks' metadata (id -> metadata): only articles whose
    chunks are exactly one whole version (one hash, numbered 0..n-1) are kept."""
    found: dict[str, dict[str, set[int]]] = {}
    first: dict[str, dict[str, Any]] = {}
    for cid, meta in metas.items():
        parsed = parse_chunk_id(cid)
        if parsed is None or parsed[0] != meta.get("article"):
            continue
        found.setdefault(parsed[0], {}).setdefault(str(meta.get("sha256")), set()).add(parsed[2])
        first.setdefault(parsed[0], meta)
    records = {}
    for name, versions in sorted(found.items()):
        if len(versions) != 1:
            continue
        ((sha, numbers),) = versions.items()
        if numbers != set(range(len(numbers))):
            continue
        fields = {k: first[name].get(k) for k in META_FIELDS}
        records[name] = ArticleRecord(name, sha, Metadata(**fields), len(numbers))
    return records


def chunk_rows(
    items: Sequence[Prepared],
) -> tuple[list[str], list[np.ndarray], list[str], list[dict[str, Any]]]:
    """Ids, vectors, texts and metadata of every chunk of ``items``, as Chroma takes them."""
    ids, vectors, docs, metas = [], [], [], []
    for item in items:
        following = [*item.chunks[1:], None]
        for chunk, vec, svec, after in zip(
            item.chunks, item.vectors, item.sentence_vectors, following, strict=True
        ):
            ids.append(chunk.id)
            vectors.append(vec)
            docs.append(chunk.text)
            metas.append(chunk_metadata(item.article, chunk, svec, after))
    return ids, vectors, docs, metas
