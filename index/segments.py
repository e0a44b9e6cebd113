"""The segments of the BM25 index: one ingest batch each, as numpy arrays.

A ``Segment`` holds raw term frequencies as a term-major sparse matrix (sorted terms,
postings by term), and per row a chunk id, an article name, a document length and a
tombstone. ``merge`` rebuilds one segment from the live rows of several, exactly as a fresh
build would. ``encode`` is the fixed-width byte encoding every string array here uses.
On disk a segment is one folder of ``.npy`` files, loaded memory-mapped (tombstones
excepted, which change in place). Scoring and the manifest live in ``index.lexical``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def encode(items: Iterable[str]) -> np.ndarray:
    """UTF-8 bytes in a fixed-width numpy array (compact, sortable, searchable)."""
    data = [s.encode("utf-8") for s in items]
    return np.array(data, dtype=f"S{max((len(d) for d in data), default=1) or 1}")


@dataclass
class Segment:
    """One batch of chunks: postings by term, plus per-row id, article and length."""

    terms: np.ndarray  # sorted S-array of terms
    indptr: np.ndarray  # postings of terms[i] are rows[indptr[i]:indptr[i+1]]
    rows: np.ndarray  # int32 row numbers within the segment
    tf: np.ndarray  # uint16 term frequencies
    ids: np.ndarray  # S-array of chunk ids, one per row
    articles: np.ndarray  # S-array of article ids, one per row
    lengths: np.ndarray  # int32 document lengths in terms
    dead: np.ndarray  # bool tombstones, one per row

    @classmethod
    def build(cls, ids: Sequence[str], articles: Sequence[str], docs: Sequence[list[str]]):
        triples: dict[str, list[tuple[int, int]]] = {}
        for row, doc in enumerate(docs):
            for term, count in Counter(doc).items():
                triples.setdefault(term, []).append((row, min(count, 65535)))
        vocab = sorted(triples, key=lambda t: t.encode("utf-8"))
        sizes = [len(triples[t]) for t in vocab]
        postings = [p for t in vocab for p in triples[t]]
        return cls(
            terms=encode(vocab),
            indptr=np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64),
            rows=np.array([r for r, _ in postings], dtype=np.int32),
            tf=np.array([c for _, c in postings], dtype=np.uint16),
            ids=encode(ids),
            articles=encode(articles),
            lengths=np.array([len(d) for d in docs], dtype=np.int32),
            dead=np.zeros(len(ids), dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def postings(self, term: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Live rows holding ``term`` and their term frequencies."""
        i = int(np.searchsorted(self.terms, term))
        if i >= len(self.terms) or self.terms[i] != term:
            return np.zeros(0, np.int32), np.zeros(0, np.uint16)
        rows = self.rows[self.indptr[i] : self.indptr[i + 1]]
        tf = self.tf[self.indptr[i] : self.indptr[i + 1]]
        live = ~self.dead[rows]
        return rows[live], tf[live]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("terms", "indptr", "rows", "tf", "ids", "articles", "lengths", "dead"):
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, dead_file: str = "dead.npy") -> Segment:
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ("terms", "indptr", "rows", "tf", "ids", "articles", "lengths")
        }
        dead = np.load(folder / dead_file, allow_pickle=False).copy()
        return cls(**arrays, dead=dead)


def merge(segments: Sequence[Segment]) -> Segment:
    """One segment holding the live rows of ``segments``, as a fresh build would."""
    ids: list[np.ndarray] = []
    articles: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    keep_maps: list[np.ndarray] = []
    taken = 0
    for seg in segments:
        live = np.flatnonzero(~seg.dead)
        new_row = np.full(len(seg), -1, dtype=np.int64)
        new_row[live] = np.arange(len(live)) + taken
        taken += len(live)
        keep_maps.append(new_row)
        ids.append(np.asarray(seg.ids[live]))
        articles.append(np.asarray(seg.articles[live]))
        lengths.append(np.asarray(seg.lengths[live]))
    vocab = _widen([np.asarray(seg.terms) for seg in segments])
    vocab = np.unique(vocab) if len(vocab) else vocab
    tids, rows, tf = _postings(segments, keep_maps, vocab)
    order = np.lexsort((rows, tids))  # term ids, not term strings: 4 bytes a posting
    tids, rows, tf = tids[order], rows[order], tf[order]
    starts = np.flatnonzero(np.r_[True, tids[1:] != tids[:-1]]) if len(tids) else tids
    n_rows = sum(len(i) for i in ids)
    cat = lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dt)  # noqa: E731
    return Segment(
        terms=vocab[tids[starts]] if len(tids) else encode([]),
        indptr=np.append(starts, len(tids)).astype(np.int64),
        rows=rows,
        tf=tf,
        ids=_widen(ids),
        articles=_widen(articles),
        lengths=cat(lengths, np.int32).astype(np.int32),
        dead=np.zeros(n_rows, dtype=bool),
    )


def _postings(
    segments: Sequence[Segment], keep_maps: list[np.ndarray], vocab: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The live postings of ``segments`` as (global term id, new row, tf) arrays."""
    all_tids: list[np.ndarray] = []
    all_rows: list[np.ndarray] = []
    all_tf: list[np.ndarray] = []
    for seg, new_row in zip(segments, keep_maps, strict=True):
        local = np.searchsorted(vocab, np.asarray(seg.terms).astype(vocab.dtype))
        mapped = new_row[np.asarray(seg.rows)]
        ok = mapped >= 0
        all_tids.append(np.repeat(local.astype(np.int32), np.diff(seg.indptr))[ok])
        all_rows.append(mapped[ok].astype(np.int32))
        all_tf.append(np.asarray(seg.tf)[ok].astype(np.uint16))
    if not all_tids:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.uint16)
    return np.concatenate(all_tids), np.concatenate(all_rows), np.concatenate(all_tf)


def _widen(parts: list[np.ndarray]) -> np.ndarray:
    if not parts or not sum(len(p) for p in parts):
        return encode([])
    width = max(p.dtype.itemsize for p in parts)
    return np.concatenate([p.astype(f"S{width}") for p in parts])
