"""Incremental, idempotent ingest into a real Chroma + BM25 under tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.errors import IndexMismatchError
from index.factory import open_store
from index.ingest import ingest
from index.terms import terms
from tests.conftest import build_index


def chunk_texts(store: Any) -> dict[str, str]:
    """Every indexed chunk's text, read back from Chroma by the ids BM25 holds."""
    ids = store.lexical.chunk_ids()
    return {cid: item.chunk.text for cid, item in store.fetch(ids).items()}


def search(store: Any, text: str, n: int) -> list[str]:
    return [cid for cid, _ in store.lexical.search(terms(text), n)]


def test_second_run_changes_nothing_and_embeds_nothing(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    before = set(store.lexical.chunk_ids())
    report = ingest(corpus, store, bar=False)
    assert (report.added, report.updated, report.removed, report.embedded) == (0, 0, 0, 0)
    assert report.unchanged == 5
    assert set(open_store(settings, model).lexical.chunk_ids()) == before


def test_editing_one_file_reembeds_only_that_file(tmp_path: Path, corpus: Path, model: Any) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    edited = corpus / "002_72a2f02afa1bcb5f.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe talks ended at noon.\n", "utf-8")
    untouched = set(store.lexical.chunk_ids()) - set(store.lexical.chunk_ids({edited.name}))
    report = ingest(corpus, store, bar=False)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 4)
    assert report.embedded == len(store.lexical.chunk_ids({edited.name}))
    reopened = open_store(settings, model)
    assert untouched <= set(reopened.lexical.chunk_ids())
    assert any("ended at noon" in text for text in chunk_texts(reopened).values())
    assert search(reopened, "ended at noon", 3)[0].startswith(edited.name)


def test_deleted_file_is_removed_from_chroma_and_bm25(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    settings, store = build_index(tmp_path / "data", corpus, model)
    (corpus / "004_7ab0bfe6b2100d46.txt").unlink()
    assert ingest(corpus, store, bar=False).removed == 1
    reopened = open_store(settings, model)
    assert "004_7ab0bfe6b2100d46.txt" not in reopened.articles()
    assert all(not cid.startswith("004_") for cid in search(reopened, "75th anniversary", 10))
    assert all(not cid.startswith("004_") for cid in chunk_texts(reopened))


def test_a_file_gone_bad_keeps_what_was_indexed(tmp_path: Path, corpus: Path, model: Any) -> None:
    _, store = build_index(tmp_path / "data", corpus, model)
    before = set(store.lexical.chunk_ids({"000_a9c536138ddd3905.txt"}))
    (corpus / "000_a9c536138ddd3905.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    report = ingest(corpus, store, bar=False)
    assert [e.name for e in report.skipped] == ["000_a9c536138ddd3905.txt"]
    assert report.removed == 0 and before <= set(chunk_texts(store))


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
