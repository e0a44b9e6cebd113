"""Article metadata read from the article itself or from a ``.meta.json`` sidecar.

Only what the text states reliably is taken: a headline line, a dateline such
as ``MOSCOW, July 13./TASS/.``, a line that is only a date (``December 2, 2024``,
``Published: 2024-12-02``). Nothing is guessed: a dateline without a year gives no
``date``, only the partial date ``month_day`` ("07-13"); a year is never invented.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from index.errors import ArticleError

Span = tuple[int, int]

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'\- ]{1,40}),\s+(?P<month>[A-Z][a-z]+)\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?\s*(?:\.\s*)?/\s*(?P<source>[A-Za-z][A-Za-z\- ]{0,30}?)\s*/\s*\.?"
)
SIDECAR_FIELDS = ("title", "date", "source", "url")


@dataclass(frozen=True)
class Metadata:
    """What is known about an article beyond its text; None where unknown."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    url: str | None = None
    dateline: str | None = None
    month_day: str | None = None  # "MM-DD": the full date's, or a dateline's without a year
    lead: str | None = None  # the lead sentence, cut (stored when there is no title)
    title_source: str | None = None  # "headline" | "sidecar" | "lead"; None: indexed before

    @property
    def shown_title(self) -> str | None:
        """The title a reader sees: the headline or sidecar title, else the cut lead."""
        return self.title or self.lead

    def __post_init__(self) -> None:
        if self.date and len(self.date) >= 10:
            object.__setattr__(self, "month_day", self.date[5:10])
        elif self.dateline and not self.month_day:  # indexed before month_day was stored
            object.__setattr__(self, "month_day", month_day_of(self.dateline))

    def merged(self, override: Metadata) -> Metadata:
        """This metadata with every field that ``override`` sets replaced."""
        changes = {k: v for k, v in vars(override).items() if v is not None}
        if override.date:  # a date set elsewhere also sets the month and day
            changes["month_day"] = override.date[5:10]
        return replace(self, **changes)


def month_day_of(dateline: str) -> str | None:
    """ "MOSCOW, July 13" (a ``dateline`` as stored) -> "07-13"."""
    match = re.search(r"([A-Z][a-z]+)\.?\s+(\d{1,2})\s*$", dateline)
    if not match or match[1].lower() not in _MONTHS:
        return None
    month, day = _MONTHS[match[1].lower()], int(match[2])
    try:
        dt.date(2000, month, day)
    except ValueError:
        return None
    return f"{month:02d}-{day:02d}"


