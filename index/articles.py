"""Load articles from a folder: text, content hash, content segments and metadata."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from index.cleaning import content_segments, locate_segments
from index.errors import ArticleError, NotContainedError
from index.metadata import Metadata, SidecarError, metadata_from_text, read_sidecar, titled

log = logging.getLogger(__name__)

Span = tuple[int, int]
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_ARTICLE_BYTES = 20 * 1024 * 1024  # bigger files are not news articles; skipped unread
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True)
class Article:
    """One article; ``text`` is the file exactly as ``Path.read_text(encoding="utf-8")`` has it."""

    id: str
    text: str
    sha256: str
    segments: tuple[Span, ...]
    meta: Metadata = field(default_factory=Metadata)
    ignored: tuple[SidecarError, ...] = ()  # a sidecar that could not be used


@dataclass(frozen=True)
class LoadResult:
    articles: list[Article]
    skipped: list[ArticleError]

    @property
    def ignored(self) -> list[SidecarError]:
        """Sidecars left out: their articles are indexed with metadata from their text."""
        return [problem for a in self.articles for problem in a.ignored]


def has_article_name(name: str) -> bool:
    """An article by its name: a known suffix, not hidden, not a metadata sidecar."""
    return (
        name.lower().endswith(ARTICLE_SUFFIXES)
        and not name.startswith(".")
        and not name.endswith(".meta.json")
    )


def is_article_file(path: Path) -> bool:
    return has_article_name(path.name) and path.is_file()


def shown_name(name: str) -> str:
    """A file name as printable text: bytes that are not UTF-8 appear as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_contained(folder: Path, name: str, max_bytes: int = MAX_ARTICLE_BYTES) -> bytes:
    """The bytes of the regular file ``folder/name`` whose real path lies inside ``folder``.

    Links that leave the folder, devices, pipes, sockets and oversize files are refused
    with an ``ArticleError`` naming the file, before anything is opened (a pipe or a
    device would block or never end); the opened file is checked to be the one examined.
    """
    shown = shown_name(name)
    try:
        real = (folder / name).resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or "a broken or looping link"
        raise ArticleError(shown, f"cannot be read ({reason})") from exc
    if not real.is_relative_to(folder.resolve()):
        raise NotContainedError(shown, "is a link to a file outside the article folder; not read")
    if not stat.S_ISREG(info.st_mode):
        raise NotContainedError(shown, f"is {_kind(info.st_mode)}, not an article file")
    if info.st_size > max_bytes:
        mb = 1024 * 1024
        raise ArticleError(
            shown, f"is {info.st_size / mb:.1f} MB; files over {max_bytes / mb:g} MB are skipped"
        )
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise ArticleError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise ArticleError(shown, "changed while it was being read; try again")
        return handle.read(max_bytes + 1)


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
        path.name.encode("utf-8")
    except UnicodeEncodeError as exc:  # undecodable bytes of the name, kept as surrogates
        raise ArticleError(shown_name(path.name), "the file name is not UTF-8; rename it") from exc
    data = read_contained(path.parent, path.name)
    text = decode(path.name, data)
    digest = hashlib.sha256(data)
    if path.suffix.lower() in (".html", ".htm"):
        segments, meta = _html_content(path.name, text)
    else:
        segments = content_segments(text, markdown=path.suffix.lower() in (".md", ".markdown"))
        meta = metadata_from_text(text, segments)
    if not segments:
        raise ArticleError(path.name, "no article text after removing page furniture")
    ignored: tuple[SidecarError, ...] = ()
    try:  # a bad sidecar never costs its article: it is indexed as if there were none,
        sidecar = read_sidecar(path)  # and the hash then changes again once it is fixed
    except SidecarError as exc:
        sidecar, ignored = None, (exc,)
    if sidecar is not None:
        meta = meta.merged(sidecar)
        digest.update(json.dumps(vars(sidecar), sort_keys=True).encode())
    meta = titled(meta, text, list(segments), sidecar)
    return Article(path.name, text, digest.hexdigest(), tuple(segments), meta, ignored)


def _candidates(folder: Path) -> list[Path]:
    """Entries of ``folder`` named like articles (folders left out), sorted by name."""
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if has_article_name(e.name) and not _is_dir(e)]
    except OSError as exc:
        raise ArticleError(str(folder), f"cannot be listed ({exc.strerror or exc})") from exc
    return [folder / name for name in sorted(names)]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def load_articles(folder: Path) -> LoadResult:
    """Every article file directly in ``folder``; unusable files are skipped and reported.

    One bad file never stops the others: whatever goes wrong with it becomes an
    ``ArticleError`` with its name and the reason (the traceback goes to the debug log).
    """
    if not folder.is_dir():
        raise ArticleError(str(folder), "is not a folder")
    articles: list[Article] = []
    skipped: list[ArticleError] = []
    for path in _candidates(folder):
        try:
            articles.append(load_article(path))
        except ArticleError as exc:
            skipped.append(exc)
        except Exception as exc:  # any failure of one file skips only that file
            log.debug("loading %s failed", shown_name(path.name), exc_info=True)
            reason = f"could not be loaded ({type(exc).__name__}: {exc})"
            skipped.append(ArticleError(shown_name(path.name), reason))
    return LoadResult(articles, skipped)
