"""Hybrid retrieval: BM25 and dense (Chroma) candidates, fused by a weighted score.

Fusion: a convex mix of max-normalised BM25 and the cosine, over the union of both
candidate lists (a BM25 hit beyond the dense top-N gets its true cosine). The weight (0.3)
and depth (30) were chosen on the rtqa-dev corpus: `make train` prints hit@1 and MRR@10
for BM25 alone, dense alone, each weight and each depth (eval/README.md).
Only the chunks a query needs are read from Chroma.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

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
        ranked = sorted(fused, key=lambda c: (-fused[c], c))[:k]
        stored = self._store.fetch(ranked)
        return [
            passage_of(stored[cid], fused[cid], dense.get(cid, 0.0), lexical.get(cid, 0.0), rank)
            for rank, cid in enumerate(ranked, start=1)
            if cid in stored
        ]


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
        title=meta.get("title"),
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
