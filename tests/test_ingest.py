"""Incremental, idempotent ingest into a real Chroma + BM25 under tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.errors import IndexMismatchError
from index.factory import open_store
from index.ingest import ingest
from tests.conftest import build_index


def test_second_run_changes_nothing_and_embeds_nothing(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    before = set(store.chunks)
    report = ingest(corpus, store, bar=False)
    assert (report.added, report.updated, report.removed, report.embedded) == (0, 0, 0, 0)
    assert report.unchanged == 5
    assert set(open_store(settings, model).chunks) == before


def test_editing_one_file_reembeds_only_that_file(tmp_path: Path, corpus: Path, model: Any) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    edited = corpus / "002_72a2f02afa1bcb5f.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe talks ended at noon.\n", "utf-8")
    untouched = {c for c, ch in store.chunks.items() if ch.article != edited.name}
    report = ingest(corpus, store, bar=False)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 4)
    assert report.embedded == sum(1 for ch in store.chunks.values() if ch.article == edited.name)
    reopened = open_store(settings, model)
    assert untouched <= set(reopened.chunks)
    assert any("ended at noon" in ch.text for ch in reopened.chunks.values())
    assert next(cid for cid, _ in reopened.lexical.search("ended at noon", 3)).startswith(
        edited.name
    )


def test_deleted_file_is_removed_from_chroma_and_bm25(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    (corpus / "004_7ab0bfe6b2100d46.txt").unlink()
    assert ingest(corpus, store, bar=False).removed == 1
    reopened = open_store(settings, model)
    assert "004_7ab0bfe6b2100d46.txt" not in reopened.articles()
    assert all(
        not cid.startswith("004_") for cid, _ in reopened.lexical.search("75th anniversary", 10)
    )


def test_a_file_gone_bad_keeps_what_was_indexed(tmp_path: Path, corpus: Path, model: Any) -> None:
    _, store = build_index(tmp_path / "data", corpus, model)
    before = {c for c, ch in store.chunks.items() if ch.article.startswith("000_")}
    (corpus / "000_a9c536138ddd3905.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    report = ingest(corpus, store, bar=False)
    assert [e.name for e in report.skipped] == ["000_a9c536138ddd3905.txt"]
    assert report.removed == 0 and before <= set(store.chunks)


def test_index_from_another_chunker_asks_for_a_rebuild(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    meta = dict(store._collection.metadata)
    store._collection.modify(metadata={**meta, "chunker": "something-older"})
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        open_store(settings, model)
    rebuilt = open_store(settings, model, rebuild=True)
    assert ingest(corpus, rebuilt, bar=False).added == 5


def test_ingest_records_the_corpus_folder(tmp_path: Path, corpus: Path, model: Any) -> None:
    settings, _ = build_index(tmp_path / "data", corpus, model)
    assert open_store(settings, model).corpus_dir == corpus.resolve()
