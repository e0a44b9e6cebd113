"""Relative date words in a quoted sentence, resolved against its article's date.

"today", "yesterday", "on Monday", "this week" in a quote become the calendar date they
stand for, for display beside the quote ("(today = December 2)"); the quote itself is
never altered.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.dates.article_dates import parse_month_day
from assistant.dates.constraint import MONTHS, WEEKDAYS

_SAID = re.compile(
    r"\b(?P<word>today|yesterday|tomorrow|this week|last week|"
    r"(?:on |last |this )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.IGNORECASE,
)


def _show(day: dt.date, year: bool) -> str:
    return f"{day.day} {MONTHS[day.month - 1].capitalize()}" + (f" {day.year}" if year else "")


def resolve_relative(
    sentence: str, article_date: str | None, month_day: str | None = None
) -> str | None:
    """ "today = 2 December 2024", "Monday = 2 December 2024" or, with a partial date,
    "today = December 2": the calendar date a relative word in ``sentence`` stands for.

    Weekdays and weeks need the year (which weekday a date is depends on it); with a
    partial date only today/yesterday/tomorrow resolve. None when nothing resolves.
    """
    full = dt.date.fromisoformat(article_date) if article_date else None
    md = parse_month_day(month_day)
    for m in _SAID.finditer(sentence):
        word = m["word"]
        key = word.lower().split()[-1]
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}.get(key)
        if full is not None:
            if shift is not None:
                return f"{word} = {_show(full + dt.timedelta(days=shift), True)}"
            if key == "week":
                start = full - dt.timedelta(days=full.weekday() + (7 if "last" in word else 0))
                return f"{word} = week of {_show(start, True)}"
            back = (full.weekday() - WEEKDAYS.index(key)) % 7
            back += 7 if word.lower().startswith("last ") and back == 0 else 0
            day = full - dt.timedelta(days=back)
            return f"{word.split()[-1]} = {_show(day, True)}"
        if md is not None and shift is not None:
            month, day_of = md
            day_n = day_of + shift
            if 1 <= day_n <= 28:
                return f"{word} = {MONTHS[month - 1].capitalize()} {day_n}"
    return None
