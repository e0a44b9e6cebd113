"""Hybrid retrieval: BM25 and dense (Chroma) candidates, fused by a weighted score.

Fusion: a convex mix of max-normalised BM25 and the cosine, over the union of both
candidate lists (a BM25 hit beyond the dense top-N gets its true cosine). The weight (0.3)
and depth (30) were chosen on the rtqa-dev corpus: `make train` prints hit@1 and MRR@10
for BM25 alone, dense alone, each weight and each depth (eval/README.md).
Only the chunks a query needs are read from Chroma.

Windows: a passage is the best chunk joined with its better-scoring neighbour (the text
between them is stored at ingest, so the window is still exact article text). News
evidence often straddles a chunk boundary, and an answer's context (who, where) sits a
paragraph away; on rtqa-dev this raised hit@1 from 0.62 to 0.70 (eval/README.md). A chunk
already shown inside a better window is not shown again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.domain import Passage
from assistant.question import Question
from index.metadata import Metadata
from index.records import StoredChunk
from index.store import ChunkStore

BM25_WEIGHT = 0.3
CANDIDATES = 30


@dataclass(frozen=True)
class Fusion:
    bm25_weight: float = BM25_WEIGHT
    candidates: int = CANDIDATES
    windows: bool = True


@dataclass(frozen=True)
class Scope:
    """Which articles may be cited: only ``include`` when given, never ``exclude``."""

    include: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()

    @classmethod
    def of(cls, articles: Collection[str] | None) -> Scope:
        return cls(frozenset(articles) if articles is not None else None)


class HybridRetriever:
    """Ranked passages for a question, each with its fused score in [0, 1]."""

    def __init__(self, store: ChunkStore, fusion: Fusion | None = None) -> None:
        self._store = store
        self.fusion = fusion or Fusion()

    def scores(self, question: Question, scope: Scope) -> tuple[dict[str, float], dict[str, float]]:
        """BM25 and cosine scores of the candidate chunks (both legs' top N, united)."""
        store, n = self._store, self.fusion.candidates
        lexical = dict(store.lexical.search(question.query_terms, n, scope.include, scope.exclude))
        dense = dict(store.dense_search(question.vector, n, scope.include, scope.exclude))
        missing = [cid for cid in lexical if cid not in dense]
        for cid, vec in store.vectors_of(missing).items():
            dense[cid] = float(vec @ question.vector)
        return lexical, dense

    def fuse(self, lexical: dict[str, float], dense: dict[str, float]) -> dict[str, float]:
        w = self.fusion.bm25_weight
        top_bm25 = max(lexical.values(), default=0.0) or 1.0
        return {
            cid: w * lexical.get(cid, 0.0) / top_bm25 + (1 - w) * max(dense.get(cid, 0.0), 0.0)
            for cid in set(lexical) | set(dense)
        }

    def retrieve(self, question: Question, k: int, scope: Scope | None = None) -> list[Passage]:
        """The best ``k`` passages within ``scope``."""
        lexical, dense = self.scores(question, scope or Scope())
        fused = self.fuse(lexical, dense)
        ranked = sorted(fused, key=lambda c: (-fused[c], c))
        if not self.fusion.windows:
            stored = self._store.fetch(ranked[:k])
            return [
                passage_of(stored[cid], fused[cid], dense.get(cid, 0.0), lexical.get(cid, 0.0), r)
                for r, cid in enumerate((c for c in ranked[:k] if c in stored), start=1)
            ]
        return self._windows(ranked[: 2 * k], fused, dense, lexical, k)

    def _windows(self, centres, fused, dense, lexical, k: int) -> list[Passage]:
        """Windows planned from the article table, then only their chunks read."""
        plan = plan_windows(centres, fused, self._store.holds, k)
        stored = self._store.fetch(list(dict.fromkeys(m for _, ms in plan for m in ms)))
        plan = [(c, [m for m in ms if m in stored]) for c, ms in plan if c in stored]
        return [
            window_of(
                [stored[m] for m in members],
                centre,
                fused[centre],
                dense.get(centre, 0.0),
                lexical.get(centre, 0.0),
                rank,
            )
            for rank, (centre, members) in enumerate(plan, start=1)
        ]


def plan_windows(
    centres: Sequence[str], scores: Mapping[str, float], exists: Callable[[str], bool], k: int
) -> list[tuple[str, list[str]]]:
    """Up to ``k`` windows, best first: each centre chunk (in ``centres`` order) with its
    better-scoring neighbour (the next one on a tie), skipping chunks already shown.
    Returns (centre, member ids in reading order)."""
    out: list[tuple[str, list[str]]] = []
    shown: set[str] = set()
    for cid in centres:
        if cid in shown or not exists(cid):
            continue
        before, after = _neighbours(cid)
        side = [n for n in (before, after) if n not in shown and exists(n)]
        side.sort(key=lambda n: (-scores.get(n, 0.0), n != after))
        members = [before, cid] if side[:1] == [before] else [cid, *side[:1]]
        shown.update(members)
        out.append((cid, members))
        if len(out) == k:
            break
    return out


def _neighbours(chunk_id: str) -> tuple[str, str]:
    """The ids of the chunks before and after (ids end in ``:<index>``)."""
    head, _, index = chunk_id.rpartition(":")
    n = int(index) if index.isdigit() else -2
    return f"{head}:{n - 1}", f"{head}:{n + 1}"


def window_of(
    parts: list[StoredChunk], centre: str, score: float, cosine: float, bm25: float, rank: int
) -> Passage:
    """Adjacent chunks as one passage, joined by the text stored between them; the centre
    chunk alone when that text is unknown."""
    first = passage_of(next(p for p in parts if p.chunk.id == centre), score, cosine, bm25, rank)
    if len(parts) == 1:
        return first
    left, right = parts
    gap = left.meta.get("next_gap")
    if not isinstance(gap, str) or left.chunk.end + len(gap) != right.chunk.start:
        return first
    a, b = left.sentence_vectors, right.sentence_vectors
    joined = np.zeros((0, 0), np.float32)
    if a is not None and b is not None and len(a) and len(b):
        joined = np.vstack([a, b])
    return replace(
        first,
        start=left.chunk.start,
        end=right.chunk.end,
        text=left.chunk.text + gap + right.chunk.text,
        sentences=left.chunk.sentences + right.chunk.sentences,
        chunk_index=left.chunk.index,
        sentence_vectors=joined,
    )


def passage_of(item: StoredChunk, score: float, cosine: float, bm25: float, rank: int) -> Passage:
    chunk, meta = item.chunk, item.meta
    return Passage(
        article=chunk.article,
        start=chunk.start,
        end=chunk.end,
        text=chunk.text,
        score=round(score, 4),
        chunk_id=chunk.id,
        sentences=chunk.sentences,
        title=meta.get("title") or meta.get("lead"),
        title_source=meta.get("title_source"),
        date=meta.get("date"),
        source=meta.get("source"),
        dateline=meta.get("dateline"),
        month_day=Metadata(date=meta.get("date"), dateline=meta.get("dateline")).month_day,
        chunk_index=int(meta.get("index", 0)),
        rank=rank,
        cosine=round(cosine, 4),
        bm25=round(bm25, 4),
        sentence_vectors=item.sentence_vectors
        if item.sentence_vectors is not None
        else np.zeros((0, 0), np.float32),
    )
