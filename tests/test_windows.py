"""Retrieval windows: a passage is the best chunk joined with its better neighbour, still
exact article text, never shown twice; and the short answer picks among several names by
how often the retrieved articles repeat them."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from assistant.question import analyse
from assistant.retrieval import Fusion, HybridRetriever, window_of
from tests.conftest import SEEDS

QUESTIONS = (
    "Who invited Wang Yi to Moscow?",
    "Where did Lavrov and Wang meet in July?",
    "What did the ministers say about Ukraine?",
    "Which militant group claimed the concert hall attack?",
)


@pytest.mark.parametrize("text", QUESTIONS)
def test_windows_are_exact_article_text_and_do_not_overlap(seed_assistant: Any, text: str) -> None:
    question = analyse(text, seed_assistant.store.model)
    passages = seed_assistant.retriever.retrieve(question, 5)
    assert passages
    for p in passages:
        article = (SEEDS / p.article).read_text(encoding="utf-8")
        assert p.text == article[p.start : p.end]
        assert all(p.start <= s < e <= p.end for s, e in p.sentences)
        assert len(p.sentence_vectors) == len(p.sentences)
    spans = sorted((p.article, p.start, p.end) for p in passages)
    for (a1, _, e1), (a2, s2, _) in itertools.pairwise(spans):
        assert a1 != a2 or e1 <= s2, "a chunk was shown twice"


def test_a_window_joins_two_chunks_and_keeps_the_best_ones_score(seed_assistant: Any) -> None:
    store = seed_assistant.store
    question = analyse("Who invited Wang Yi to Moscow?", store.model)
    single = HybridRetriever(store, Fusion(windows=False)).retrieve(question, 5)
    windows = HybridRetriever(store).retrieve(question, 5)
    assert windows[0].chunk_id == single[0].chunk_id
    assert windows[0].score == single[0].score
    assert windows[0].start <= single[0].start and single[0].end <= windows[0].end
    assert any(len(w.sentences) > len(s.sentences) for w, s in zip(windows, single, strict=False))


def test_a_window_whose_gap_is_unknown_is_the_chunk_alone(seed_assistant: Any) -> None:
    store = seed_assistant.store
    ids = sorted(store.lexical.chunk_ids([sorted(store.articles())[0]]))[:2]
    left, right = (store.fetch(ids)[cid] for cid in ids)
    joined = window_of([left, right], left.chunk.id, 0.5, 0.4, 0.3, 1)
    assert (joined.start, joined.end) == (left.chunk.start, right.chunk.end)
    older = replace(left, meta={k: v for k, v in left.meta.items() if k != "next_gap"})
    alone = window_of([older, right], left.chunk.id, 0.5, 0.4, 0.3, 1)
    assert (alone.start, alone.end, alone.text) == (
        left.chunk.start,
        left.chunk.end,
        left.chunk.text,
    )


def test_windows_are_planned_from_the_article_table(seed_assistant: Any) -> None:
    """Neighbours are looked up without reading Chroma: a chunk id is held only while its
    article's current version has that many chunks."""
    store = seed_assistant.store
    article, record = sorted(store.articles().items())[0]
    ids = store.lexical.chunk_ids([article])
    assert len(ids) == record.chunks and all(store.holds(cid) for cid in ids)
    head = ids[0].rpartition(":")[0]
    assert not store.holds(f"{head}:{record.chunks}")  # past the last chunk
    assert not store.holds(f"{head}:-1")
    stale = f"{article}:{'0' * 12}:0"  # an older version of the article
    assert record.sha256[:12] != "0" * 12 and not store.holds(stale)
    assert not store.holds("no-such-article.txt:abcdefabcdef:0")
