"""BM25 over the same chunks as Chroma: segmented, incremental, persisted as numpy arrays.

Each ingest batch becomes a segment holding raw term frequencies (a term-major sparse
matrix), document lengths, chunk ids and article names. Deletions are tombstones. Scores
are computed at query time from the live global statistics (document count, average
length, document frequency), so an index grown one article at a time ranks exactly as one
built at once; segments are merged when there are many or when many rows are dead.

Nothing here holds a Python object per chunk: ids, lengths and postings are numpy arrays,
loaded memory-mapped. The segments themselves (build, merge, files) are ``index.segments``;
this module scores them, changes them and keeps their manifest.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import time
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from index.errors import StoreError
from index.segments import Segment, encode, merge
from index.terms import TERMS_VERSION

K1, B = 1.5, 0.75
MAX_SEGMENTS = 8
MAX_DEAD_SHARE = 0.25
FORMAT = f"newsqa-bm25-v3-terms{TERMS_VERSION}"


class LexicalIndex:
    """BM25 over segments; ``search`` returns only chunks that match some query term."""

    def __init__(self, segments: list[Segment] | None = None) -> None:
        self.segments: list[Segment] = segments or []
        self.extra: dict = {}  # what the store keeps in the manifest (the article table)
        self._saved: set[int] = set()  # segments whose postings are on disk
        self._dead_changed: set[int] = set()  # saved segments with new tombstones

    # -- statistics -----------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Live chunks."""
        return int(sum(len(s) - int(s.dead.sum()) for s in self.segments))

    def _total_length(self) -> int:
        return int(sum(int(np.asarray(s.lengths)[~s.dead].sum()) for s in self.segments))

    def df(self, term: str) -> int:
        key = term.encode("utf-8")
        return sum(len(s.postings(key)[0]) for s in self.segments)

    def idf(self, term: str, df: int | None = None) -> float:
        n, df = self.size, self.df(term) if df is None else df
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def articles_with(self, term: str) -> set[str]:
        """The articles some live chunk of which holds ``term``."""
        key = term.encode("utf-8")
        found: set[str] = set()
        for s in self.segments:
            rows, _ = s.postings(key)
            found.update(a.decode("utf-8") for a in np.unique(np.asarray(s.articles)[rows]))
        return found

    # -- search ---------------------------------------------------------------------------
    def search(
        self,
        query_terms: Collection[str],
        n: int,
        include: Collection[str] | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """Best ``n`` chunks by BM25, only from ``include`` articles when given, never from
        ``exclude``; ties broken by chunk id."""
        size = self.size
        if not size or n <= 0 or not query_terms:
            return []
        avgdl = self._total_length() / size
        keys = [t.encode("utf-8") for t in dict.fromkeys(query_terms)]
        hits: list[tuple[np.ndarray, np.ndarray]] = []
        dfs = {k: sum(len(s.postings(k)[0]) for s in self.segments) for k in keys}
        idf = {k: math.log(1.0 + (size - d + 0.5) / (d + 0.5)) for k, d in dfs.items()}
        for seg in self.segments:
            scores = self._segment_scores(seg, keys, idf, avgdl)
            if scores is None:
                continue
            allowed = _allowed(seg, include, exclude)
            if allowed is not None:
                scores[~allowed] = 0.0
            top = _top(scores, n)
            hits.append((np.asarray(seg.ids)[top], scores[top]))
        if not hits:
            return []
        ids = np.concatenate([h[0] for h in hits])
        scores = np.concatenate([h[1] for h in hits])
        ranked = sorted(
            zip(ids.tolist(), scores.tolist(), strict=True), key=lambda x: (-x[1], x[0])
        )
        return [(cid.decode("utf-8"), float(s)) for cid, s in ranked[:n] if s > 0]

    @staticmethod
    def _segment_scores(
        seg: Segment, keys: list[bytes], idf: dict[bytes, float], avgdl: float
    ) -> np.ndarray | None:
        scores: np.ndarray | None = None
        norm = K1 * (1 - B + B * np.asarray(seg.lengths, dtype=np.float32) / max(avgdl, 1e-9))
        for key in keys:
            rows, tf = seg.postings(key)
            if not len(rows):
                continue
            if scores is None:
                scores = np.zeros(len(seg), dtype=np.float32)
            f = tf.astype(np.float32)
            scores[rows] += idf[key] * f * (K1 + 1) / (f + norm[rows])
        return scores

    # -- changes --------------------------------------------------------------------------
    def add(self, ids: Sequence[str], articles: Sequence[str], docs: Sequence[list[str]]) -> None:
        if ids:
            self.segments.append(Segment.build(ids, articles, docs))

    def remove_articles(self, names: Collection[str]) -> None:
        """Mark dead the live rows of the articles ``names``."""
        if not names:
            return
        wanted = encode(names)
        for seg in self.segments:
            hit = np.isin(np.asarray(seg.articles), wanted) & ~seg.dead
            if hit.any():
                seg.dead = seg.dead | hit
                self._dead_changed.add(id(seg))

    def chunk_ids(self, articles: Collection[str] | None = None) -> list[str]:
        """Live chunk ids, of ``articles`` only when given (for deletes and checks)."""
        out: list[str] = []
        wanted = encode(articles) if articles is not None else None
        for seg in self.segments:
            keep = ~seg.dead
            if wanted is not None:
                keep &= np.isin(np.asarray(seg.articles), wanted)
            out.extend(x.decode("utf-8") for x in np.asarray(seg.ids)[keep])
        return out

    def compact(self, force: bool = False) -> None:
        """Merge all segments when many rows are dead (or ``force``); when there are too
        many segments, merge the smaller half (tiered, so growing an index one batch at a
        time costs O(N log N) in all)."""
        total = sum(len(s) for s in self.segments)
        dead = sum(int(s.dead.sum()) for s in self.segments)
        if force or (total and dead / total > MAX_DEAD_SHARE):
            chosen = list(self.segments)
        elif len(self.segments) > MAX_SEGMENTS:
            chosen = sorted(self.segments, key=len)[: len(self.segments) // 2 + 1]
        else:
            return
        merged = merge(chosen)
        keep = [s for s in self.segments if all(s is not c for c in chosen)]
        self.segments = keep + ([merged] if len(merged) else [])

    # -- persistence ----------------------------------------------------------------------
    def save(self, folder: Path, extra: dict | None = None) -> None:
        """Write new segments and changed tombstones (under new names), then swap in the
        manifest that names them, with ``extra``: one atomic commit. Files the new manifest
        no longer names are removed afterwards (a reader that loaded the old manifest keeps
        its memory-mapped arrays; one loading just then retries)."""
        folder.mkdir(parents=True, exist_ok=True)
        entries: list[dict[str, str]] = []
        for seg in self.segments:
            name = getattr(seg, "_name", None)
            if name is None or id(seg) not in self._saved:
                name = _fresh_name(folder)
                seg.save(folder / name)
                seg._name, seg._dead_file = name, "dead.npy"  # type: ignore[attr-defined]
                self._saved.add(id(seg))
            elif id(seg) in self._dead_changed:
                dead_file = f"dead-{uuid.uuid4().hex[:12]}.npy"
                np.save(folder / name / dead_file, seg.dead, allow_pickle=False)
                seg._dead_file = dead_file  # type: ignore[attr-defined]
            entries.append({"name": name, "dead": seg._dead_file})  # type: ignore[attr-defined]
        self._dead_changed.clear()
        if extra is not None:
            self.extra = extra
        manifest = {"format": FORMAT, "segments": entries, **self.extra}
        staging = folder / f"manifest.json.{uuid.uuid4().hex[:8]}.tmp"
        staging.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        staging.replace(folder / "manifest.json")
        _collect(folder, entries)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index; None when there is none. ``StoreError`` when it is unreadable."""
        manifest = folder / "manifest.json"
        if not manifest.exists():
            return None
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:  # older terms: the store rebuilds it from Chroma
                raise ValueError(f"it was built as {data.get('format')!r}, not {FORMAT!r}")
            index = cls()
            for entry in data["segments"]:
                seg = Segment.load(folder / entry["name"], entry["dead"])
                seg._name, seg._dead_file = entry["name"], entry["dead"]  # type: ignore[attr-defined]
                index.segments.append(seg)
                index._saved.add(id(seg))
            index._check()
            index.extra = {k: v for k, v in data.items() if k not in ("format", "segments")}
            return index
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise StoreError(f"the BM25 index in {folder} cannot be read ({exc})") from exc

    def _check(self) -> None:
        for seg in self.segments:
            n = len(seg.ids)
            if not (len(seg.articles) == len(seg.lengths) == len(seg.dead) == n):
                raise ValueError("segment arrays disagree in length")
            if len(seg.indptr) != len(seg.terms) + 1 or int(seg.indptr[-1]) != len(seg.rows):
                raise ValueError("segment postings are truncated")


def _collect(folder: Path, entries: list[dict[str, str]]) -> None:
    """Remove the segments and tombstone files that ``entries`` (the manifest) do not name."""
    named = {e["name"]: e["dead"] for e in entries}
    for path in folder.glob("seg-*"):
        if path.name not in named:
            shutil.rmtree(path, ignore_errors=True)
            continue
        for dead in path.glob("dead*.npy"):
            if dead.name != named[path.name]:
                dead.unlink(missing_ok=True)
    for stale in folder.glob("manifest.json.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > 60:
                stale.unlink()


def _fresh_name(folder: Path) -> str:
    """A segment name never used before (a reader may still be loading a removed one)."""
    while (folder / (name := f"seg-{uuid.uuid4().hex[:12]}")).exists():
        continue
    return name


def _allowed(seg: Segment, include: Collection[str] | None, exclude: Collection[str]):
    if include is None and not exclude:
        return None
    names = np.asarray(seg.articles)
    ok = np.ones(len(seg), dtype=bool)
    if include is not None:
        ok &= np.isin(names, encode(include)) if include else False
    if exclude:
        ok &= ~np.isin(names, encode(exclude))
    return ok


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest positive scores (argpartition, not a full sort), and of
    every score tied with the ``n``-th, so that the caller's tie-break by chunk id decides."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        nth = -np.partition(-scores[positive], n - 1)[n - 1]
        positive = positive[scores[positive] >= nth]
    return positive
