"""Bring the index in line with a folder: add new articles, replace changed ones, drop gone ones.

Articles are chunked once (a chunk repeating an earlier one of the same article is kept
once), embedded in batches across articles (chunk and sentence vectors from one model
pass), and committed a batch at a time (``ChunkStore.commit``): a failure at any point
loses nothing, and what it leaves behind the next ingest's consistency check removes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.articles import Article, load_articles
from index.chunking import Chunk, chunk_article
from index.consistency import check, repair
from index.embedding import DIMENSION
from index.errors import ArticleError, NotContainedError
from index.records import ArticleRecord, Prepared, chunk_id
from index.store import ChunkStore

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # chunks embedded, chunks to embed, article id
PROGRESS_BAR_FROM = 6  # articles; fewer finish before a bar would be read
BATCH_CHUNKS = 256
SLICE_CHUNKS = 32  # chunks embedded between two progress reports
MAX_ARTICLE_CHUNKS = 1000  # more is no news article: indexed, with a warning naming it


@dataclass(frozen=True)
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    skipped: list[ArticleError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # ignored sidecars, very long articles
    repaired: list[str] = field(default_factory=list)  # what the consistency check fixed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}, chunks {self.chunks}, "
            f"{self.seconds:.1f} s"
        )


def _tqdm_progress(total: int) -> tuple[Progress, Callable[[], None]]:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="chunk", desc="indexing", leave=False)

    def update(done: int, _total: int, name: str) -> None:
        bar.set_postfix_str(name[:30], refresh=False)
        bar.update(done - bar.n)

    return update, bar.close


def distinct_chunks(article: Article, chunks: list[Chunk]) -> list[Chunk]:
    """The chunks whose normalised text (whitespace collapsed, case folded) no earlier chunk
    of the article has, numbered again 0..n-1: one repetitive article cannot fill the
    results with copies of itself. An article without repeats keeps exactly its chunks."""
    seen: set[str] = set()
    kept: list[Chunk] = []
    for chunk in chunks:
        key = " ".join(chunk.text.split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        n = len(kept)
        kept.append(replace(chunk, id=chunk_id(article.id, article.sha256, n), index=n))
    return kept


def _chunked(article: Article) -> list[Chunk]:
    """The article's distinct chunks; ``ArticleError`` when its text cannot be split."""
    try:
        chunks = chunk_article(article)
    except Exception as exc:  # one hostile article must never stop the others
        raise ArticleError(article.id, f"cannot be split into sentences ({exc})") from exc
    if not chunks:
        raise ArticleError(article.id, "no sentences to index")
    return distinct_chunks(article, chunks)


def _stale(known: ArticleRecord | None, article: Article) -> bool:
    """New, changed, or indexed before titles said where they come from (re-indexed once)."""
    return known is None or known.sha256 != article.sha256 or known.meta.title_source is None


def embed_batch(
    store: ChunkStore,
    batch: list[tuple[Article, list[Chunk]]],
    on_slice: Callable[[int], None] | None = None,
) -> list[Prepared]:
    """Chunk and sentence vectors for a batch of articles, from one pass of the model,
    ``SLICE_CHUNKS`` at a time (``on_slice`` hears how many are done)."""
    chunks = [c for _, cs in batch for c in cs]
    vectors = np.zeros((len(chunks), DIMENSION), np.float32)
    sentence_vectors: list[np.ndarray] = []
    for at in range(0, len(chunks), SLICE_CHUNKS):
        part = chunks[at : at + SLICE_CHUNKS]
        spans = [[(s - c.start, e - c.start) for s, e in c.sentences] for c in part]
        got, got_sentences = store.model.embed_with_sentences([c.text for c in part], spans)
        vectors[at : at + len(part)] = got
        sentence_vectors += got_sentences
        if on_slice:
            on_slice(at + len(part))
    out, at = [], 0
    for article, cs in batch:
        out.append(
            Prepared(article, cs, vectors[at : at + len(cs)], sentence_vectors[at : at + len(cs)])
        )
        at += len(cs)
    return out


