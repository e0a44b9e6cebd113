"""Bring the index in line with a folder: add new articles, replace changed ones, drop gone ones.

Articles are chunked once, embedded in batches across articles (chunk and sentence vectors
from one model pass), and stored a batch at a time: new chunks first, then the old ones
dropped, so a failure at any point loses nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import Article, load_articles
from index.chunking import Chunk, chunk_article
from index.errors import ArticleError, NotContainedError
from index.records import ArticleRecord, Prepared
from index.store import ChunkStore

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # done, total, article id
PROGRESS_BAR_FROM = 6  # articles; fewer finish before a bar would be read
BATCH_CHUNKS = 256


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

    bar = tqdm(total=total, unit="article", desc="indexing", leave=False)

    def update(done: int, _total: int, name: str) -> None:
        bar.set_postfix_str(name[:30], refresh=False)
        bar.update(done - bar.n)

    return update, bar.close


def _chunked(article: Article) -> list[Chunk]:
    """The article's chunks; ``ArticleError`` when its text cannot be split."""
    try:
        chunks = chunk_article(article)
    except Exception as exc:  # one hostile article must never stop the others
        raise ArticleError(article.id, f"cannot be split into sentences ({exc})") from exc
    if not chunks:
        raise ArticleError(article.id, "no sentences to index")
    return chunks


def _stale(known: ArticleRecord | None, article: Article) -> bool:
    """New, changed, or indexed before titles said where they come from (re-indexed once)."""
    return known is None or known.sha256 != article.sha256 or known.meta.title_source is None


def embed_batch(store: ChunkStore, batch: list[tuple[Article, list[Chunk]]]) -> list[Prepared]:
    """Chunk and sentence vectors for a batch of articles, from one pass of the model."""
    chunks = [c for _, cs in batch for c in cs]
    spans = [[(s - c.start, e - c.start) for s, e in c.sentences] for c in chunks]
    vectors, sentence_vectors = store.model.embed_with_sentences([c.text for c in chunks], spans)
    out, at = [], 0
    for article, cs in batch:
        out.append(
            Prepared(article, cs, vectors[at : at + len(cs)], sentence_vectors[at : at + len(cs)])
        )
        at += len(cs)
    return out


def ingest(
    folder: Path,
    store: ChunkStore,
    *,
    progress: Progress | None = None,
    bar: bool = True,
    batch_chunks: int = BATCH_CHUNKS,
) -> IngestReport:
    """Index ``folder`` incrementally into an open ``store``; unusable files are skipped, and
    whatever they had in the index before is kept."""
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
    close: Callable[[], None] = lambda: None  # noqa: E731
    if progress is None and bar and len(todo) >= PROGRESS_BAR_FROM:
        progress, close = _tqdm_progress(len(todo))
    embedded, done = 0, 0
    stored: list[Article] = []
    pending: list[tuple[Article, list[Chunk]]] = []

    def flush() -> None:
        nonlocal embedded
        if pending:
            store.put_many(embed_batch(store, pending))
            store.commit()
            embedded += sum(len(cs) for _, cs in pending)
            stored.extend(a for a, _ in pending)
            if progress:
                progress(done, len(todo), pending[-1][0].id)
            pending.clear()

    try:
        for article in todo:
            done += 1
            try:
                pending.append((article, _chunked(article)))
            except ArticleError as exc:
                skipped.append(exc)
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
    )
