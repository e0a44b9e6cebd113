"""The consistency check: does Chroma hold exactly the chunks the article table says?

For each article the table names its content hash and chunk count, hence its chunk ids
(``<article>:<sha12>:<n>``). The check lists the ids in Chroma (ids only: cheap) and the
live ids of BM25 and compares. What a crash can leave (chunks written for a change that
never committed, replaced chunks not yet deleted) shows up as chunks no article holds;
damage from outside as chunks missing. ``repair`` deletes the first and drops the articles
with the second from the table, so that ingest indexes them again from their files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from index.records import expected_ids, parse_chunk_id
from index.store import ChunkStore


@dataclass(frozen=True)
class CheckReport:
    articles: int = 0
    chunks: int = 0
    stray: dict[str, list[str]] = field(default_factory=dict)  # article -> chunk ids
    missing: dict[str, int] = field(default_factory=dict)  # article -> chunks not in Chroma
    lexical: dict[str, int] = field(default_factory=dict)  # article -> BM25 rows that differ

    @property
    def ok(self) -> bool:
        return not (self.stray or self.missing or self.lexical)

    @property
    def damaged(self) -> list[str]:
        """Articles that must be indexed again from their files."""
        return sorted(set(self.missing) | set(self.lexical))

    def lines(self) -> list[str]:
        """What is wrong, one line per article; empty when nothing is."""
        out = [
            f"{name}: {len(ids)} chunk{'s' * (len(ids) != 1)} in Chroma that the article "
            "table does not hold (left by an interrupted change)"
            for name, ids in sorted(self.stray.items())
        ]
        out += [
            f"{name}: {n} of its chunks missing from Chroma" for name, n in self.missing.items()
        ]
        out += [
            f"{name}: the BM25 index disagrees with the article table ({n} chunks)"
            for name, n in self.lexical.items()
        ]
        return out

    def summary(self) -> str:
        if self.ok:
            return f"index consistent: {self.articles} articles, {self.chunks} chunks"
        problems = len(set(self.stray) | set(self.missing) | set(self.lexical))
        return f"index inconsistent: {problems} article(s) of {self.articles} need repair"


def _article(cid: str) -> str:
    parsed = parse_chunk_id(cid)
    return parsed[0] if parsed else "(unknown)"


def check(store: ChunkStore) -> CheckReport:
    """Compare Chroma, BM25 and the article table of ``store``'s committed version."""
    records = store.articles()
    expected = {cid for record in records.values() for cid in expected_ids(record)}
    in_chroma = set(store.chroma_ids())
    stray: dict[str, list[str]] = {}
    for cid in sorted(in_chroma - expected):
        stray.setdefault(_article(cid), []).append(cid)
    missing = Counter(_article(cid) for cid in expected - in_chroma)
    live = Counter(_article(cid) for cid in store.lexical.chunk_ids())
    lexical = {
        name: abs(live.get(name, 0) - (records[name].chunks if name in records else 0))
        for name in set(live) | set(records)
        if live.get(name, 0) != (records[name].chunks if name in records else 0)
    }
    return CheckReport(
        len(records),
        len(expected),
        stray,
        dict(sorted(missing.items())),
        dict(sorted(lexical.items())),
    )


def repair(store: ChunkStore, report: CheckReport) -> list[str]:
    """Fix what ``report`` found (under the store's write lock); the lines say what."""
    if report.ok:
        return []
    done: list[str] = []
    damaged = report.damaged
    if damaged:
        store.remove(damaged)
        store.commit()
        done += [
            f"dropped {name} from the index, to be indexed again from its file" for name in damaged
        ]
    stray = [cid for ids in report.stray.values() for cid in ids]
    if stray:
        store.delete_chunks(stray)
        done += [
            f"deleted {len(ids)} stale chunk{'s' * (len(ids) != 1)} of {name}"
            for name, ids in sorted(report.stray.items())
        ]
    return done