def _warnings(articles: list[Article], chunked: list[tuple[Article, list[Chunk]]]) -> list[str]:
    """Sidecars left out and articles over ``MAX_ARTICLE_CHUNKS``, one line each, logged."""
    lines = [
        f"{problem}; {article.id} is indexed with the metadata of its text"
        for article in articles
        for problem in article.ignored
    ]
    lines += [
        f"{article.id} has {len(cs)} chunks (over {MAX_ARTICLE_CHUNKS}): indexed, but it is "
        "unlikely to be one news article"
        for article, cs in chunked
        if len(cs) > MAX_ARTICLE_CHUNKS
    ]
    for line in lines:
        log.warning("%s", line)
    return lines


def ingest(
    folder: Path,
    store: ChunkStore,
    *,
    progress: Progress | None = None,
    bar: bool = True,
    batch_chunks: int = BATCH_CHUNKS,
    say: Callable[[str], None] | None = None,
) -> IngestReport:
    """Index ``folder`` incrementally into an open ``store``, under its write lock (``say``
    hears, once, that another writer holds it), after checking and repairing the index.
    Unusable files are skipped, and whatever they had in the index before is kept."""
    with store.lock.held(say=say or log.warning):
        store.refresh()
        repaired = repair(store, check(store))
        for line in repaired:
            log.warning("repaired: %s", line)
        report = _ingest(folder, store, progress, bar, batch_chunks)
    return replace(report, repaired=repaired)


def _ingest(
    folder: Path, store: ChunkStore, progress: Progress | None, bar: bool, batch_chunks: int
) -> IngestReport:
    began = time.perf_counter()
    loaded = load_articles(folder)
    skipped = list(loaded.skipped)
    known = dict(store.articles())
    todo = [a for a in loaded.articles if _stale(known.get(a.id), a)]
    # A file that cannot be read now keeps what it had in the index; one that is not an
    # article of this folder at all (a link leaving it, a device) loses it.
    kept = {p.name for p in loaded.skipped if not isinstance(p, NotContainedError)}
    present = {a.id for a in loaded.articles} | kept
    gone = set(known) - present
    chunked: list[tuple[Article, list[Chunk]]] = []
    for article in todo:
        try:
            chunked.append((article, _chunked(article)))
        except ArticleError as exc:
            skipped.append(exc)
    warnings = _warnings(loaded.articles, chunked)
    total = sum(len(cs) for _, cs in chunked)
    close: Callable[[], None] = lambda: None  # noqa: E731
    if progress is None and bar and len(todo) >= PROGRESS_BAR_FROM:
        progress, close = _tqdm_progress(total)
    embedded = 0
    stored: list[Article] = []
    pending: list[tuple[Article, list[Chunk]]] = []

    def flush() -> None:
        nonlocal embedded
        if not pending:
            return
        name = pending[-1][0].id

        def done(n: int) -> None:
            if progress:
                progress(embedded + n, total, name)

        store.put_many(embed_batch(store, pending, done))
        store.commit()
        embedded += sum(len(cs) for _, cs in pending)
        stored.extend(a for a, _ in pending)
        pending.clear()

    try:
        for article, chunks in chunked:
            pending.append((article, chunks))
            if sum(len(cs) for _, cs in pending) >= batch_chunks:
                flush()
        flush()
    finally:
        close()
        store.remove(gone)
        store.set_corpus_dir(folder)
        store.commit()
    for problem in skipped:
        log.warning("skipped %s", problem)
    added = len([a for a in stored if a.id not in known])
    return IngestReport(
        added=added,
        updated=len(stored) - added,
        removed=len(gone),
        unchanged=len(loaded.articles) - len(todo),
        chunks=store.count(),
        embedded=embedded,
        seconds=time.perf_counter() - began,
        skipped=skipped,
        warnings=warnings,
    )
