"""Bring the index in line with a folder: add new articles, replace changed ones, drop gone ones."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import Article, load_articles
from index.chunking import chunk_article
from index.errors import ArticleError
from index.store import ChunkStore

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # done, total, article id
PROGRESS_BAR_FROM = 6  # articles; fewer finish before a bar would be read


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


def _embed_and_store(store: ChunkStore, article: Article) -> int:
    chunks = chunk_article(article)
    vectors = store.model.embed([c.text for c in chunks])
    store.put(article, chunks, vectors)
    return len(chunks)


def ingest(
    folder: Path, store: ChunkStore, *, progress: Progress | None = None, bar: bool = True
) -> IngestReport:
    """Index ``folder`` incrementally into an open ``store``; unusable files are skipped, and
    whatever they had in the index before is kept."""
    began = time.perf_counter()
    loaded = load_articles(folder)
    for problem in loaded.skipped:
        log.warning("skipped %s", problem)
    known = store.articles()
    todo = [a for a in loaded.articles if a.id not in known or known[a.id].sha256 != a.sha256]
    present = {a.id for a in loaded.articles} | {p.name for p in loaded.skipped}
    gone = set(known) - present
    close: Callable[[], None] = lambda: None  # noqa: E731
    if progress is None and bar and len(todo) >= PROGRESS_BAR_FROM:
        progress, close = _tqdm_progress(len(todo))
    embedded = 0
    try:
        for done, article in enumerate(todo, start=1):
            embedded += _embed_and_store(store, article)
            if progress:
                progress(done, len(todo), article.id)
    finally:
        close()
        store.remove(gone)
        store.set_corpus_dir(folder)
        store.commit()
    added = sum(1 for a in todo if a.id not in known)
    return IngestReport(
        added=added,
        updated=len(todo) - added,
        removed=len(gone),
        unchanged=len(loaded.articles) - len(todo),
        chunks=len(store.chunks),
        embedded=embedded,
        seconds=time.perf_counter() - began,
        skipped=loaded.skipped,
    )
