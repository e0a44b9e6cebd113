"""The article library: safe uploads, duplicates, deletions to the trash, metadata filters."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from index.errors import ArticleError
from index.library import (
    ArticleFilter,
    DuplicateArticleError,
    add_uploads,
    article_text,
    content_hashes,
    delete_article,
    safe_name,
    save_upload,
)
from index.metadata import Metadata
from tests.conftest import build_index

MB = 1024 * 1024
TEXT = b"Harbour reopens\n\nTALLINN, May 2, 2030. The harbour reopened on Friday after repairs.\n"


def save(folder: Path, name: str, data: bytes = TEXT, known: dict[str, str] | None = None) -> Path:
    return save_upload(folder, name, data, known or {}, 5 * MB)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("a/b.txt", "b.txt"),
        ("C:\\Users\\me\\notes.md", "notes.md"),
        ("nul\x00l.txt", "null.txt"),
        (".hidden.txt", "hidden.txt"),
        ("Report 2024.05.MD", "Report 2024_05.md"),
        ("$(rm -rf).txt", "rm -rf.txt"),
        ("Новости.txt", "Новости.txt"),
        (".txt", "article.txt"),
    ],
)
def test_names_are_sanitised_to_plain_files_in_the_folder(
    tmp_path: Path, given: str, stored: str
) -> None:
    assert safe_name(given) == stored
    path = save(tmp_path / "corpus", given)
    assert path == tmp_path / "corpus" / stored
    assert path.read_bytes() == TEXT
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize("name", ["evil.exe", "..", "", "passwd", "notes.meta.json", "a.txt/"])
def test_other_kinds_of_file_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ArticleError, match=r"only \.txt, \.md and \.html"):
        save(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Caf\xe9 au lait".encode("latin-1"), "not UTF-8"),
        (b"  \n", "empty file"),
        (b"x" * (5 * MB + 1), "the limit is 5 MB per file"),
    ],
)
def test_unusable_files_are_refused_by_name(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ArticleError, match=reason) as caught:
        save(tmp_path, "../My File.txt", data)
    assert caught.value.name == "My File.txt"
    assert list(tmp_path.iterdir()) == []


def test_html_without_article_text_is_refused_and_not_left_behind(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match=r"^page\.html: no article text"):
        save(tmp_path, "page.html", b"<html><body><script>track()</script></body></html>")
    assert list(tmp_path.iterdir()) == []


def test_a_duplicate_is_reported_with_the_article_it_repeats(tmp_path: Path) -> None:
    save(tmp_path, "harbour.txt")
    with pytest.raises(DuplicateArticleError, match=r"same content as harbour\.txt"):
        save(tmp_path, "copy.txt", known=content_hashes(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["harbour.txt"]


def test_an_existing_article_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Older article\n\nIts own text stays.\n", encoding="utf-8")
    (tmp_path / "other.meta.json").write_text('{"title": "Other"}', encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("not yours", encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")

    assert save(tmp_path, "news.txt").name == "news-2.txt"
    assert save(tmp_path, "news.txt", TEXT + b"more\n").name == "news-3.txt"
    assert save(tmp_path, "other.txt").name == "other-2.txt"  # a stray sidecar keeps its name
    assert save(tmp_path, "link.txt").name == "link-2.txt"
    assert (tmp_path / "news.txt").read_text(encoding="utf-8").startswith("Older article")
    assert outside.read_text(encoding="utf-8") == "not yours"


def test_article_text_reads_only_indexed_plain_names(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    assert article_text(tmp_path, "a.txt", {"a.txt"}) == "text"
    for bad in ("../a.txt", "/etc/passwd", "b.txt", "..", "a.txt\x00"):
        with pytest.raises(ArticleError, match="not an article in the library"):
            article_text(tmp_path, bad, {"a.txt", bad if "/" in bad else "x"})


def test_filters_match_source_and_date_range_where_stated() -> None:
    tass = Metadata(source="TASS", date="2024-05-20")
    undated = Metadata(source="TASS")
    other = Metadata(source="RT", date="2023-01-01")
    assert not ArticleFilter().active
    by_source = ArticleFilter(frozenset({"TASS"}))
    assert by_source.matches(tass) and by_source.matches(undated) and not by_source.matches(other)
    in_2024 = ArticleFilter(date_from="2024-01-01", date_to="2024-12-31")
    assert in_2024.matches(tass) and not in_2024.matches(undated) and not in_2024.matches(other)
    assert ArticleFilter(date_to="2023-06-30").matches(other)


def test_uploads_index_only_new_files_and_duplicates_are_not_indexed_twice(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    _, store = build_index(tmp_path / "data", corpus, model)
    before = store.articles()
    seed = (corpus / "000_a9c536138ddd3905.txt").read_bytes()
    uploads = [("harbour.txt", TEXT), ("again.txt", seed), ("harbour copy.txt", TEXT)]
    report = add_uploads(corpus, uploads, store, max_bytes=5 * MB)
    assert report.saved == ["harbour.txt"]
    assert [type(e) for e in report.refused] == [DuplicateArticleError] * 2
    assert report.ingest is not None
    assert (report.ingest.added, report.ingest.unchanged) == (1, 5)
    assert report.ingest.embedded == store.articles()["harbour.txt"].chunks
    after = store.articles()
    assert {k: v for k, v in after.items() if k in before} == before  # nothing lost


def test_delete_moves_the_file_to_the_trash_and_drops_its_chunks(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    name = "002_72a2f02afa1bcb5f.txt"
    (corpus / f"{Path(name).stem}.meta.json").write_text('{"date": "2023-07-13"}', "utf-8")
    _, store = build_index(tmp_path / "data", corpus, model)
    assert store.articles()[name].meta.date == "2023-07-13"
    trash = tmp_path / "data" / "trash"
    for bad in ("../seeds/" + name, "missing.txt", ""):
        with pytest.raises(ArticleError):
            delete_article(corpus, bad, store, trash)
    delete_article(corpus, name, store, trash)
    assert name not in store.articles() and len(store.articles()) == 4
    assert store.lexical.chunk_ids({name}) == []
    assert all(
        item.chunk.article != name for item in store.fetch(store.lexical.chunk_ids()).values()
    )
    assert not (corpus / name).exists()
    kept = sorted(p.name.split("-", 2)[-1] for p in trash.iterdir())
    assert kept == [f"{Path(name).stem}.meta.json", name]
