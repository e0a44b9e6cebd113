"""The article library: uploads saved safely into the corpus folder, deletions, metadata filters.

No UI here: the browser app and the CLI share it. Uploads never overwrite a file, never
leave the corpus folder and are refused (naming the file) when they are not usable text.
Deleted articles go to a trash folder, not into oblivion.
"""

from __future__ import annotations

import glob
import hashlib
import re
import shutil
import time
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import decode, is_article_file, load_article, read_contained
from index.errors import ArticleError
from index.ingest import IngestReport, Progress, ingest
from index.metadata import Metadata
from index.records import ArticleRecord
from index.store import ChunkStore

UPLOAD_SUFFIXES = (".txt", ".md", ".html")
MAX_STEM = 100
MB = 1024 * 1024


class DuplicateArticleError(ArticleError):
    """The upload has exactly the content of an article already in the library."""

    def __init__(self, name: str, existing: str) -> None:
        super().__init__(name, f"same content as {existing}, which is already in the library")
        self.existing = existing


@dataclass(frozen=True)
class UploadReport:
    saved: list[str] = field(default_factory=list)  # article ids as stored
    refused: list[ArticleError] = field(default_factory=list)  # duplicates included
    ingest: IngestReport | None = None


def display_name(filename: str) -> str:
    """The file name as a user would recognise it, without path or control characters."""
    base = re.split(r"[\\/]", filename)[-1]
    return "".join(ch for ch in base if ch.isprintable()) or "(unnamed file)"


def safe_name(filename: str) -> str:
    """A plain file name for the corpus folder: no directories, only safe characters."""
    shown = display_name(filename)
    stem, dot, suffix = unicodedata.normalize("NFC", shown).rpartition(".")
    if not dot or f".{suffix.lower()}" not in UPLOAD_SUFFIXES:
        raise ArticleError(shown, "only .txt, .md and .html files can be uploaded")
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._-")[:MAX_STEM] or "article"
    return f"{stem}.{suffix.lower()}"


def too_large(name: str, size: int, max_bytes: int) -> ArticleError:
    return ArticleError(name, f"is {size / MB:.1f} MB; the limit is {max_bytes / MB:g} MB per file")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 of each article file's bytes -> its name, for duplicate detection."""
    if not corpus_dir.is_dir():
        return {}
    hashes: dict[str, str] = {}
    for path in sorted(p for p in corpus_dir.iterdir() if is_article_file(p)):
        try:
            hashes[sha256_of(read_contained(corpus_dir, path.name))] = path.name
        except ArticleError:
            continue  # a file ingest skips cannot be duplicated either
    return hashes


def _taken(path: Path) -> bool:
    """A name is taken by a file, a link, or a metadata sidecar that would attach to it."""
    sidecars = (path.with_name(path.stem + ".meta.json"), path.with_name(path.name + ".meta.json"))
    return path.exists() or path.is_symlink() or any(s.exists() for s in sidecars)


