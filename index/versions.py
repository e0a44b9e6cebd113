"""Reading a committed version of the local index: from its manifest, or rebuilt from Chroma;
and the ``Working`` version a store answers from and a change edits until it is committed.

The manifest (``index.lexical``) names the BM25 segments and holds the article table; the
generation stamp (``index.generation``) says which commit it is. A reader that catches a
writer swapping files reads again; a manifest that cannot be read at all is rebuilt from
the chunks in Chroma, keeping only the articles whose chunks there are one whole version.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import StoreError
from index.generation import read_stamp
from index.lexical import LexicalIndex
from index.queries import pages
from index.records import (
    ArticleRecord,
    Prepared,
    articles_from_json,
    articles_to_json,
    expected_ids,
    lexical_text,
    parse_chunk_id,
    whole_articles,
)


@dataclass(frozen=True)
class Loaded:
    lexical: LexicalIndex | None  # None: missing or unreadable (``problem`` says which)
    token: str | None
    problem: str = ""


def load_committed(folder: Path, attempts: int = 3) -> Loaded:
    """The committed version in ``folder``, read again when a writer changed it meanwhile."""
    for attempt in range(attempts):
        stamp = read_stamp(folder)
        try:
            loaded = LexicalIndex.load(folder)
        except StoreError as exc:
            if attempt + 1 < attempts and read_stamp(folder).token != stamp.token:
                continue  # a writer swapped the manifest while it was read: again
            return Loaded(None, stamp.token, str(exc))
        if loaded is None:
            return Loaded(None, stamp.token, "it is missing")
        if not isinstance(loaded.extra.get("articles"), dict):
            return Loaded(None, stamp.token, "it holds no article table")
        return Loaded(loaded, stamp.token)
    raise AssertionError("unreachable")


def from_chroma(collection: Any) -> tuple[LexicalIndex, dict[str, ArticleRecord]]:
    """BM25 and the article table from the chunks in Chroma. An article whose chunks there
    are not one whole version (a crash mid-change) is left out: the next ingest indexes it
    again from its file, and the consistency check removes its chunks."""
    metas_by_id: dict[str, dict[str, Any]] = {}
    for ids, _docs, metas in pages(collection):
        metas_by_id.update(zip(ids, metas, strict=True))
    articles = whole_articles(metas_by_id)
    keep = {cid for record in articles.values() for cid in expected_ids(record)}
    lexical = LexicalIndex()
    for ids, docs, metas in pages(collection):
        rows = [(i, d, m) for i, d, m in zip(ids, docs, metas, strict=True) if i in keep]
        lexical.add(
            [i for i, _, _ in rows],
            [m["article"] for _, _, m in rows],
            [lexical_text(d, m.get("title")) for _, d, m in rows],
        )
    lexical.compact(force=True)
    return lexical, articles


class Working:
    """The version a store answers from, and a change edits until it is committed: BM25,
    the article table, and the ids of the chunks the change replaced (deleted from Chroma
    once the commit is written)."""

    def __init__(
        self, lexical: LexicalIndex | None = None, articles: dict[str, ArticleRecord] | None = None
    ) -> None:
        self.lexical = lexical if lexical is not None else LexicalIndex()
        if articles is None:
            articles = articles_from_json(self.lexical.extra.get("articles", {}))
        self.articles = articles
        self.stale: list[str] = []
        self.changed = False

    def holds(self, chunk_id: str) -> bool:
        """Is ``chunk_id`` (``<article>:<sha12>:<n>``) a chunk of an indexed article?"""
        parsed = parse_chunk_id(chunk_id)
        if parsed is None:
            return False
        rec = self.articles.get(parsed[0])
        return rec is not None and rec.sha256[:12] == parsed[1] and parsed[2] < rec.chunks

    def put(self, items: Sequence[Prepared], ids: list[str], docs: list[str], metas: list) -> None:
        """The articles' new chunks (``index.records.chunk_rows``) into BM25 and the table;
        their old chunks marked stale."""
        names = {item.article.id for item in items}
        fresh = set(ids)
        self.stale += [cid for cid in self.lexical.chunk_ids(names) if cid not in fresh]
        self.lexical.remove_articles(names)
        self.lexical.add(
            ids,
            [m["article"] for m in metas],
            [lexical_text(d, m.get("title")) for d, m in zip(docs, metas, strict=True)],
        )
        for item in items:
            self.articles[item.article.id] = ArticleRecord(
                item.article.id, item.article.sha256, item.article.meta, len(item.chunks)
            )
        self.changed = True

    def remove(self, article_ids: Collection[str]) -> None:
        """Drop the articles from the table and BM25; their chunks marked stale."""
        rows = self.lexical.chunk_ids(set(article_ids))
        article_ids = set(article_ids) & (
            set(self.articles) | {r.rpartition(":")[0].rpartition(":")[0] for r in rows}
        )
        if not article_ids:
            return
        self.stale += rows
        self.lexical.remove_articles(article_ids)
        for name in article_ids:
            self.articles.pop(name, None)
        self.changed = True

    def save(self, folder: Path, token: str) -> None:
        """The manifest (BM25 and the article table, stamped ``token``) swapped in."""
        self.lexical.compact()
        extra = {"articles": articles_to_json(self.articles), "generation": token}
        self.lexical.save(folder, extra)

    def take_stale(self) -> list[str]:
        stale, self.stale = self.stale, []
        return stale
