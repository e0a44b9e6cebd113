"""A question, analysed once into one value that retrieval, ranking and refusal all read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
class Question:
    """``text`` as asked; ``search`` what retrieval reads (equal unless a follow-up was
    expanded); ``terms`` its content terms (stemmed, asking words out), ``query_terms``
    every stemmed term BM25 reads, ``entities`` the names and numbers it states, ``kind``
    the answer type its wording asks for, ``vector`` the unit embedding of ``search``."""

    text: str
    search: str
    terms: frozenset[str]
    query_terms: tuple[str, ...]
    entities: frozenset[str]
    kind: str | None
    vector: np.ndarray = field(compare=False, repr=False)


def analyse(
    text: str,
    model: MiniLMEmbedding,
    search: str | None = None,
    vector: np.ndarray | None = None,
) -> Question:
    """``vector``: the embedding of ``search``, when already computed."""
    search = search or text
    return Question(
        text=text,
        search=search,
        terms=frozenset(question_terms(search)) - _CALENDAR,
        query_terms=tuple(terms(search)),
        entities=frozenset(question_entities(text)),
        kind=answer_type(text),
        vector=model.embed([search])[0] if vector is None else vector,
    )
