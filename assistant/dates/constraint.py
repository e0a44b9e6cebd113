"""Dates in questions and in quoted sentences: pure functions over plain values.

A question may constrain *when*: "in July", "on May 20", "in 2024", "last week",
"this year", "before/after <date>", or ask for the order of events: "latest", "most
recent(ly)", "first". ``question_dates`` reads that into a ``DateConstraint``.
Dates relative to now ("last week", "this year") are resolved against the newest
article date in the index, never the wall clock.

``assistant/dates/article_dates.py`` scores an article's date against a ``DateConstraint``;
``assistant/dates/datewords.py`` resolves "today", "on Monday" in quoted sentences.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from typing import Any

MONTHS = (  # noqa: SIM905
    "january february march april may june july august september october november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()  # noqa: SIM905
_MONTH = (
    r"(?:"
    + "|".join(m.capitalize() for m in MONTHS)
    + r"|Sept|Sep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
# A calendar phrase: "May 20", "20 May", "May 20, 2024", "July 2024", "July", "2024", "2024-05-20".
_CALENDAR = (
    rf"(?:{_YEAR}-\d\d-\d\d|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_DAY}\s+(?:of\s+)?{_MONTH}"
    rf"(?:,?\s+{_YEAR})?|{_MONTH}(?:\s+{_YEAR})?|{_YEAR})"
)
_BOUND = re.compile(rf"\b(?P<op>before|after|since|until|till|by)\s+(?P<when>{_CALENDAR})\b")
_POINT = re.compile(rf"\b(?:in|on|during|of)\s+(?P<when>{_CALENDAR})(?![\w-])")
_BARE = re.compile(rf"(?<![\w-])(?P<when>{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?|{_YEAR})(?![\w-])")
_RELATIVE = re.compile(
    r"\b(?P<when>(?:last|this|past|previous) (?:week|month|year)|yesterday|today|"
    r"(?:a|one|two|three) (?:weeks?|months?|years?) ago)\b",
    re.IGNORECASE,
)
_LATEST = re.compile(r"\b(?:latest|most recent(?:ly)?|newest|last time|recently)\b", re.I)
_FIRST = re.compile(
    r"\b(?:earliest|oldest|first time|(?:which|what) \w+ (?:came|happened) first|"
    r"first(?=\s*(?:\?|$|met\b|meet\b|visit|talk|discuss|happen|go\b|went\b|travel|hold|held)))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateConstraint:
    """What a question says about when. Empty (``bool(c) is False``) when it says nothing.

    ``year``/``month``/``day`` describe one calendar point, each part optional;
    ``since``/``until`` an inclusive range of full dates; ``order`` is "latest" or
    "earliest"; ``phrase`` the words as written; ``relative_to`` the newest article
    date a relative phrase was resolved against; ``hint``: a date written without "in",
    "on", "before"... ("the 2024 race", "by 2050"), more often a name's part than a
    condition.
    """

    phrase: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    order: str | None = None
    relative_to: dt.date | None = None
    hint: bool = False

    def __bool__(self) -> bool:
        return bool(self.year or self.month or self.since or self.until or self.order)

    @property
    def filters(self) -> bool:
        """True when it names dates (not only an order)."""
        return bool(self.year or self.month or self.since or self.until)

    @property
    def strict(self) -> bool:
        """True when it names calendar dates as a condition ("in July", "before May 2"):
        passages must fit them. Dates relative to now ("this week") are read from the newest
        article, a guess at what the asker's "now" is, and hints ("the 2023 Golden Globes")
        are often not about when at all, so both only boost passages of those dates (see
        ranking.by_date)."""
        return self.filters and self.relative_to is None and not self.hint

    def describe(self) -> str:
        """A short human phrase, e.g. "last week = 2024-11-25 to 2024-12-01 (...)"."""
        if self.relative_to and (self.since or self.until or self.year):
            span = f"{self.year}" if self.year else f"{self.since or '…'} to {self.until or '…'}"
            return f"{self.phrase} = {span}, counted from the newest article ({self.relative_to})"
        return self.phrase


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"])


@functools.lru_cache(maxsize=1024)
def _calendar(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of a calendar phrase, each part only when written.

    The common shapes ("July", "May 20", "20 May 2024", "2024", "2024-05-20") are read
    directly; anything else goes to dateparser (loaded on first need: ~0.5 s)."""
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    quick = _quick_calendar(text)
    if quick is not None:
        return quick
    data = _parser().get_date_data(text)
    if data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    year = d.year if re.search(_YEAR, text) else None
    month = d.month if period in ("day", "month") else None
    day = d.day if period == "day" else None
    return year, month, day