def dateline_end(text: str) -> int:
    """Where the text after a leading dateline ("MOSCOW, July 13./TASS/.") starts; 0 without."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def parse_dateline(line: str) -> Metadata | None:
    """``MOSCOW, July 13./TASS/.`` gives source TASS; a date only when a year is written."""
    match = _DATELINE.match(line)
    if not match or match["month"].lower() not in _MONTHS:
        return None
    date = None
    if match["year"]:
        try:
            date = dt.date(int(match["year"]), _MONTHS[match["month"].lower()], int(match["day"]))
        except ValueError:
            return None
    month, day = _MONTHS[match["month"].lower()], int(match["day"])
    try:  # 2000 is a leap year: February 29 is a valid month and day
        dt.date(2000, month, day)
    except ValueError:
        return None
    dateline = f"{match['place'].strip()}, {match['month']} {match['day']}"
    return Metadata(
        date=date.isoformat() if date else None,
        source=match["source"].strip(),
        dateline=dateline,
        month_day=f"{month:02d}-{day:02d}",
    )


_DATE_LINE = re.compile(
    r"(?:(?:Published|Updated|Posted|Date)\s*(?:on)?\s*:?\s*)?(?:[A-Z][a-z]+day,?\s+)?"
    r"(?:(?P<iso>\d{4}-\d\d-\d\d)|(?P<month>[A-Z][a-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]+)\.?,?\s+(?P<year2>\d{4}))"
    r"(?:[,\s]+\d{1,2}:\d\d(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4})?)?\s*"
)


def parse_date_line(line: str) -> str | None:
    """A line that is only a full date ("December 2, 2024", "Published: 2024-12-02 10:30")."""
    match = _DATE_LINE.fullmatch(line.strip())
    if not match:
        return None
    try:
        if match["iso"]:
            return dt.date.fromisoformat(match["iso"]).isoformat()
        month = (match["month"] or match["month2"]).lower()
        day, year = match["day"] or match["day2"], match["year"] or match["year2"]
        if month not in _MONTHS:
            return None
        return dt.date(int(year), _MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None


def looks_like_headline(line: str) -> bool:
    """A short line that is not a sentence of the body and not a dateline."""
    words = line.split()
    return (
        2 <= len(words) <= 25
        and not line.rstrip().endswith((".", ":", ",", ";"))
        and parse_dateline(line) is None
        and parse_date_line(line) is None
    )


def metadata_from_text(text: str, segments: list[Span]) -> Metadata:
    """Headline (first segment, when it reads like one) and dateline (within the first five)."""
    title = None
    if len(segments) > 1:
        first = text[segments[0][0] : segments[0][1]]
        if looks_like_headline(first):
            title = first.strip()
    found = Metadata(title=title)
    for start, end in segments[:5]:
        line = text[start:end]
        date = parse_date_line(line)
        if date and not found.date:
            found = found.merged(Metadata(date=date))
        dateline = parse_dateline(line)
        if dateline:
            return found.merged(dateline) if not found.date else dateline.merged(found)
    return found


TITLE_CHARS = 80  # a lead title is cut at a word boundary at or before this many characters
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])[\"”’]?\s+(?=[\"“‘A-Z])")


def cut_title(sentence: str, limit: int = TITLE_CHARS) -> str:
    """``sentence`` in one line, cut at the last word boundary within ``limit`` characters
    with an ellipsis ("…") when it is longer."""
    text = " ".join(sentence.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def lead_title(text: str, segments: list[Span], limit: int = TITLE_CHARS) -> str | None:
    """The article's lead sentence as a title: the first segment that is neither a headline
    nor a date line, without its dateline ("MOSCOW, July 13./TASS/."), its first sentence
    cut to ``limit`` characters."""
    body = [text[s:e].strip() for s, e in segments]
    lines = [b for b in body if b and not looks_like_headline(b) and not parse_date_line(b)]
    for line in lines or [b for b in body if b]:
        match = _DATELINE.match(line)
        rest = line[match.end() :].strip() if match else line
        if rest:
            return cut_title(_SENTENCE_END.split(rest, maxsplit=1)[0], limit)
    return None


def titled(meta: Metadata, text: str, segments: list[Span], sidecar: Metadata | None) -> Metadata:
    """``meta`` with where its title comes from, and the lead title when it has none."""
    if sidecar is not None and sidecar.title:
        return replace(meta, title_source="sidecar")
    if meta.title:
        return replace(meta, title_source="headline")
    return replace(meta, lead=lead_title(text, segments), title_source="lead")


def _is_file(path: Path) -> bool:
    """``Path.is_file`` that answers False for a name the file system refuses (too long)."""
    try:
        return path.is_file()
    except OSError:
        return False


class SidecarError(ArticleError):
    """A sidecar that cannot be used: the article is indexed as if it had none."""


def read_sidecar(path: Path) -> Metadata | None:
    """``NAME.meta.json`` (or ``NAME.ext.meta.json``) beside the article, if there is one;
    ``SidecarError`` naming the sidecar (and the field) when it cannot be used."""
    candidates = [
        path.with_name(path.stem + ".meta.json"),
        path.with_name(path.name + ".meta.json"),
    ]
    sidecar = next((c for c in candidates if _is_file(c)), None)
    if sidecar is None:
        return None
    if sidecar.resolve().parent != path.parent.resolve():
        raise SidecarError(sidecar.name, "is a link to a file outside the article folder")
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, json.JSONDecodeError) as exc:
        raise SidecarError(sidecar.name, f"not a readable JSON object ({exc})") from exc
    if not isinstance(data, dict):
        raise SidecarError(sidecar.name, "must be a JSON object")
    fields: dict[str, str | None] = {}
    for key in SIDECAR_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise SidecarError(sidecar.name, f"field {key!r} must be a string, not {value!r:.60}")
        fields[key] = value.strip() or None if isinstance(value, str) else None
    if fields["date"]:
        try:
            fields["date"] = dt.date.fromisoformat(fields["date"][:10]).isoformat()
        except ValueError as exc:
            shown = f"{fields['date']!r:.40}"
            raise SidecarError(
                sidecar.name, f"field 'date' must be a date as YYYY-MM-DD, not {shown}"
            ) from exc
    return Metadata(**fields)
