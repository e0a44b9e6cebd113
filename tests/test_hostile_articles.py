"""Hostile articles that are indexed all the same, within bounds: bad sidecars beside every
seed (each article kept, the sidecar named in a warning, reread once fixed), a repetitive
article (each chunk text stored once), an article over the chunk limit (indexed, with a
warning) and a line of thousands of periods (split in bounded sentences).

The bad files that are skipped by name are the table in test_hostile_files.py; both start
from a private copy of one index of the seeds (the `world` fixture, conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hostile import SEED_NAMES, assert_seeds_answerable, settings_for


def test_a_long_line_with_many_periods_is_split_in_bounded_pieces() -> None:
    """The line that made nltk's guarded regex give up (a TimeoutError) after 5 seconds."""
    from index.sentences import MAX_SENTENCE_CHARS, split_sentences

    text = "Initials\n" + "A. " * 200_000 + "\nLast sentence here."
    spans = split_sentences(text, 9, len(text))
    assert spans and all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert text[spans[-1][0] : spans[-1][1]] == "Last sentence here."
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


# --- issue 21: a bad sidecar never costs an article ------------------------------------------


def test_bad_sidecars_beside_every_seed_keep_every_article_and_are_reread_once_fixed(
    world: dict[str, Path], model: Any
) -> None:
    from index.factory import open_store
    from index.ingest import ingest

    seeds = sorted(SEED_NAMES)
    bad = ["{not json", '{"title": 5}', '{"date": "2024-13-45"}', "[]", '{"url": 7}']
    for name, sidecar in zip(seeds, bad, strict=True):
        (world["corpus"] / (Path(name).stem + ".meta.json")).write_text(sidecar, encoding="utf-8")
    store = open_store(settings_for(world), model)
    before = store.articles()
    report = ingest(world["corpus"], store, bar=False)
    assert report.removed == 0 and set(store.articles()) == set(before)
    assert len(report.warnings) == 5 and not report.skipped
    assert all(r.meta == before[r.id].meta for r in store.articles().values())
    assert any(
        "000_" in w and "meta.json: " in w and "not a readable JSON" in w for w in report.warnings
    )
    assert any("field 'title' must be a string, not 5" in w for w in report.warnings)
    assert_seeds_answerable(store, settings_for(world), world["corpus"])

    fixed = Path(seeds[2]).stem + ".meta.json"
    (world["corpus"] / fixed).write_text('{"date": "2024-12-13", "title": "Fixed"}', "utf-8")
    again = ingest(world["corpus"], store, bar=False)
    assert (again.updated, again.removed, len(again.warnings)) == (1, 0, 4)
    meta = store.articles()[seeds[2]].meta
    assert (meta.title, meta.date) == ("Fixed", "2024-12-13")


# --- issue 21: one repetitive article cannot flood the results --------------------------------


def test_a_repetitive_article_stores_each_chunk_text_once(
    world: dict[str, Path], model: Any
) -> None:
    from index.articles import load_article
    from index.chunking import chunk_article
    from index.factory import open_store
    from index.ingest import ingest

    unit = "The harbour wall was inspected again. Divers checked the moorings of the ferry. "
    (world["corpus"] / "repeat.txt").write_text("Storm notes\n\n" + unit * 400, encoding="utf-8")
    raw = chunk_article(load_article(world["corpus"] / "repeat.txt"))
    store = open_store(settings_for(world), model)
    report = ingest(world["corpus"], store, bar=False)
    assert report.added == 1 and report.unchanged == 5
    kept = store.articles()["repeat.txt"].chunks
    texts = [" ".join(c.text.split()) for c in raw]
    assert kept == len(set(texts)) <= 4 < len(raw) == 39
    stored = store.fetch(store.lexical.chunk_ids({"repeat.txt"}))
    assert sorted(s.chunk.index for s in stored.values()) == list(range(kept))
    answer = store_answer(store, world, "Who checked the moorings of the ferry?")
    assert len({p.chunk_id for p in answer.passages}) == len(answer.passages)
    assert_seeds_answerable(store, settings_for(world), world["corpus"])


def store_answer(store: Any, world: dict[str, Path], question: str) -> Any:
    from assistant.factory import assistant_for

    answer = assistant_for(store, settings_for(world)).ask(question)
    for p in answer.passages:
        assert (world["corpus"] / p.article).read_text(encoding="utf-8")[p.start : p.end] == p.text
    return answer


def test_an_article_over_the_chunk_limit_is_indexed_with_a_warning_naming_it(
    world: dict[str, Path], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.ingest
    from index.factory import open_store
    from index.ingest import ingest

    monkeypatch.setattr(index.ingest, "MAX_ARTICLE_CHUNKS", 3)
    text = "Long report\n\n" + "".join(
        f"Paragraph {i} reports that the harbour crane number {i} was repaired on day {i}.\n\n"
        for i in range(60)
    )
    (world["corpus"] / "long.txt").write_text(text, encoding="utf-8")
    store = open_store(settings_for(world), model)
    report = ingest(world["corpus"], store, bar=False)
    assert report.added == 1 and store.articles()["long.txt"].chunks > 3
    assert [w for w in report.warnings if w.startswith("long.txt has ")]
    assert "(over 3): indexed" in report.warnings[0]
