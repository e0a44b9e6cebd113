"""The short answer: the phrase inside a quoted sentence that answers the question.

Every candidate phrase (``assistant.answer.focus``) of the two best sentences is scored by a small
logistic model (``models/phrase.json``, trained by ``make train`` on rtqa-dev, features in
``PHRASE_FEATURES``) that estimates the probability that it is the answer; the best is
given only when it is more likely right than wrong: no focus rather than a wrong one.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.answer.focus import Phrase, phrase_key, phrases_in
from assistant.question import Question
from index.terms import terms

if TYPE_CHECKING:
    from assistant.answer.features import Candidate

Embed = Callable[[Sequence[str]], np.ndarray]

PHRASE_SENTENCES = 2  # the short answer is looked for in the best two sentences
SHORT_THRESHOLD = 0.5  # a short answer only when more likely right than wrong
PHRASE_FEATURES = (
    "kind_match",  # a name for who/where/which questions, a date for when, a number for how many
    "possessive",  # a possessive name ("Russia's"), offered without its "'s"
    "initial",  # the phrase opens its sentence, where a capital says little
    "after_prep",  # it follows in/at/to/from/near
    "log_words",  # log of its length in words
    "vote_rel",  # its support across the retrieved articles over the best in its sentence
    "vote",  # its support: the sum over articles of their best sentence coverage with it
    "log_dist",  # log of the words between it and the nearest question term in its sentence
    "cos_question",  # cosine of its embedding to the question's
    "cos_head",  # a name's cosine to the thing asked for ("country" in "which country",
    # "person" for who); 0 for dates and numbers
    "is_date",
    "is_number",
    "adjective",  # one capitalised word ending like a demonym, before a lower-case word
    # ("Korean group")
    "sentence_rank",  # 0: in the best sentence, 1: in the runner-up
    "sentence_p",  # the ranker's probability of its sentence
    "position",  # its offset in the sentence over the sentence's length
    "kind_none",  # the question's wording gives no answer type
    "log_phrases",  # log of the number of candidate phrases in its sentence
    "kind_unique",  # of the asked kind, and the only such phrase in its sentence
)
_KIND_OF = {"person": "name", "entity": "name", "place": "name", "date": "date", "number": "number"}

_PREPOSITION = re.compile(r"\b(?:in|at|to|from|near)\s+(?:the\s+)?$", re.IGNORECASE)
_HEAD = re.compile(r"\b(?:which|what)\s+(\w+)", re.IGNORECASE)
_NOT_HEADS = frozenset(["is", "are", "was", "were", "did", "does", "do", "has", "have", "had"])
_ADJECTIVE = re.compile(r"[A-Z][a-z]+(?:an|ese|ish|ic|i)\s+[a-z]")


class PhraseVectors:
    """``embed`` for candidate phrases, remembered: names recur from question to question
    (the oldest are forgotten past ``size``)."""

    def __init__(self, embed: Embed, size: int = 4096) -> None:
        self._embed = embed
        self._size = size
        self._known: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._known[text] = vector
            while len(self._known) > self._size:
                self._known.pop(next(iter(self._known)))
        return np.stack([self._known[t] for t in texts])


def head_of(question: str) -> str | None:
    """The thing the question asks for: "country" in "which country", "person" for who."""
    for m in _HEAD.finditer(question):
        if m.group(1).lower() not in _NOT_HEADS:
            return m.group(1).lower()
    for word, head in (("who", "person"), ("where", "place"), ("when", "date")):
        if re.search(rf"\b{word}\b", question, re.IGNORECASE):
            return head
    return None


def phrase_votes(keys: set[str], cands: Sequence[Candidate], cov: np.ndarray) -> dict[str, float]:
    """Redundancy: each retrieved article supports a phrase (by ``key``) with the best
    ``cov`` (question coverage) among its sentences that contain it; the support of a phrase
    is the sum over articles. (As a sentence-ranking feature this did not help on rtqa-dev:
    eval/README.md.)"""
    bodies = [f" {phrase_key(c.body)} " for c in cands]
    votes: dict[str, float] = {}
    for key in keys:
        best: dict[str, float] = {}
        for c, body, w in zip(cands, bodies, cov, strict=True):
            if f" {key} " in body and w > best.get(c.passage.article, 0.0):
                best[c.passage.article] = float(w)
        votes[key] = sum(best.values())
    return votes


def phrase_table(
    question: Question,
    cands: Sequence[Candidate],
    probs: np.ndarray,
    cov: np.ndarray,
    embed: Embed,
) -> tuple[list[Phrase], np.ndarray]:
    """The candidate phrases of the best ``PHRASE_SENTENCES`` of ``cands`` (ranked, best
    first, with their ranker ``probs`` and ``cov_sent``), and one feature row each."""
    phrases = [
        p for i, c in enumerate(cands[:PHRASE_SENTENCES]) for p in phrases_in(question, c.body, i)
    ]
    if not phrases:
        return [], np.zeros((0, len(PHRASE_FEATURES)))
    votes = phrase_votes({p.key for p in phrases}, cands, cov)
    head = head_of(question.text)
    vectors = embed([p.text for p in phrases] + ([head] if head else []))
    head_vector = vectors[-1] if head else question.vector
    words = {i: _words(cands[i].body, question) for i in {p.sentence for p in phrases}}
    rows = []
    for p, v in zip(phrases, vectors[: len(phrases)], strict=True):
        cosines = (float(v @ question.vector), float(v @ head_vector) if p.kind == "name" else 0.0)
        body = cands[p.sentence].body
        rows.append(_row(p, phrases, body, question, votes, words[p.sentence], probs, cosines))
    return phrases, np.asarray(rows, dtype=np.float64)


def _row(
    p: Phrase,
    phrases: list[Phrase],
    body: str,
    question: Question,
    votes: dict[str, float],
    words: tuple[list[int], list[int]],
    probs: np.ndarray,
    cosines: tuple[float, float],
) -> list[float]:
    """The features of ``p``, in ``PHRASE_FEATURES`` order; ``cosines``: its cos_question
    and cos_head."""
    asked = _KIND_OF.get(question.kind or "")
    mine = [q for q in phrases if q.sentence == p.sentence]
    typed = {q.key for q in mine if q.kind == asked}
    return [
        float(p.kind == asked),
        float(p.possessive),
        float(not body[: p.span[0]].strip(" \"“‘'")),
        float(bool(_PREPOSITION.search(body[max(0, p.span[0] - 12) : p.span[0]]))),
        math.log1p(len(p.text.split())),
        votes[p.key] / (max(votes[q.key] for q in mine) or 1.0),
        votes[p.key],
        math.log1p(_distance(*words, p.span[0])),
        *cosines,
        float(p.kind == "date"),
        float(p.kind == "number"),
        float(bool(_ADJECTIVE.match(body, p.span[0])) and p.kind == "name"),
        float(p.sentence),
        float(probs[p.sentence]),
        p.span[0] / max(len(body), 1),
        float(question.kind is None),
        math.log(len(mine)),
        float(p.kind == asked and len(typed) == 1),
    ]


def _words(body: str, question: Question) -> tuple[list[int], list[int]]:
    """The offsets of the words of ``body``, and which of them are question terms."""
    wanted = set(question.query_terms)
    found = list(re.finditer(r"\w+", body))
    return [m.start() for m in found], [
        i for i, m in enumerate(found) if wanted.intersection(_terms_of(m.group()))
    ]


@functools.lru_cache(maxsize=16384)
def _terms_of(word: str) -> tuple[str, ...]:
    return tuple(terms(word))


def _distance(offsets: list[int], hits: list[int], start: int) -> int:
    """Words between offset ``start`` and the nearest question term (30: none)."""
    at = next((i for i, offset in enumerate(offsets) if offset >= start), len(offsets))
    return min((abs(at - i) for i in hits), default=30)


def best_index(p: np.ndarray, threshold: float = SHORT_THRESHOLD) -> int | None:
    """The most probable phrase's index (``p``: each one's probability), when that is at
    least ``threshold``."""
    if not len(p):
        return None
    best = int(np.argmax(p))
    return best if p[best] >= threshold else None


def best_phrase(phrases: list[Phrase], p: np.ndarray, threshold: float) -> Phrase | None:
    """The short answer: the most probable phrase, when that is at least ``threshold`` (the
    model's, ``SHORT_THRESHOLD``)."""
    best = best_index(p, threshold) if phrases else None
    return None if best is None else phrases[best]
