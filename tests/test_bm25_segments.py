"""BM25 grown piece by piece (additions, changes, deletions, compactions, save/load round
trips) ranks exactly like an index built at once, and merged segments equal a fresh build."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex


def _docs(rng: random.Random, vocab: list[str], article: str, n: int) -> list[list[str]]:
    return [rng.choices(vocab, k=rng.randint(5, 60)) for _ in range(n)]


def _grow(seed: int = 3) -> tuple[LexicalIndex, dict[str, list[list[str]]], list[str]]:
    """An index grown one article at a time with changes, deletions, compactions and
    save/load round trips; returns it with the live articles' documents."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    live: dict[str, list[list[str]]] = {}
    grown = LexicalIndex()
    for step in range(120):
        name = f"art{rng.randrange(60):03d}"
        if name in live and rng.random() < 0.3:
            grown.remove_articles({name})
            del live[name]
        else:  # add, or change (new chunk ids, the old ones tombstoned)
            docs = _docs(rng, vocab, name, rng.randint(1, 6))
            grown.remove_articles({name})
            grown.add([f"{name}:{step}:{i}" for i in range(len(docs))], [name] * len(docs), docs)
            live[name] = docs
        grown.compact()
    return grown, live, vocab


def _ids(live: dict[str, list[list[str]]], grown: LexicalIndex) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in live:
        out[name] = sorted(grown.chunk_ids({name}), key=lambda c: int(c.rsplit(":", 1)[1]))
    return out


def _full_build(grown: LexicalIndex, live: dict[str, list[list[str]]]) -> LexicalIndex:
    ids = _ids(live, grown)
    full = LexicalIndex()
    names = sorted(live)
    full.add(
        [cid for n in names for cid in ids[n]],
        [n for n in names for _ in live[n]],
        [doc for n in names for doc in live[n]],
    )
    return full


def _assert_same_ranking(a: LexicalIndex, b: LexicalIndex, vocab: list[str]) -> None:
    rng = random.Random(11)
    assert a.size == b.size and sorted(a.chunk_ids()) == sorted(b.chunk_ids())
    for _ in range(40):
        query = rng.choices(vocab, k=rng.randint(1, 5))
        got, want = a.search(query, 15), b.search(query, 15)
        assert [c for c, _ in got] == [c for c, _ in want], query
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
        for term in query:
            assert a.df(term) == b.df(term) and a.articles_with(term) == b.articles_with(term)
    scope = {"art001", "art002", "art010"}
    assert a.search(vocab[:5], 10, include=scope) == b.search(vocab[:5], 10, include=scope)
    assert a.search(vocab[:5], 10, exclude=scope) == b.search(vocab[:5], 10, exclude=scope)


def test_incremental_bm25_ranks_like_a_full_rebuild(tmp_path: Path) -> None:
    grown, live, vocab = _grow()
    assert len(grown.segments) > 1, "the test must compare a segmented index"
    full = _full_build(grown, live)
    _assert_same_ranking(grown, full, vocab)
    grown.save(tmp_path / "grown")
    reloaded = LexicalIndex.load(tmp_path / "grown")
    assert reloaded is not None
    _assert_same_ranking(reloaded, full, vocab)
    reloaded.compact(force=True)
    _assert_same_ranking(reloaded, full, vocab)


def test_tombstones_survive_save_and_load(tmp_path: Path) -> None:
    grown, live, vocab = _grow(seed=5)
    grown.save(tmp_path / "bm25")
    gone = sorted(live)[0]
    grown.remove_articles({gone})
    del live[gone]
    grown.save(tmp_path / "bm25")  # only tombstones change
    reloaded = LexicalIndex.load(tmp_path / "bm25")
    assert reloaded is not None and not reloaded.chunk_ids({gone})
    _assert_same_ranking(reloaded, _full_build(grown, live), vocab)


def test_merged_segments_equal_a_fresh_build() -> None:
    from index.segments import Segment, merge

    a = Segment.build(["x:1", "x:2", "x:3"], ["x"] * 3, [["ab", "c"], ["gone"], ["c", "d" * 30]])
    b = Segment.build(["y:1"], ["y"], [["zz", "ab", "ab", "é"]])
    a.dead[1] = True
    merged = merge([a, b])
    fresh = Segment.build(
        ["x:1", "x:3", "y:1"],
        ["x", "x", "y"],
        [["ab", "c"], ["c", "d" * 30], ["zz", "ab", "ab", "é"]],
    )
    for name in ("terms", "indptr", "rows", "tf", "ids", "articles", "lengths", "dead"):
        assert np.array_equal(getattr(merged, name), getattr(fresh, name)), name
