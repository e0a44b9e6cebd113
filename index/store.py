"""The index: one Chroma collection (cosine HNSW) plus a segmented BM25 index beside it.

Chroma holds chunk text, offsets, sentence spans and vectors, and the article's metadata on
every chunk. Locally, in ``data_dir/bm25/<collection>``, live the BM25 segments (numpy
arrays) and a manifest that names them and holds the article table: the committed version.

A change (under the data dir's write lock, ``index.locking``) goes: new chunks into Chroma,
then the manifest swapped in atomically, then the generation stamp (``index.generation``)
written, then the chunks the change replaced deleted from Chroma. Chroma thus always holds
every committed chunk; what a crash leaves beyond them is found and removed by the
consistency check (``index.consistency``). Readers answer from the committed version only
(a chunk the article table does not hold is never shown) and ``refresh`` to a newer one,
from this process or another, before answering. The queries that read from Chroma are
``index.queries``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.chunking import chunker_version
from index.clients import ClientSource
from index.embedding import DIMENSION, MODEL_ID, MiniLMEmbedding
from index.errors import IndexMismatchError, IndexMissingError, StoreError
from index.generation import read_stamp, write_stamp
from index.lexical import LexicalIndex
from index.locking import lock_for
from index.queries import all_ids, chunks_by_id, nearest, vectors_by_id
from index.records import (
    ArticleRecord,
    Prepared,
    StoredChunk,
    articles_from_json,
    articles_to_json,
    chunk_rows,
    lexical_text,
    parse_chunk_id,
)
from index.versions import from_chroma, load_committed

log = logging.getLogger(__name__)
_BATCH = 1000
STEPS = ("upserted", "manifest", "generation", "deleted")  # a commit, in order (``on_step``)


def _register(ef_class: type) -> None:
    """Let Chroma rebuild our embedding function from a persisted config (no warning)."""
    from chromadb.utils.embedding_functions import known_embedding_functions

    known_embedding_functions.setdefault(ef_class.name(), ef_class)  # type: ignore[attr-defined]


def _not_found(exc: Exception) -> bool:
    return type(exc).__name__ in ("NotFoundError", "InvalidCollectionException")


class ChunkStore:
    """Chunks with their vectors (Chroma) and terms (BM25), at one committed version."""

    def __init__(
        self,
        client: Any,
        model: MiniLMEmbedding,
        data_dir: Path,
        name: str,
        *,
        source: ClientSource | None = None,
    ) -> None:
        from index.chroma import ChromaEmbedding

        _register(ChromaEmbedding)
        self._source = source or ClientSource(lambda: client, renewable=False, client=client)
        self._model, self._name = model, name
        self._local = Path(data_dir) / "bm25" / name
        self._ef = ChromaEmbedding(model)
        self._collection: Any = None
        self.lexical = LexicalIndex()
        self._articles: dict[str, ArticleRecord] = {}
        self.version = 0  # bumped whenever what this store answers from changes
        self.generation: str | None = None  # the committed version loaded (its stamp)
        self.lock = lock_for(Path(data_dir))
        self.on_step: Callable[[str], None] | None = None  # tests: a crash at each step
        self._stale: list[str] = []  # chunk ids to delete once the change is committed
        self._changed = False
        self._reloading = threading.Lock()

    @property
    def model(self) -> MiniLMEmbedding:
        return self._model

    def sibling(self, model: MiniLMEmbedding | None = None) -> ChunkStore:
        """Another store of the same index (same client source, data dir and collection),
        e.g. a writer beside this reader with its own ``model`` session; not opened yet."""
        return ChunkStore(
            self._source.client,
            model or self._model,
            self._local.parent.parent,
            self._name,
            source=self._source,
        )

    def _expected(self) -> dict[str, Any]:
        return {"embed_model": MODEL_ID, "dimension": DIMENSION, "chunker": chunker_version()}

    def exists(self) -> bool:
        return self._name in {
            c if isinstance(c, str) else c.name for c in self._source.client.list_collections()
        }

    def open(self, create: bool = False) -> ChunkStore:
        """Attach to the collection; refuse one built by another model or chunker."""
        if not self.exists():
            if not create:
                raise IndexMissingError("no index yet: run `newsqa ingest DIR` first")
            with self.lock.held():
                if not self.exists():
                    self._source.client.create_collection(
                        self._name,
                        configuration={"hnsw": {"space": "cosine"}},
                        metadata=self._expected(),
                        embedding_function=self._ef,
                    )
                    self._collection = self._get_collection()
                    self.commit(force=True)  # readers see the new, empty collection
        self._collection = self._get_collection()
        self._check_compatible(self._collection.metadata or {})
        self._load_local()
        return self

    def _get_collection(self) -> Any:
        try:
            return self._source.client.get_collection(self._name, embedding_function=self._ef)
        except ValueError as exc:  # persisted with another embedding function
            raise IndexMismatchError(
                f"the index was built with another embedding function ({exc}): "
                "re-index with `newsqa ingest --rebuild`"
            ) from exc

    def _check_compatible(self, found: dict[str, Any]) -> None:
        for key, wanted in self._expected().items():
            if found.get(key) != wanted:
                raise IndexMismatchError(
                    f"the index was built with {key} {found.get(key)!r}, this version uses "
                    f"{wanted!r}: re-index with `newsqa ingest --rebuild`"
                )

    # -- following the writer ---------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the newest committed version when another store (in this process or
        another) committed since this one loaded; True when something changed. A
        collection that is missing just now (a rebuild starting) keeps the current one."""
        stamp = read_stamp(self._local)
        if stamp.token == self.generation:
            return False
        with self._reloading:
            if read_stamp(self._local).token == self.generation:
                return False
            if stamp.writer and stamp.writer != self._source.id:
                self._source.renew(stamp.token or "")
            try:
                collection = self._get_collection()
            except Exception as exc:  # gone for a moment: answer from what is loaded
                if not _not_found(exc):
                    raise StoreError(f"the index could not be reopened ({exc})") from exc
                log.debug("the collection is being replaced; keeping the loaded version")
                return False
            self._collection = collection
            self._load_local()
            self.version += 1
            return True

    def _load_local(self) -> None:
        """The committed version from the manifest; rebuilt from Chroma when it is missing
        or unreadable (under the write lock: one rebuild, by whoever gets there first)."""
        loaded = load_committed(self._local)
        if loaded.lexical is not None:
            self._install(loaded.lexical, loaded.token)
            return
        if not self._collection.count():
            self._install(LexicalIndex(), loaded.token)
            return
        with self.lock.held(say=log.warning):
            again = load_committed(self._local)  # another writer may have rebuilt it
            if again.lexical is not None:
                self._install(again.lexical, again.token)
                return
            log.warning("rebuilding the BM25 index from Chroma: %s", loaded.problem)
            self.lexical, self._articles = from_chroma(self._collection)
            self.commit(force=True)

    def _install(self, loaded: LexicalIndex, token: str | None) -> None:
        self.lexical = loaded
        self._articles = articles_from_json(loaded.extra.get("articles", {}))
        self.generation = token
        self._stale, self._changed = [], False

    # -- what is committed ----------------------------------------------------------------
    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, with its hash, metadata and chunk count."""
        return dict(self._articles)

    def holds(self, chunk_id: str) -> bool:
        """Is ``chunk_id`` (``<article>:<sha12>:<n>``) a chunk of an indexed article?"""
        parsed = parse_chunk_id(chunk_id)
        if parsed is None:
            return False
        rec = self._articles.get(parsed[0])
        return rec is not None and rec.sha256[:12] == parsed[1] and parsed[2] < rec.chunks

    def count(self) -> int:
        """Indexed chunks."""
        return self.lexical.size

    def chroma_ids(self) -> list[str]:
        """Every chunk id in the Chroma collection (committed or not), for the check."""
        return all_ids(self._collection)

    @property
    def corpus_dir(self) -> Path | None:
        value = (self._collection.metadata or {}).get("corpus_dir")
        return Path(value) if value else None

    def set_corpus_dir(self, folder: Path) -> None:
        meta = {**self._expected(), "corpus_dir": str(folder.resolve())}
        if (self._collection.metadata or {}) != meta:
            self._collection.modify(metadata=meta)

    # -- changes (under ``self.lock``) ------------------------------------------------------
    def put_many(self, items: Sequence[Prepared]) -> None:
        """Add the articles' new chunks; their old ones go once ``commit`` has swapped in
        the new version (a failure before that loses nothing)."""
        if not items:
            return
        ids, vectors, docs, metas = chunk_rows(items)
        for b in range(0, len(ids), _BATCH):
            self._collection.upsert(
                ids=ids[b : b + _BATCH],
                embeddings=np.asarray(vectors[b : b + _BATCH], dtype=np.float32),
                documents=docs[b : b + _BATCH],
                metadatas=metas[b : b + _BATCH],
            )
        self._step("upserted")
        names = {item.article.id for item in items}
        fresh = set(ids)
        self._stale += [cid for cid in self.lexical.chunk_ids(names) if cid not in fresh]
        self.lexical.remove_articles(names)
        self.lexical.add(
            ids,
            [m["article"] for m in metas],
            [lexical_text(d, m.get("title")) for d, m in zip(docs, metas, strict=True)],
        )
        for item in items:
            self._articles[item.article.id] = ArticleRecord(
                item.article.id, item.article.sha256, item.article.meta, len(item.chunks)
            )
        self._changed = True

    def remove(self, article_ids: Collection[str]) -> None:
        """Drop the articles from the table and BM25; their chunks go after ``commit``."""
        rows = self.lexical.chunk_ids(set(article_ids))
        article_ids = set(article_ids) & (
            set(self._articles) | {r.rpartition(":")[0].rpartition(":")[0] for r in rows}
        )
        if not article_ids:
            return
        self._stale += rows
        self.lexical.remove_articles(article_ids)
        for name in article_ids:
            self._articles.pop(name, None)
        self._changed = True

    def delete_chunks(self, ids: Sequence[str]) -> None:
        """Delete chunks from Chroma that no committed article holds (the check's repair)."""
        self._delete_ids([cid for cid in ids if not self.holds(cid)])

    def _delete_ids(self, ids: Sequence[str]) -> None:
        for b in range(0, len(ids), _BATCH):
            self._collection.delete(ids=list(ids[b : b + _BATCH]))

    def _step(self, name: str) -> None:
        if self.on_step is not None:
            self.on_step(name)

    def commit(self, force: bool = False) -> None:
        """Make the changes since the last commit the committed version: the manifest
        (BM25 and article table) swapped in, then the generation stamp, then the replaced
        chunks deleted from Chroma."""
        if not (force or self._changed):
            return
        self.lexical.compact()
        token = uuid.uuid4().hex
        extra = {"articles": articles_to_json(self._articles), "generation": token}
        self.lexical.save(self._local, extra)
        self._step("manifest")
        write_stamp(self._local, token, self._source.id)
        self.generation, self._changed = token, False
        self.version += 1
        self._step("generation")
        stale, self._stale = self._stale, []
        self._delete_ids(stale)
        self._step("deleted")

    def drop(self) -> None:
        """Delete the whole index (``--rebuild``); ``open(create=True)`` starts it again."""
        import shutil

        with self.lock.held():
            if self.exists():
                self._source.client.delete_collection(self._name)
            shutil.rmtree(self._local, ignore_errors=True)
        self._collection, self.lexical, self._articles = None, LexicalIndex(), {}

    # -- reads ------------------------------------------------------------------------------
    def _read(self, read: Callable[[Any], Any]) -> Any:
        """``read(collection)``; once more after a refresh when the collection was replaced."""
        try:
            return read(self._collection)
        except Exception as exc:
            if not _not_found(exc) or not self.refresh():
                if _not_found(exc):
                    raise StoreError(
                        "the index is being rebuilt just now; ask again in a moment"
                    ) from exc
                raise
            return read(self._collection)

    def dense_search(
        self,
        vector: np.ndarray,
        n: int,
        include: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """Nearest committed chunks with their cosine similarity (Chroma returns 1 - cosine
        as distance), only from ``include`` articles when given, never from ``exclude``."""
        # twice as many: a change being written may have chunks there not committed yet
        found = self._read(lambda c: nearest(c, vector, 2 * n, self.count(), include, exclude))
        return [(cid, score) for cid, score in found if self.holds(cid)][:n]

    def fetch(self, ids: Sequence[str], vectors: bool = False) -> dict[str, StoredChunk]:
        """The chunks ``ids`` as stored (missing ids are left out)."""
        return dict(self._read(lambda c: chunks_by_id(c, ids, vectors)))

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Chunk vectors only (for BM25 hits that the dense search did not return)."""
        return dict(self._read(lambda c: vectors_by_id(c, ids)))
