"""The index: one Chroma collection (cosine HNSW) plus a BM25 index over the same chunks.

Chroma is the source of truth. Every chunk carries its article's metadata, so
the list of indexed articles is read back from Chroma; BM25 is rebuilt from
Chroma's chunks after each change and reloaded from disk when it still matches.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from index.articles import Article
from index.chunking import Chunk, chunker_version
from index.embedding import DIMENSION, MODEL_ID, MiniLMEmbedding
from index.errors import IndexMismatchError, IndexMissingError
from index.lexical import LexicalIndex
from index.metadata import Metadata

log = logging.getLogger(__name__)
_PAGE = 5000


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Our model as Chroma's embedding function, so Chroma never reaches for its default.

    Chroma rebuilds the function from its config on every write, so a rebuilt one loads
    the model only if it is actually called (we always pass vectors ourselves).
    """

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


@dataclass(frozen=True)
class ArticleRecord:
    """What the index knows about one article."""

    id: str
    sha256: str
    meta: Metadata
    chunks: int


def _chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    meta = {
        "article": article.id,
        "sha256": article.sha256,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
        "sentences": json.dumps(chunk.sentences),
    }
    meta.update({k: v for k, v in vars(article.meta).items() if v is not None})
    return meta


def _chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
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


class ChunkStore:
    """Chunks with their vectors (Chroma) and terms (BM25); all reads come from memory."""

    def __init__(self, client: Any, model: MiniLMEmbedding, data_dir: Path, name: str) -> None:
        self._client, self._model, self._name = client, model, name
        self._lexical_dir = Path(data_dir) / "bm25" / name
        self._ef = ChromaEmbedding(model)
        self._collection: Any = None
        self.chunks: dict[str, Chunk] = {}
        self.metadata: dict[str, dict[str, Any]] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.lexical = LexicalIndex([], None)
        self.version = 0  # bumped on every change, for caches built over the chunks

    @property
    def model(self) -> MiniLMEmbedding:
        return self._model

    def _expected(self) -> dict[str, Any]:
        return {"embed_model": MODEL_ID, "dimension": DIMENSION, "chunker": chunker_version()}

    def exists(self) -> bool:
        return self._name in {
            c if isinstance(c, str) else c.name for c in self._client.list_collections()
        }

    def open(self, create: bool = False) -> ChunkStore:
        """Attach to the collection; refuse one built by another model or chunker."""
        if not self.exists():
            if not create:
                raise IndexMissingError("no index yet: run `newsqa ingest DIR` first")
            self._collection = self._client.create_collection(
                self._name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata=self._expected(),
                embedding_function=self._ef,
            )
        else:
            try:
                self._collection = self._client.get_collection(
                    self._name, embedding_function=self._ef
                )
            except ValueError as exc:  # persisted with another embedding function
                raise IndexMismatchError(
                    f"the index was built with another embedding function ({exc}): "
                    "re-index with `newsqa ingest --rebuild`"
                ) from exc
            self._check_compatible(self._collection.metadata or {})
        self._load()
        return self

    def _check_compatible(self, found: dict[str, Any]) -> None:
        for key, wanted in self._expected().items():
            if found.get(key) != wanted:
                raise IndexMismatchError(
                    f"the index was built with {key} {found.get(key)!r}, this version uses "
                    f"{wanted!r}: re-index with `newsqa ingest --rebuild`"
                )

    def _load(self) -> None:
        self.chunks, self.metadata, self.vectors = {}, {}, {}
        offset = 0
        while True:
            page = self._collection.get(
                include=["documents", "metadatas", "embeddings"], limit=_PAGE, offset=offset
            )
            rows = zip(
                page["ids"], page["documents"], page["metadatas"], page["embeddings"], strict=True
            )
            for cid, doc, meta, vector in rows:
                self.chunks[cid] = _chunk_from(cid, doc, meta)
                self.metadata[cid] = dict(meta)
                self.vectors[cid] = np.asarray(vector, dtype=np.float32)
            if len(page["ids"]) < _PAGE:
                break
            offset += _PAGE
        loaded = LexicalIndex.load(self._lexical_dir)
        if loaded is not None and sorted(loaded.ids) == sorted(self.chunks):
            self.lexical = loaded
        else:
            self._rebuild_lexical()

    def _rebuild_lexical(self) -> None:
        ids = sorted(self.chunks, key=lambda c: (self.chunks[c].article, self.chunks[c].index))
        self.lexical = LexicalIndex.build(ids, [self.chunks[c].text for c in ids])
        self.lexical.save(self._lexical_dir)

    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, with its hash, metadata and chunk count."""
        records: dict[str, ArticleRecord] = {}
        for meta in self.metadata.values():
            name = meta["article"]
            known = records.get(name)
            fields = {
                k: meta.get(k) for k in ("title", "date", "source", "url", "dateline", "month_day")
            }
            count = known.chunks + 1 if known else 1
            records[name] = ArticleRecord(name, meta["sha256"], Metadata(**fields), count)
        return dict(sorted(records.items()))

    @property
    def corpus_dir(self) -> Path | None:
        value = (self._collection.metadata or {}).get("corpus_dir")
        return Path(value) if value else None

    def set_corpus_dir(self, folder: Path) -> None:
        meta = {**self._expected(), "corpus_dir": str(folder.resolve())}
        self._collection.modify(metadata=meta)

    def put(self, article: Article, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Add an article's new chunks, then drop its old ones: a failure loses nothing."""
        old = [cid for cid, meta in self.metadata.items() if meta["article"] == article.id]
        metas = [_chunk_metadata(article, c) for c in chunks]
        self._collection.upsert(
            ids=[c.id for c in chunks],
            embeddings=vectors.tolist(),
            documents=[c.text for c in chunks],
            metadatas=metas,
        )
        for chunk, meta, vector in zip(chunks, metas, vectors, strict=True):
            self.chunks[chunk.id], self.metadata[chunk.id] = chunk, meta
            self.vectors[chunk.id] = vector
        self._delete([cid for cid in old if cid not in {c.id for c in chunks}])

    def remove(self, article_ids: set[str]) -> None:
        self._delete([cid for cid, m in self.metadata.items() if m["article"] in article_ids])

    def _delete(self, ids: list[str]) -> None:
        if ids:
            self._collection.delete(ids=ids)
        for cid in ids:
            self.chunks.pop(cid, None)
            self.metadata.pop(cid, None)
            self.vectors.pop(cid, None)

    def commit(self) -> None:
        """Bring BM25 in line with Chroma after a batch of changes (only if there were any)."""
        if sorted(self.lexical.ids) != sorted(self.chunks):
            self._rebuild_lexical()
            self.version += 1

    def drop(self) -> None:
        """Delete the whole index (``--rebuild``)."""
        if self.exists():
            self._client.delete_collection(self._name)
        self._collection, self.chunks, self.metadata, self.vectors = None, {}, {}, {}

    def dense_search(
        self, vector: np.ndarray, n: int, articles: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks with their cosine similarity (Chroma returns 1 - cosine as distance),
        only from ``articles`` when given."""
        if not self.chunks or (articles is not None and not articles):
            return []
        where = {"article": {"$in": sorted(articles)}} if articles is not None else None
        found = self._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=min(n, len(self.chunks)),
            where=where,
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(d))
            for cid, d in zip(found["ids"][0], found["distances"][0], strict=True)
        ]
