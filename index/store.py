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
``index.queries``; creating, getting and checking the collection is ``index.collection``;
BM25 and the article table being changed are ``index.versions.Working``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index import collection as chroma_collection
from index.clients import ClientSource
from index.embedding import MiniLMEmbedding
from index.errors import IndexMissingError, StoreError
from index.generation import read_stamp, write_stamp
from index.lexical import LexicalIndex
from index.locking import lock_for
from index.queries import all_ids, chunks_by_id, nearest, vectors_by_id
from index.records import ArticleRecord, Prepared, StoredChunk, chunk_rows
from index.versions import Working, from_chroma, load_committed

log = logging.getLogger(__name__)
_BATCH = 1000
STEPS = ("upserted", "manifest", "generation", "deleted")  # a commit, in order (``on_step``)


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

        chroma_collection.register(ChromaEmbedding)
        self._source = source or ClientSource(lambda: client, renewable=False, client=client)
        self._model, self._name = model, name
        self._local = Path(data_dir) / "bm25" / name
        self._ef = ChromaEmbedding(model)
        self._collection: Any = None
        self._working = Working()  # BM25, the article table, the change being written
        self.version = 0  # bumped whenever what this store answers from changes
        self.generation: str | None = None  # the committed version loaded (its stamp)
        self.lock = lock_for(Path(data_dir))
        self.on_step: Callable[[str], None] | None = None  # tests: a crash at each step
        self._reloading = threading.Lock()

    @property
    def model(self) -> MiniLMEmbedding:
        return self._model

    @property
    def lexical(self) -> LexicalIndex:
        """BM25 over the chunks this store answers from."""
        return self._working.lexical

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

    def exists(self) -> bool:
        return chroma_collection.exists(self._source.client, self._name)

    def open(self, create: bool = False) -> ChunkStore:
        """Attach to the collection; refuse one built by another model or chunker."""
        if not self.exists():
            if not create:
                raise IndexMissingError("no index yet: run `newsqa ingest DIR` first")
            with self.lock.held():
                if not self.exists():
                    chroma_collection.create(self._source.client, self._name, self._ef)
                    self._collection = self._get_collection()
                    self.commit(force=True)  # readers see the new, empty collection
        self._collection = self._get_collection()
        chroma_collection.check_compatible(self._collection.metadata or {})
        self._load_local()
        return self

    def _get_collection(self) -> Any:
        return chroma_collection.get(self._source.client, self._name, self._ef)

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
                if not chroma_collection.is_not_found(exc):
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
            self._working.lexical, self._working.articles = from_chroma(self._collection)
            self.commit(force=True)

    def _install(self, loaded: LexicalIndex, token: str | None) -> None:
        self._working = Working(loaded)
        self.generation = token

    # -- what is committed ----------------------------------------------------------------
    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, with its hash, metadata and chunk count."""
        return dict(self._working.articles)

    def holds(self, chunk_id: str) -> bool:
        """Is ``chunk_id`` (``<article>:<sha12>:<n>``) a chunk of an indexed article?"""
        return self._working.holds(chunk_id)

    def count(self) -> int:
        """Indexed chunks."""
        return self.lexical.size

    def chroma_ids(self) -> list[str]:
        """Every chunk id in the Chroma collection (committed or not), for the check."""
        return all_ids(self._collection)

    @property
    def corpus_dir(self) -> Path | None:
        return chroma_collection.corpus_dir(self._collection)

    def set_corpus_dir(self, folder: Path) -> None:
        chroma_collection.set_corpus_dir(self._collection, folder)

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
        self._working.put(items, ids, docs, metas)

    def remove(self, article_ids: Collection[str]) -> None:
        """Drop the articles from the table and BM25; their chunks go after ``commit``."""
        self._working.remove(article_ids)

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
        if not (force or self._working.changed):
            return
        token = uuid.uuid4().hex
        self._working.save(self._local, token)
        self._step("manifest")
        write_stamp(self._local, token, self._source.id)
        self.generation, self._working.changed = token, False
        self.version += 1
        self._step("generation")
        self._delete_ids(self._working.take_stale())
        self._step("deleted")

    def drop(self) -> None:
        """Delete the whole index (``--rebuild``); ``open(create=True)`` starts it again."""
        import shutil

        with self.lock.held():
            if self.exists():
                self._source.client.delete_collection(self._name)
            shutil.rmtree(self._local, ignore_errors=True)
        self._collection = None
        self._working.lexical, self._working.articles = LexicalIndex(), {}

    # -- reads ------------------------------------------------------------------------------
    def _read(self, read: Callable[[Any], Any]) -> Any:
        """``read(collection)``; once more after a refresh when the collection was replaced."""
        try:
            return read(self._collection)
        except Exception as exc:
            missing = chroma_collection.is_not_found(exc)
            if not missing or not self.refresh():
                if missing:
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
