"""What the answer to a follow-up must hold: the kind of thing it asks for, and its own words.

A follow-up is searched for with the conversation's names and words carried in, so retrieval
and the ranker find the previous story again whatever was asked. When the retrieved text of
the quoted article holds none of the follow-up's own words ("the tickets", "the referee": a
detail the story never states), or the quote not the kind of thing it asks for ("What day
was that?": a day), the quote answers the previous question, not this one. Such a draft is
refused, and "Not found" is the honest answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.evidence import answer_type, has_type, question_terms
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
