"""The full name behind a short one.

A story names a team, a person or a product in full once ("the Vegas Golden Knights",
"Speaker Kevin McCarthy") and by its short form afterwards ("the Golden Knights",
"McCarthy"). When the short answer is such a short form, a reader learns less than the
article says, and a reader who asked "which team?" may not recognise it. ``fuller`` finds the
full form in a retrieved sentence of the same article: one or two capitalised words written
directly before the short form, a title or a sentence opener aside ("Speaker", "The"). The
answer then quotes that sentence first, and the full form becomes the short answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.features import Candidate
from assistant.domain import Span

# Capitalised words that come before a name without being part of it: sentence openers,
# titles and roles. A fixed list, not tuned on any question set.
_NOT_NAME_WORDS = """
    the a an in on at by for from to of with but and or so as if when while after before
    since until then this that these those his her their its our my your former late
    president vice speaker house senate sen senator rep representative gov governor mayor
    coach manager judge justice secretary minister prime chief ceo chairman chairwoman dr
    mr mrs ms sir dame lord lady king queen prince princess pope gen general col colonel
    capt captain officer director star actor actress singer rapper player pitcher
    quarterback striker goalkeeper champion rookie monday tuesday wednesday thursday
    friday saturday sunday january february march april june july august september october
    november december
"""
NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
_CAP = re.compile(r"[A-Z][\w.&-]*[\w.]|[A-Z]")


@dataclass(frozen=True)
class FullName:
    """The full form ``text``, at ``span`` in the ``body`` of ``sentence``."""

    sentence: Candidate
    span: Span
    text: str


def fuller(short: str, candidates: Sequence[Candidate], article: str) -> FullName | None:
    """The earliest retrieved sentence of ``article`` that writes ``short`` after one or two
    capitalised words that are part of the name, and the longer form; None when there is
    none, or when the article writes two different longer forms ("Joe Biden", "Hunter
    Biden"): then the short form does not say which."""
    pattern = re.compile(rf"((?:\S+\s+){{1,2}}){re.escape(short)}(?![\w'’])")
    found: list[FullName] = []
    for cand in sorted((c for c in candidates if c.passage.article == article), key=_at):
        for match in pattern.finditer(cand.body):
            start = _name_start(match.group(1), match.start(1))
            if start is not None:
                span = (start, match.end())
                found.append(FullName(cand, span, cand.body[span[0] : span[1]]))
    if len({f.text for f in found}) != 1:
        return None
    return found[0]


def _name_start(prefix: str, at: int) -> int | None:
    """Where the name begins in ``prefix`` (the words before the short form, starting at
    ``at``): the capitalised words nearest the short form that are not titles or openers."""
    words = [(m.group(), at + m.start()) for m in re.finditer(r"\S+", prefix)]
    start = None
    for word, offset in reversed(words):
        if not _CAP.fullmatch(word) or word.rstrip(".").lower() in NOT_NAME:
            break
        start = offset
    return start


def _at(cand: Candidate) -> int:
    return cand.span[0]
