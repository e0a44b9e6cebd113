"""Reading a committed version of the local index: from its manifest, or rebuilt from Chroma.

The manifest (``index.lexical``) names the BM25 segments and holds the article table; the
generation stamp (``index.generation``) says which commit it is. A reader that catches a
writer swapping files reads again; a manifest that cannot be read at all is rebuilt from
the chunks in Chroma, keeping only the articles whose chunks there are one whole version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import StoreError
from index.generation import read_stamp
from index.lexical import LexicalIndex
from index.queries import pages
from index.records import ArticleRecord, expected_ids, lexical_text, whole_articles


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
