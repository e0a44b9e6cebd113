"""A question, analysed once into one value that retrieval, ranking and refusal all read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.conversation import names
from assistant.dates.constraint import (
    DateConstraint,
    question_dates,
    relative_note,
    without_order_words,
)
from assistant.evidence import answer_type, question_entities, question_terms
from index.embedding import MiniLMEmbedding
from index.terms import terms

# Months and weekdays in a question constrain *when* (the article's date answers for them:
# the assistant.dates package); the quoted sentence need not repeat them, so they are not
# among the terms whose coverage the answerer scores. BM25 still reads them.
_CALENDAR = frozenset(
    terms(
        "january february march april may june july august september october november december"
        " monday tuesday wednesday thursday friday saturday sunday"
    )
)


@dataclass(frozen=True)
class Reading:
    """What one text of a question says, read once: ``dates`` the date constraint it states,
    ``note`` how a date relative to now in it ("last week") was read (None without one),
    ``names`` the capitalised names it asks about, ``order_only`` True when nothing but
    order words ("What happened most recently?") is left to match."""

    dates: DateConstraint
    note: str | None
    names: tuple[str, ...]
    order_only: bool


def read(text: str, newest: dt.date | None = None) -> Reading:
    """``newest``: the newest article date, what "last week" and "this year" count from."""
    dates = question_dates(text, newest)
    return Reading(
        dates=dates,
        note=relative_note(text, newest, dates),
        names=tuple(names(text)),
        order_only=not question_terms(without_order_words(text)),
    )


@dataclass(frozen=True)
class Question:
    """``text`` as asked; ``search`` what retrieval reads (equal unless a follow-up was
    expanded); ``terms`` its content terms (stemmed, asking words out), ``query_terms``
    every stemmed term BM25 reads, ``entities`` the names and numbers it states, ``kind``
    the answer type its wording asks for, ``asked`` / ``searched`` what ``text`` /
    ``search`` say about dates and names, ``vector`` the unit embedding of ``search``."""

    text: str
    search: str
    terms: frozenset[str]
    query_terms: tuple[str, ...]
    entities: frozenset[str]
    kind: str | None
    asked: Reading
    searched: Reading
    vector: np.ndarray = field(compare=False, repr=False)


def normalise_text(text: str) -> str:
    """``text`` with every lone surrogate (an undecodable byte of a command line, a bad
    ``\\udXXX`` escape) replaced by U+FFFD, so that it can be encoded, tokenised and printed."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def analyse(
    text: str,
    model: MiniLMEmbedding,
    search: str | None = None,
    vector: np.ndarray | None = None,
    newest: dt.date | None = None,
) -> Question:
    """``vector``: the embedding of ``search``, when already computed; ``newest``: see
    ``read``."""
    search = search or text
    asked = read(text, newest)
    searched = asked if search == text else read(search, newest)
    vector = model.embed([search])[0] if vector is None else vector
    return _question(text, search, vector, asked, searched)


def analyse_all(
    pairs: Sequence[tuple[str, str]], model: MiniLMEmbedding, newest: dt.date | None = None
) -> list[Question]:
    """Each (text, search) pair analysed once, every distinct search embedded (in one batch)
    and every distinct text read once."""
    searches = list(dict.fromkeys(search for _, search in pairs))
    vectors = dict(zip(searches, model.embed(searches), strict=True))
    readings = {t: read(t, newest) for t in dict.fromkeys(t for pair in pairs for t in pair)}
    done = {
        (text, search): _question(text, search, vectors[search], readings[text], readings[search])
        for text, search in dict.fromkeys(pairs)
    }
    return [done[pair] for pair in pairs]


def _question(
    text: str, search: str, vector: np.ndarray, asked: Reading, searched: Reading
) -> Question:
    return Question(
        text=text,
        search=search,
        terms=frozenset(question_terms(search)) - _CALENDAR,
        query_terms=tuple(terms(search)),
        entities=frozenset(question_entities(text)),
        kind=answer_type(text),
        asked=asked,
        searched=searched,
        vector=vector,
    )
