"""Load articles from a folder: text, content hash, content segments and metadata."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from index.cleaning import content_segments, locate_segments
from index.errors import ArticleError
from index.metadata import Metadata, metadata_from_text, read_sidecar

log = logging.getLogger(__name__)

Span = tuple[int, int]
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class Article:
    """One article; ``text`` is the file exactly as ``Path.read_text(encoding="utf-8")`` has it."""

    id: str
    text: str
    sha256: str
    segments: tuple[Span, ...]
    meta: Metadata = field(default_factory=Metadata)


@dataclass(frozen=True)
class LoadResult:
    articles: list[Article]
    skipped: list[ArticleError]


def is_article_file(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in ARTICLE_SUFFIXES
        and not path.name.startswith(".")
        and not path.name.endswith(".meta.json")
    )


def decode(name: str, data: bytes) -> str:
    """UTF-8 text with universal newlines, as ``read_text`` gives it; refuse anything else."""
    if b"\x00" in data[:8192]:
        raise ArticleError(name, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(name, f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    if not text.strip():
        raise ArticleError(name, "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _html_content(name: str, raw: str) -> tuple[list[Span], Metadata]:
    import trafilatura

    extracted = trafilatura.extract(
        raw, output_format="json", with_metadata=True, include_comments=False, include_tables=False
    )
    if not extracted:
        raise ArticleError(name, "no article text found in the HTML")
    data = json.loads(extracted)
    paragraphs = [p for p in (data.get("text") or "").split("\n") if p.strip()]
    segments, missing = locate_segments(raw, paragraphs)
    if missing:
        log.warning(
            "%s: %d passage(s) contain markup and cannot be quoted; left out", name, missing
        )
    if not segments:
        raise ArticleError(name, "no article text could be located in the HTML source")
    date = (data.get("date") or "")[:10] or None
    meta = Metadata(
        title=data.get("title"),
        date=date,
        source=data.get("sitename") or data.get("hostname"),
        url=data.get("source") or data.get("url"),
    )
    return segments, meta


def load_article(path: Path) -> Article:
    """Read one article file; ``ArticleError`` names the file and the reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path.name, f"cannot be read ({exc.strerror or exc})") from exc
    text = decode(path.name, data)
    digest = hashlib.sha256(data)
    if path.suffix.lower() in (".html", ".htm"):
        segments, meta = _html_content(path.name, text)
    else:
        segments = content_segments(text, markdown=path.suffix.lower() in (".md", ".markdown"))
        meta = metadata_from_text(text, segments)
    if not segments:
        raise ArticleError(path.name, "no article text after removing page furniture")
    sidecar = read_sidecar(path)
    if sidecar is not None:
        meta = meta.merged(sidecar)
        digest.update(json.dumps(vars(sidecar), sort_keys=True).encode())
    return Article(path.name, text, digest.hexdigest(), tuple(segments), meta)


def load_articles(folder: Path) -> LoadResult:
    """Every article file directly in ``folder``; unusable files are skipped and reported."""
    if not folder.is_dir():
        raise ArticleError(str(folder), "is not a folder")
    articles: list[Article] = []
    skipped: list[ArticleError] = []
    for path in sorted(p for p in folder.iterdir() if is_article_file(p)):
        try:
            articles.append(load_article(path))
        except ArticleError as exc:
            skipped.append(exc)
    return LoadResult(articles, skipped)
