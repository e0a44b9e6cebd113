"""The index: one Chroma collection (cosine HNSW) plus a segmented BM25 index beside it.

Chroma is the source of truth: chunk text, offsets, sentence spans and vectors, and the
article's metadata on every chunk. Nothing is mirrored in memory: a query reads from
Chroma only the chunks it needs (``fetch``). Locally, in ``data_dir/bm25/<collection>``,
live the BM25 segments (numpy arrays) and a small per-article table. A change marks that
folder dirty first; a dirty, missing or unreadable local index is rebuilt from Chroma.
The queries that read from Chroma are ``index.queries``.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import chunker_version
from index.embedding import DIMENSION, MODEL_ID, MiniLMEmbedding
from index.errors import IndexMismatchError, IndexMissingError, StoreError
from index.lexical import LexicalIndex
from index.queries import chunks_by_id, nearest, pages, vectors_by_id
from index.records import (
    ArticleRecord,
    Prepared,
    StoredChunk,
    chunk_metadata,
    count_into,
    lexical_text,
    read_articles,
    write_articles,
)

log = logging.getLogger(__name__)
_BATCH = 1000


def _register(ef_class: type) -> None:
    """Let Chroma rebuild our embedding function from a persisted config (no warning)."""
    from chromadb.utils.embedding_functions import known_embedding_functions

    known_embedding_functions.setdefault(ef_class.name(), ef_class)  # type: ignore[attr-defined]


class ChunkStore:
    """Chunks with their vectors (Chroma) and terms (BM25)."""

    def __init__(self, client: Any, model: MiniLMEmbedding, data_dir: Path, name: str) -> None:
        from index.chroma import ChromaEmbedding

        _register(ChromaEmbedding)
        self._client, self._model, self._name = client, model, name
        self._local = Path(data_dir) / "bm25" / name
        self._ef = ChromaEmbedding(model)
        self._collection: Any = None
        self.lexical = LexicalIndex()
        self._articles: dict[str, ArticleRecord] | None = None
        self.version = 0  # bumped on every change, for caches built over the index

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
        self._load_local()
        return self

    def _check_compatible(self, found: dict[str, Any]) -> None:
        for key, wanted in self._expected().items():
            if found.get(key) != wanted:
                raise IndexMismatchError(
                    f"the index was built with {key} {found.get(key)!r}, this version uses "
                    f"{wanted!r}: re-index with `newsqa ingest --rebuild`"
                )

    # -- the local BM25 index and article table ---------------------------------------------
    def _load_local(self) -> None:
        problem = None
        if (self._local / "DIRTY").exists():
            problem = "an earlier change did not finish"
        else:
            try:
                loaded = LexicalIndex.load(self._local)
            except StoreError as exc:
                loaded, problem = None, str(exc)
            if loaded is not None and loaded.size == self._collection.count():
                self.lexical, self._articles = loaded, None
                return
            if loaded is not None:
                problem = "it does not match the Chroma collection"
        if problem or self._collection.count():
            log.warning("rebuilding the BM25 index from Chroma: %s", problem or "it is missing")
            self._rebuild_local()

    def _rebuild_local(self) -> None:
        self._mark_dirty()
        self.lexical = LexicalIndex()
        records: dict[str, ArticleRecord] = {}
        for ids, docs, metas in pages(self._collection):
            self.lexical.add(
                ids,
                [m["article"] for m in metas],
                [lexical_text(d, m.get("title")) for d, m in zip(docs, metas, strict=True)],
            )
            for meta in metas:
                count_into(records, meta)
        self.lexical.compact(force=True)
        self._articles = dict(sorted(records.items()))
        self.commit(force=True)

    def _mark_dirty(self) -> None:
        self._local.mkdir(parents=True, exist_ok=True)
        (self._local / "DIRTY").touch()

    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, with its hash, metadata and chunk count."""
        return dict(self._records())

    def _records(self) -> dict[str, ArticleRecord]:
        """The article table itself (changed in place by ``put_many`` and ``remove``)."""
        if self._articles is None:
            self._articles = read_articles(self._local / "articles.json")
            if self._articles is None:
                self._rebuild_local()
        assert self._articles is not None
        return self._articles

    def holds(self, chunk_id: str) -> bool:
        """Is ``chunk_id`` (``<article>:<sha12>:<n>``) a chunk of an indexed article?"""
        head, _, n = chunk_id.rpartition(":")
        article, _, sha = head.rpartition(":")
        rec = self._records().get(article)
        return rec is not None and n.isdigit() and rec.sha256[:12] == sha and int(n) < rec.chunks

    def count(self) -> int:
        """Indexed chunks."""
        return self.lexical.size

    @property
    def corpus_dir(self) -> Path | None:
        value = (self._collection.metadata or {}).get("corpus_dir")
        return Path(value) if value else None

    def set_corpus_dir(self, folder: Path) -> None:
        meta = {**self._expected(), "corpus_dir": str(folder.resolve())}
        if (self._collection.metadata or {}) != meta:
            self._collection.modify(metadata=meta)

    # -- changes ----------------------------------------------------------------------------
    def put_many(self, items: Sequence[Prepared]) -> None:
        """Add the articles' new chunks, then drop their old ones: a failure loses nothing."""
        if not items:
            return
        records = self._records()
        self._mark_dirty()
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
        for b in range(0, len(ids), _BATCH):
            self._collection.upsert(
                ids=ids[b : b + _BATCH],
                embeddings=np.asarray(vectors[b : b + _BATCH], dtype=np.float32),
                documents=docs[b : b + _BATCH],
                metadatas=metas[b : b + _BATCH],
            )
        names = {item.article.id for item in items}
        fresh = set(ids)
        stale = [cid for cid in self.lexical.chunk_ids(names) if cid not in fresh]
        self._delete_ids(stale)
        self.lexical.remove_articles(names)
        self.lexical.add(
            ids,
            [m["article"] for m in metas],
            [lexical_text(d, m.get("title")) for d, m in zip(docs, metas, strict=True)],
        )
        for item in items:
            records[item.article.id] = ArticleRecord(
                item.article.id, item.article.sha256, item.article.meta, len(item.chunks)
            )
        self.version += 1

    def remove(self, article_ids: Collection[str]) -> None:
        article_ids = set(article_ids) & set(self._records())
        if not article_ids:
            return
        self._mark_dirty()
        self._delete_ids(self.lexical.chunk_ids(article_ids))
        self.lexical.remove_articles(article_ids)
        for name in article_ids:
            self._records().pop(name, None)
        self.version += 1

    def _delete_ids(self, ids: list[str]) -> None:
        for b in range(0, len(ids), _BATCH):
            self._collection.delete(ids=ids[b : b + _BATCH])

    def commit(self, force: bool = False) -> None:
        """Save the local index after a batch of changes (only if there were any)."""
        if not force and not (self._local / "DIRTY").exists():
            return
        self.lexical.compact()
        self.lexical.save(self._local)
        write_articles(self._local / "articles.json", self._records())
        (self._local / "DIRTY").unlink(missing_ok=True)

    def drop(self) -> None:
        """Delete the whole index (``--rebuild``)."""
        if self.exists():
            self._client.delete_collection(self._name)
        import shutil

        shutil.rmtree(self._local, ignore_errors=True)
        self._collection, self.lexical, self._articles = None, LexicalIndex(), {}

    # -- reads ------------------------------------------------------------------------------
    def dense_search(
        self,
        vector: np.ndarray,
        n: int,
        include: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """Nearest chunks with their cosine similarity (Chroma returns 1 - cosine as
        distance), only from ``include`` articles when given, never from ``exclude``."""
        return nearest(self._collection, vector, n, self.count(), include, exclude)

    def fetch(self, ids: Sequence[str], vectors: bool = False) -> dict[str, StoredChunk]:
        """The chunks ``ids`` as stored (missing ids are left out)."""
        return chunks_by_id(self._collection, ids, vectors)

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Chunk vectors only (for BM25 hits that the dense search did not return)."""
        return vectors_by_id(self._collection, ids)