def _quick_calendar(text: str) -> tuple[int | None, int | None, int | None] | None:
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text)
    if iso:
        return int(iso[1]), int(iso[2]), int(iso[3])
    year = re.search(rf"\b{_YEAR}\b", text)
    rest = re.sub(rf"\b{_YEAR}\b|,|\bof\b|\.", " ", text).split()
    words = [w for w in rest if not w.isdigit()]
    days = [int(w) for w in rest if w.isdigit()]
    if len(words) > 1 or len(days) > 1:
        return None
    month = None
    if words:
        month = next(
            (i for i, m in enumerate(MONTHS, 1) if m.startswith(words[0].lower()[:3])), None
        )
        if month is None or len(words[0]) < 3:
            return None
    day = days[0] if days else None
    if day is not None and (month is None or not 1 <= day <= 31):
        return None
    if not (year or month):
        return None
    return (int(year.group()) if year else None), month, day


def _relative(phrase: str, newest: dt.date) -> DateConstraint:
    p = phrase.lower()
    if p == "this year":
        return DateConstraint(phrase, year=newest.year, relative_to=newest)
    if p in ("last year", "previous year", "past year"):
        return DateConstraint(phrase, year=newest.year - 1, relative_to=newest)
    if p in ("today", "yesterday"):
        day = newest - dt.timedelta(days=p == "yesterday")
        return DateConstraint(phrase, since=day, until=day, relative_to=newest)
    week_start = newest - dt.timedelta(days=newest.weekday())
    if p == "this week":
        return DateConstraint(phrase, since=week_start, until=newest, relative_to=newest)
    if p in ("last week", "previous week", "past week"):
        start = week_start - dt.timedelta(days=7)
        return DateConstraint(
            phrase, since=start, until=start + dt.timedelta(days=6), relative_to=newest
        )
    if p == "this month":
        return DateConstraint(phrase, since=newest.replace(day=1), until=newest, relative_to=newest)
    if p in ("last month", "previous month", "past month"):
        end = newest.replace(day=1) - dt.timedelta(days=1)
        return DateConstraint(phrase, since=end.replace(day=1), until=end, relative_to=newest)
    count = {"a": 1, "one": 1, "two": 2, "three": 3}[p.split()[0]]
    unit = 7 if "week" in p else 30 if "month" in p else 365
    around = newest - dt.timedelta(days=count * unit)
    return DateConstraint(
        phrase,
        since=around - dt.timedelta(days=unit // 2),
        until=around + dt.timedelta(days=unit // 2),
        relative_to=newest,
    )


def _full(parts: tuple[int | None, int | None, int | None], end: bool) -> dt.date | None:
    """The first (or, with ``end``, last) day a calendar phrase covers; None without a year."""
    year, month, day = parts
    if year is None:
        return None
    if day and month:
        return dt.date(year, month, day)
    if month:
        first = dt.date(year, month, 1)
        if not end:
            return first
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)


def question_dates(question: str, newest: dt.date | None = None) -> DateConstraint:
    """The date constraint a question states; ``newest`` resolves "last week", "this year"."""
    order, said = None, ""
    latest, first = _LATEST.search(question), _FIRST.search(question)
    if latest or first:
        order, said = ("latest", latest.group()) if latest else ("earliest", first.group())  # type: ignore[union-attr]
    base = DateConstraint(order=order, phrase=said)
    bound = _BOUND.search(question)
    parts = _calendar(bound["when"]) if bound else None
    if bound and parts:
        op = bound["op"]
        edge = _full(parts, end=op in ("after", "until", "till", "by"))
        if edge is not None and op in ("after", "since"):
            edge += dt.timedelta(days=op == "after")
            return replace(base, phrase=bound.group(), since=edge)
        if edge is not None:
            edge -= dt.timedelta(days=op == "before")
            return replace(base, phrase=bound.group(), until=edge, hint=op == "by")
    rel = _RELATIVE.search(question)
    if rel and newest is not None:
        found = _relative(rel["when"], newest)
        return replace(found, order=order)
    point = _POINT.search(question)
    written = point or _BARE.search(question)
    if written:
        parts = _calendar(written["when"])
        if parts and any(parts):
            year, month, day = parts
            phrase = written.group().strip()
            return replace(base, phrase=phrase, year=year, month=month, day=day, hint=not point)
    return base


def without_order_words(question: str) -> str:
    """The question without "latest", "most recently", "first"...: what is left to match."""
    return _FIRST.sub(" ", _LATEST.sub(" ", question))


def relative_note(question: str, newest: dt.date | None, constraint: DateConstraint) -> str | None:
    """How a date relative to now ("last week") was read, to show the user; None if none.
    ``constraint``: what ``question_dates(question, newest)`` read, so it is not read twice."""
    match = _RELATIVE.search(question)
    if not match:
        return None
    if newest is None:
        return f"{match['when']}: no article has a full date to count from, so it is ignored"
    return constraint.describe()
