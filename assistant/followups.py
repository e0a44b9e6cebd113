"""What the answer to a follow-up must hold: the kind of thing it asks for, and its own words.

A follow-up is searched for with the conversation's names and words carried in, so retrieval
and the ranker find the previous story again whatever was asked. When the retrieved text of
the quoted article holds none of the follow-up's own words ("the tickets", "the referee": a
detail the story never states), or the quote not the kind of thing it asks for ("What day
was that?": a day), the quote answers the previous question, not this one. Such a draft is
refused, and "Not found" is the honest answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.domain import Citation, Passage
from assistant.evidence import answer_type, has_type, question_terms, type_match
from index.metadata import dateline_end
from index.terms import terms

# Words that name the kind of thing asked for, or point back, not what the answer must say.
_POINTING = frozenset(
    terms(
        "day date time year month week city country place town capital event person people "
        "according that this it there then they them else other another like "
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday"
    )
)
_TYPED = ("date", "place", "person", "number")


def own_terms(question: str) -> set[str]:
    """The follow-up's own content terms (stemmed), without the words that only point."""
    return question_terms(question) - _POINTING


def answers_followup(question: str, quotes: Sequence[str], around: Sequence[str]) -> bool:
    """Do the retrieved passages of the quoted articles (``around``) hold one of the
    follow-up's own terms (when it has any), and do ``quotes``, when it asks for a date,
    place, person or number, hold one that it does not already name?"""
    own = own_terms(question)
    if own and not own & set(terms(" ".join(around))):
        return False  # a detail the story never states
    kind = answer_type(question)
    return kind not in _TYPED or has_type(" ".join(quotes), kind, question)


def names_one(names: Sequence[str], texts: Sequence[str]) -> bool:
    """Do ``texts`` name one of ``names`` (every word of it, stemmed)? True without names."""
    if not names:
        return True
    found = set(terms(" ".join(texts)))
    return any(set(terms(name)) <= found for name in names)


_SOURCE_ASKED = re.compile(r"\baccording to whom\b|\bwho said (?:so|that|it)\b|\bsays who\b", re.I)
_NAME = r"[A-Z][\w.'’&-]*(?: (?:of |for |the )?[A-Z][\w.'’&-]*){0,5}"
_SOURCE = re.compile(
    rf"\baccording to (?:the )?(?P<a>{_NAME})|(?P<b>{_NAME}),? (?:said|says|told|reported)\b"
    rf"|\b(?:said|says|told) (?P<c>{_NAME})"
)
_NOT_SOURCES = frozenset("He She They It The This That We I But And A An In On".split())  # noqa: SIM905


def _asked(question: str) -> str | None:
    """What an attribute follow-up asks for: "source" ("According to whom?") or a type."""
    if _SOURCE_ASKED.search(question):
        return "source"
    kind = answer_type(question)
    return kind if kind in _TYPED else None


def _found(body: str, kind: str, question: str) -> tuple[int, int] | None:
    """Where in ``body`` the asked thing is (offsets in ``body``), if it is there."""
    at = dateline_end(body)  # the dateline's date is the article's, not the event's
    if kind != "source":
        match = type_match(body[at:], kind, question)
        return (at + match.start(), at + match.end()) if match else None
    for m in _SOURCE.finditer(body, at):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        if m.group(group).split()[0] not in _NOT_SOURCES:
            return m.span(group)
    return None


def previous_event(
    passages: Sequence[Passage], said: str, question: str
) -> tuple[Citation, str] | None:
    """An attribute follow-up ("What day was that?", "Who chaired it?", "According to whom?")
    answered from the previous answer's own sentences (``said``), or the ones next to them: the
    first such sentence that holds the asked thing and the follow-up's own words. Returns the
    citation (its ``focus`` on the thing) and the thing, or None."""
    kind = _asked(question)
    if kind is None or not said:
        return None
    own = own_terms(question)
    for p in passages:
        bodies = [p.text[s - p.start : e - p.start] for s, e in p.sentences]
        quoted = [i for i, b in enumerate(bodies) if len(b.strip()) > 20 and b.strip() in said]
        near = [j for i in quoted for j in (i + 1, i - 1) if 0 <= j < len(bodies)]
        for j in dict.fromkeys(quoted + near):
            span = _found(bodies[j], kind, question)
            if span is None or not own <= set(terms(bodies[j])):
                continue
            start, end = p.sentences[j]
            focus = (start + span[0], start + span[1])
            return _citation(p, start, end, bodies[j], focus), bodies[j][span[0] : span[1]]
    return None


def _citation(p: Passage, start: int, end: int, quote: str, focus: tuple[int, int]) -> Citation:
    return p.cite(1, start, end, quote, p.score, focus)
