"""Articles' dates against a question's dates: pure functions over plain values.

An article's date is a full ``YYYY-MM-DD`` or, from a dateline without a year, a partial
``MM-DD`` (``month_day``). ``date_match`` scores one against a ``DateConstraint`` (a month
and day still match a partial date whose year is unknown), ``mentions`` asks whether a
text names the constraint's date, ``sort_key`` orders articles chronologically and
``newest_date`` finds the date that relative phrases ("last week") count from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.dates.constraint import MONTHS, DateConstraint


def parse_month_day(month_day: str | None) -> tuple[int, int] | None:
    """``"MM-DD"`` -> (month, day)."""
    if not month_day or not re.fullmatch(r"\d\d-\d\d", month_day):
        return None
    return int(month_day[:2]), int(month_day[3:])


def date_match(
    constraint: DateConstraint, article_date: str | None, month_day: str | None = None
) -> float:
    """How well an article's date fits the question's dates: 1.0 fits, 0.5 nearly, 0.0 not.

    ``article_date`` is YYYY-MM-DD or None; ``month_day`` ("MM-DD") is the partial date
    of an article whose year is unknown. A partial date can match a month and a day,
    never a year or a range of full dates (that would invent a year).
    """
    full = dt.date.fromisoformat(article_date) if article_date else None
    md = (full.month, full.day) if full else parse_month_day(month_day)
    if constraint.since or constraint.until:
        if full is None:
            return 0.0
        ok = (constraint.since is None or full >= constraint.since) and (
            constraint.until is None or full <= constraint.until
        )
        return 1.0 if ok else 0.0
    if not (constraint.year or constraint.month):
        return 0.0
    if constraint.year and (full is None or full.year != constraint.year):
        return 0.0
    if constraint.month:
        if md is None or md[0] != constraint.month:
            return 0.0
        if constraint.day and md[1] != constraint.day:
            return 0.5 if abs(md[1] - constraint.day) <= 2 else 0.0
    return 1.0


# AP style writes these months short before a day ("Jan. 29", "Sept. 4").
_SHORT_MONTHS = {
    "January": ("Jan.",),
    "February": ("Feb.",),
    "August": ("Aug.",),
    "September": ("Sept.", "Sep."),
    "October": ("Oct.",),
    "November": ("Nov.",),
    "December": ("Dec.",),
}


def mentions(text: str, constraint: DateConstraint) -> bool:
    """Does ``text`` name the month (and day) or year the constraint is about?"""
    if constraint.month:
        full = MONTHS[constraint.month - 1].capitalize()
        month = "|".join([full, *(re.escape(a) for a in _SHORT_MONTHS.get(full, ()))])
        month = f"(?:{month})"
        day = rf"\s+{constraint.day}\b" if constraint.day else ""
        if re.search(rf"\b{month}{day}|\b{constraint.day or 'x'} {month}(?!\w)", text):
            return not constraint.year or str(constraint.year) in text
        return False
    return bool(constraint.year) and re.search(rf"\b{constraint.year}\b", text) is not None


def sort_key(article_date: str | None, month_day: str | None) -> tuple[int, int, int]:
    """Chronological key; a partial date sorts within its month/day of an unknown year (0)."""
    if article_date:
        d = dt.date.fromisoformat(article_date)
        return d.year, d.month, d.day
    md = parse_month_day(month_day)
    return (0, md[0], md[1]) if md else (0, 0, 0)


def newest_date(dates: Sequence[str | None]) -> dt.date | None:
    """The newest full date among ``dates`` (YYYY-MM-DD or None)."""
    full = [dt.date.fromisoformat(d) for d in dates if d]
    return max(full) if full else None
