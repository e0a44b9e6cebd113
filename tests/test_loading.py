"""Loading, cleaning and offsets: what gets indexed and where citations will point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.articles import load_article, load_articles
from index.chunking import MAX_CHUNK_TOKENS, chunk_article
from tests.conftest import SEEDS


def test_seed_metadata_comes_from_headline_and_dateline() -> None:
    article = load_article(SEEDS / "001_5743e1e719554255.txt")
    assert article.meta.title == "Lavrov welcomes Xi Jinping's proposal for Ukraine conference"
    assert article.meta.source == "TASS"
    assert article.meta.dateline == "MOSCOW, May 20"
    assert article.meta.date is None  # the dateline has no year: nothing is invented


def test_article_without_headline_or_dateline_has_no_invented_metadata() -> None:
    meta = load_article(SEEDS / "003_35d0aa4989227d75.txt").meta
    assert (meta.title, meta.date, meta.source) == (None, None, None)


def test_page_furniture_is_neither_chunked_nor_quotable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "All news\n\nBig headline here\n\nREAD ALSO: Something else entirely\n"
        "Lavrov met Wang in Jakarta on Thursday. They discussed ASEAN.\n",
        encoding="utf-8",
    )
    chunks = chunk_article(load_article(path))
    text = " ".join(c.text for c in chunks)
    assert "All news" not in text and "READ ALSO" not in text
    assert "Lavrov met Wang in Jakarta on Thursday." in text


def test_every_chunk_and_sentence_points_into_the_file_text() -> None:
    for article in load_articles(SEEDS).articles:
        on_disk = (SEEDS / article.id).read_text(encoding="utf-8")
        for chunk in chunk_article(article):
            assert on_disk[chunk.start : chunk.end] == chunk.text
            assert chunk.tokens <= MAX_CHUNK_TOKENS
            for start, end in chunk.sentences:
                assert chunk.start <= start < end <= chunk.end
                assert on_disk[start:end].strip() == on_disk[start:end]


def test_windows_line_endings_keep_offsets_valid(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Headline line\r\n\r\nFirst sentence here. Second one follows.\r\n")
    article = load_article(path)
    on_disk = path.read_text(encoding="utf-8")
    assert all(on_disk[c.start : c.end] == c.text for c in chunk_article(article))


def test_sidecar_overrides_metadata(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("MOSCOW, July 13./TASS/. Talks were held.\n", "utf-8")
    sidecar = {"title": "Talks", "date": "2023-07-13", "source": "TASS", "url": "https://x"}
    (tmp_path / "story.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    meta = load_article(tmp_path / "story.txt").meta
    assert (meta.title, meta.date, meta.source, meta.url) == (
        "Talks",
        "2023-07-13",
        "TASS",
        "https://x",
    )


def test_bad_sidecar_date_names_the_file_and_field_and_keeps_the_article(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "s.meta.json").write_text('{"date": "last week"}', encoding="utf-8")
    article = load_article(tmp_path / "s.txt")
    (problem,) = article.ignored
    assert str(problem).startswith("s.meta.json: field 'date' must be a date as YYYY-MM-DD")
    assert article.meta.date is None


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"  \n\n", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("latin1.md", "café crème".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_files_are_skipped_with_their_name(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("A good article sentence.\n", encoding="utf-8")
    result = load_articles(tmp_path)
    assert [a.id for a in result.articles] == ["good.txt"]
    assert [(e.name, reason in e.reason) for e in result.skipped] == [(name, True)]


def test_html_is_extracted_and_quotes_stay_verbatim(tmp_path: Path) -> None:
    body = " ".join(
        f"<p>Paragraph {i} says the ministers met in Jakarta on day {i}.</p>" for i in range(8)
    )
    html = (
        "<html><head><title>Ministers meet</title></head><body><nav>Home | World | All news</nav>"
        f"<article><h1>Ministers meet</h1>{body}</article>"
        "<footer>Copyright 2024</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    article = load_article(tmp_path / "page.html")
    on_disk = (tmp_path / "page.html").read_text(encoding="utf-8")
    chunks = chunk_article(article)
    assert article.meta.title == "Ministers meet"
    assert any("met in Jakarta on day 3" in c.text for c in chunks)
    for chunk in chunks:
        for start, end in chunk.sentences:
            assert "<" not in on_disk[start:end] and "Home | World" not in on_disk[start:end]
