"""Hybrid retrieval: BM25 and dense (Chroma) candidates, fused by a weighted score.

Fusion, measured on eval/dev.jsonl (see eval/README.md): BM25 alone beats dense
MiniLM at rank 1 on these news questions, and equal-weight reciprocal-rank
fusion pulls BM25's good first hits down. A convex mix of max-normalised BM25
and the cosine keeps BM25 in charge while letting the dense score reorder
near-ties and rescue paraphrased questions that share few words with the text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from assistant.domain import Passage
from index.metadata import Metadata
from index.store import ChunkStore

BM25_WEIGHT = 0.6
CANDIDATES = 30


@dataclass(frozen=True)
class Fusion:
    bm25_weight: float = BM25_WEIGHT
    candidates: int = CANDIDATES


class HybridRetriever:
    """Ranked passages for a question, each with its fused score in [0, 1]."""

    def __init__(self, store: ChunkStore, fusion: Fusion | None = None) -> None:
        self._store = store
        self.fusion = fusion or Fusion()

    def retrieve(
        self,
        question: str,
        k: int,
        vector: np.ndarray | None = None,
        articles: Collection[str] | None = None,
    ) -> list[Passage]:
        """The best ``k`` passages, only from ``articles`` when given (source/date filters)."""
        store, w, n = self._store, self.fusion.bm25_weight, self.fusion.candidates
        if vector is None:
            vector = store.model.embed([question])[0]
        if articles is None:
            lexical = dict(store.lexical.search(question, n))
        else:
            hits = store.lexical.search(question, len(store.chunks))
            lexical = dict([h for h in hits if store.chunks[h[0]].article in articles][:n])
        dense = dict(store.dense_search(vector, n, articles))
        top_bm25 = max(lexical.values(), default=0.0) or 1.0
        for cid in lexical.keys() - dense.keys():  # a BM25 hit beyond the dense top-N
            dense[cid] = float(store.vectors[cid] @ vector)
        fused = {
            cid: w * lexical.get(cid, 0.0) / top_bm25 + (1 - w) * max(dense.get(cid, 0.0), 0.0)
            for cid in set(lexical) | set(dense)
        }
        ranked = sorted(fused, key=lambda c: (-fused[c], c))[:k]
        return [self._passage(cid, fused[cid]) for cid in ranked]

    def _passage(self, cid: str, score: float) -> Passage:
        chunk, meta = self._store.chunks[cid], self._store.metadata[cid]
        return Passage(
            article=chunk.article,
            start=chunk.start,
            end=chunk.end,
            text=chunk.text,
            score=round(score, 4),
            chunk_id=cid,
            sentences=chunk.sentences,
            title=meta.get("title"),
            date=meta.get("date"),
            source=meta.get("source"),
            dateline=meta.get("dateline"),
            month_day=Metadata(date=meta.get("date"), dateline=meta.get("dateline")).month_day,
        )