def _write_new(corpus_dir: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under ``name`` or, when taken, ``stem-2``, ``stem-3``...; never overwrite."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for i in range(1, 10_000):
        path = corpus_dir / (name if i == 1 else f"{stem}-{i}{suffix}")
        if _taken(path):
            continue
        if path.resolve().parent != corpus_dir.resolve():
            raise ArticleError(name, "would be saved outside the article folder")
        try:
            with path.open("xb") as out:
                out.write(data)
        except FileExistsError:
            continue
        return path
    raise ArticleError(name, "no free file name left for it")


def save_upload(
    corpus_dir: Path,
    filename: str,
    data: bytes,
    known_hashes: Mapping[str, str],
    max_bytes: int,
) -> Path:
    """Save one uploaded file as a new article file; ``ArticleError`` names it when refused.

    ``known_hashes`` maps the sha256 of existing articles' bytes to their names.
    """
    shown = display_name(filename)
    name = safe_name(filename)
    if len(data) > max_bytes:
        raise too_large(shown, len(data), max_bytes)
    decode(shown, data)  # binary, non-UTF-8 and empty files stop here
    digest = sha256_of(data)
    if digest in known_hashes:
        raise DuplicateArticleError(shown, known_hashes[digest])
    corpus_dir.mkdir(parents=True, exist_ok=True)
    path = _write_new(corpus_dir, name, data)
    try:
        load_article(path)
    except ArticleError as exc:
        path.unlink(missing_ok=True)
        raise ArticleError(shown, exc.reason) from exc
    return path


def add_uploads(
    corpus_dir: Path,
    uploads: Sequence[tuple[str, bytes]],
    store: ChunkStore,
    *,
    max_bytes: int,
    progress: Progress | None = None,
) -> UploadReport:
    """Save every usable upload, then index the folder incrementally (only new files embed)."""
    known = content_hashes(corpus_dir)
    saved: list[str] = []
    refused: list[ArticleError] = []
    for filename, data in uploads:
        try:
            path = save_upload(corpus_dir, filename, data, known, max_bytes)
        except ArticleError as exc:
            refused.append(exc)
            continue
        known[sha256_of(data)] = path.name
        saved.append(path.name)
    report = ingest(corpus_dir, store, progress=progress, bar=False) if saved else None
    return UploadReport(saved, refused, report)


def read_upload(path: Path, max_bytes: int) -> bytes:
    """The bytes of an uploaded temporary file, refusing oversize ones before reading them."""
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(path.name, size, max_bytes)
    return path.read_bytes()


def _plain_id(article_id: str, known: Collection[str]) -> str:
    """``article_id`` when it is an indexed article's plain file name; never a path."""
    if (
        not article_id
        or article_id in (".", "..")
        or any(ch in article_id for ch in "/\\\x00")
        or article_id not in known
    ):
        raise ArticleError(display_name(article_id), "is not an article in the library")
    return article_id


def article_text(corpus_dir: Path, article_id: str, known: Collection[str]) -> str:
    """The article exactly as it was indexed (the text citation offsets point into); only
    ever a regular file inside ``corpus_dir`` (a link swapped in since ingest is refused)."""
    name = _plain_id(article_id, known)
    try:
        return decode(name, read_contained(corpus_dir, name))
    except ArticleError as exc:
        raise ArticleError(name, f"cannot be shown: {exc.reason}") from exc


def _to_trash(path: Path, trash_dir: Path) -> None:
    """Move ``path`` into ``trash_dir`` under a time-stamped name that no other file has."""
    if not path.exists():
        return
    trash_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = trash_dir / f"{stamp}-{path.name}"
    for i in range(2, 10_000):
        if not target.exists():
            break
        target = trash_dir / f"{stamp}-{i}-{path.name}"
    shutil.move(str(path), str(target))


def _sidecars(path: Path) -> list[Path]:
    """The article's own sidecars; ``STEM.meta.json`` only when no other article shares STEM."""
    own = [path.with_name(path.name + ".meta.json")]
    siblings = [p for p in path.parent.glob(f"{glob.escape(path.stem)}.*") if p != path]
    if not any(is_article_file(p) for p in siblings):
        own.append(path.with_name(path.stem + ".meta.json"))
    return own


def delete_article(corpus_dir: Path, article_id: str, store: ChunkStore, trash_dir: Path) -> None:
    """Move the article file (and its sidecar) to ``trash_dir``, then drop its chunks
    (under the write lock, from the newest committed version: another process may have
    indexed the article)."""
    with store.lock.held():
        store.refresh()
        name = _plain_id(article_id, store.articles().keys())
        path = corpus_dir / name
        try:
            for sidecar in _sidecars(path):
                _to_trash(sidecar, trash_dir)
            _to_trash(path, trash_dir)
        except OSError as exc:
            raise ArticleError(name, f"cannot be moved to {trash_dir} ({exc})") from exc
        store.remove({name})
        store.commit()


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles may be cited: by source and by date range (inclusive, YYYY-MM-DD).

    An article whose year is unknown (a dateline such as "MOSCOW, July 13") matches by
    its month and day (``month_day_in``). A filter on a field leaves out the articles
    that do not state it."""

    sources: frozenset[str] = frozenset()
    date_from: str | None = None
    date_to: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)

    def matches(self, meta: Metadata) -> bool:
        if self.sources and meta.source not in self.sources:
            return False
        if not (self.date_from or self.date_to):
            return True
        if meta.date:
            return not (
                (self.date_from and meta.date < self.date_from)
                or (self.date_to and meta.date > self.date_to)
            )
        return bool(meta.month_day) and month_day_in(
            meta.month_day or "", self.date_from, self.date_to
        )

    def select(self, records: Mapping[str, ArticleRecord]) -> set[str]:
        """The ids of the articles this filter lets through."""
        return {name for name, record in records.items() if self.matches(record.meta)}


def month_day_in(month_day: str, date_from: str | None, date_to: str | None) -> bool:
    """Does "MM-DD" fall within [date_from, date_to] (YYYY-MM-DD) by month and day?

    A bound alone compares with its month and day ("from 2024-06-01": June 1 on); a
    closed range compares within its year, across one new year, and holds every month
    and day once it spans two calendar years or more."""
    if not date_from or not date_to:
        return month_day >= date_from[5:] if date_from else month_day <= (date_to or "")[5:]
    if int(date_to[:4]) - int(date_from[:4]) >= 2 or date_to < date_from:
        return date_to >= date_from
    low, high = date_from[5:], date_to[5:]
    if date_to[:4] == date_from[:4]:
        return low <= month_day <= high
    return month_day >= low or month_day <= high  # the range crosses one new year


def sources_of(records: Iterable[ArticleRecord]) -> list[str]:
    return sorted({r.meta.source for r in records if r.meta.source})


def dates_of(records: Iterable[ArticleRecord]) -> list[str]:
    return sorted({r.meta.date for r in records if r.meta.date})


def partial_dates_of(records: Iterable[ArticleRecord]) -> list[str]:
    """The "MM-DD" of the articles whose year is unknown."""
    return sorted({r.meta.month_day for r in records if r.meta.month_day and not r.meta.date})
