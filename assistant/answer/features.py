"""Features of candidate answer sentences (for the ranker) and of a chosen answer (for the
confidence model). Every feature is documented in eval/README.md; the order of the names
below is the order of the columns the committed models were trained on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.domain import Passage, Span
from assistant.evidence import TYPE_KINDS, has_type
from assistant.question import Question
from index.terms import terms

FEATURES_VERSION = 13  # bump when a feature's computation changes (training caches key on it)
SENTENCE_FEATURES = (
    "cov_sent",  # idf-weighted share of the question's terms in the sentence
    "cov_ctx",  # ... in the sentence and its neighbours in the passage
    "cov_passage",  # ... in the whole passage
    "cov_article",  # ... in the retrieved passages of the same article
    "cov_sent_gap",  # cov_sent minus the best cov_sent among candidates
    "ent_sent",  # share of the question's names and numbers found in the sentence
    "bm25_sent",  # BM25 of the sentence (global idf), over the question's idf mass
    "cos_sent",  # cosine of the (in-context) sentence vector to the question
    "cos_sent_gap",  # cos_sent minus the best among candidates
    "cos_passage",  # cosine of the passage to the question
    "passage_score",  # fused retrieval score over the best passage's
    "passage_rrank",  # 1 / passage rank
    "type_person",  # the question asks who, and the sentence names someone new
    "type_place",
    "type_date",
    "type_number",
    "type_entity",  # asks which/what <thing>, sentence has a new capitalised name
    "type_any",  # the question's answer type is known and the sentence holds one
    "kind_none",  # the question's wording gives no answer type
    "new_names",  # capitalised words not in the question, log-scaled
    "first_chunk",  # the sentence is in the article's first chunk
    "sent_pos",  # position of the sentence in its passage, 0..1
    "log_words",  # log of the sentence's length in words
    "is_question",  # the sentence ends with a question mark
    "cov_x_type",  # cov_ctx * type_any
)
CONFIDENCE_FEATURES = (
    "p_top",  # ranker probability of the chosen sentence
    "p_margin",  # ... minus the runner-up's
    "cov_sent",  # of the chosen sentence
    "cov_ctx",
    "cov_article",
    "ent_article",  # share of the question's names found in the chosen article's passages
    "ent_missing",  # share of the question's names the corpus never mentions
    "unknown_terms",  # share of the question's terms the corpus never uses
    "bm25_top",  # best passage's BM25 over the question's idf mass
    "cos_top",  # best passage's cosine
    "type_any",  # the chosen sentence holds the asked answer type
    "kind_none",
)
_CAPS = re.compile(r"\b[A-Z][\w'’.-]*[\w]")
# "MOSCOW, July 13./TASS/." or "WASHINGTON (AP) —": where and when the story was filed, not
# evidence about the event asked of; the quote keeps it, the features do not read it.
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'\-]{1,40},\s+[A-Z][a-z]+\.?\s+\d{1,2}\.?\s*/\s*[A-Za-z\- ]{1,30}\s*/\.?\s*"
    r"|^[A-Z][A-Z .'\-]{1,40}\s+\([A-Za-z ]{1,20}\)\s+[—–-]+\s*"
)
_SENT_AVG_WORDS = 25.0


class Stats(Protocol):
    """Corpus statistics (the BM25 index provides them)."""

    def idf(self, term: str) -> float: ...

    def df(self, term: str) -> int: ...


class RememberedStats:
    """``Stats`` that look each term up once: one answer reads a term's df and idf from
    several features, and each lookup walks every BM25 segment."""

    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._df: dict[str, int] = {}
        self._idf: dict[str, float] = {}

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = self._stats.df(term)
        return self._df[term]

    def idf(self, term: str) -> float:
        if term not in self._idf:
            self._idf[term] = self._stats.idf(term)
        return self._idf[term]


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    index: int  # of the sentence in the passage
    span: Span
    text: str  # as quoted
    body: str  # the text without a leading dateline: what the features read
    terms: frozenset[str]
    vector: np.ndarray | None
    counts: dict[str, int]


def candidates_of(passages: Sequence[Passage]) -> list[Candidate]:
    """Every distinct sentence of the passages, in passage order."""
    seen: set[tuple[str, Span]] = set()
    out: list[Candidate] = []
    for p in passages:
        vectors = p.sentence_vectors if len(p.sentence_vectors) == len(p.sentences) else None
        for i, span in enumerate(p.sentences):
            if (p.article, span) in seen:
                continue
            seen.add((p.article, span))
            text = p.text[span[0] - p.start : span[1] - p.start]
            body = _DATELINE.sub("", text, count=1)
            vec = vectors[i] if vectors is not None else None
            counts: dict[str, int] = {}
            for t in terms(body):
                counts[t] = counts.get(t, 0) + 1
            out.append(Candidate(p, i, span, text, body, frozenset(counts), vec, counts))
    return out


class Weights:
    """idf of the question's terms, and coverage of them by a set of terms."""

    def __init__(self, question: Question, stats: Stats) -> None:
        self.idf = {t: stats.idf(t) for t in question.terms}
        self.total = sum(self.idf.values())

    def coverage(self, found: frozenset[str] | set[str]) -> float:
        if not self.total:
            return 0.0
        return sum(w for t, w in self.idf.items() if t in found) / self.total


def _new_names(text: str, question: Question) -> int:
    asked = question.text.lower()
    return sum(1 for m in _CAPS.finditer(text) if m.group().lower() not in asked)


def _entity_share(found: frozenset[str] | set[str], question: Question) -> float:
    if not question.entities:
        return 1.0
    return len(question.entities & found) / len(question.entities)


def _bm25(cand: Candidate, question: Question, weights: Weights) -> float:
    if not weights.total:
        return 0.0
    counts = cand.counts
    norm = 1.5 * (0.25 + 0.75 * max(len(counts), 1) / _SENT_AVG_WORDS)
    score = sum(
        w * counts[t] * 2.5 / (counts[t] + norm) for t, w in weights.idf.items() if t in counts
    )
    return score / weights.total


def sentence_features(
    question: Question, cands: Sequence[Candidate], passages: Sequence[Passage], stats: Stats
) -> np.ndarray:
    """One row per candidate, columns in ``SENTENCE_FEATURES`` order."""
    weights = Weights(question, stats)
    by_passage: dict[str, list[Candidate]] = {}
    for c in cands:
        by_passage.setdefault(c.passage.chunk_id, []).append(c)
    passage_terms: dict[str, set[str]] = {}
    for c in cands:
        passage_terms.setdefault(c.passage.chunk_id, set()).update(c.terms)
    article_terms: dict[str, set[str]] = {}
    for p in passages:
        article_terms.setdefault(p.article, set()).update(passage_terms.get(p.chunk_id, ()))
    top_score = max((p.score for p in passages), default=0.0) or 1.0
    rows = []
    for c in cands:
        siblings = {s.index: s for s in by_passage[c.passage.chunk_id]}
        ctx = set(c.terms)
        for j in (c.index - 1, c.index + 1):
            if j in siblings:
                ctx |= siblings[j].terms
        cos = float(c.vector @ question.vector) if c.vector is not None else c.passage.cosine
        kind = question.kind
        typed = {k: float(kind == k and has_type(c.body, k, question.text)) for k in TYPE_KINDS}
        type_any = float(any(typed.values()))
        n_sent = max(len(c.passage.sentences) - 1, 1)
        rows.append(
            [
                weights.coverage(c.terms),
                weights.coverage(ctx),
                weights.coverage(passage_terms.get(c.passage.chunk_id, set())),
                weights.coverage(article_terms.get(c.passage.article, set())),
                0.0,
                _entity_share(c.terms, question),
                _bm25(c, question, weights),
                cos,
                0.0,
                c.passage.cosine,
                c.passage.score / top_score,
                1.0 / max(c.passage.rank, 1),
                typed["person"],
                typed["place"],
                typed["date"],
                typed["number"],
                typed["entity"],
                type_any,
                float(kind is None),
                math.log1p(_new_names(c.body, question)),
                float(c.passage.chunk_index == 0),
                c.index / n_sent,
                math.log1p(len(c.body.split())),
                float(c.body.rstrip().endswith("?")),
                weights.coverage(ctx) * type_any,
            ]
        )
    x = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(SENTENCE_FEATURES))
    if len(x):
        x[:, 4] = x[:, 0] - x[:, 0].max()
        x[:, 8] = x[:, 7] - x[:, 7].max()
    return x


def question_level(question: Question, passages: Sequence[Passage], stats: Stats) -> np.ndarray:
    """The confidence features that do not depend on the chosen sentence:
    ent_missing, unknown_terms, bm25_top, cos_top."""
    if question.entities:
        missing = sum(1 for e in question.entities if stats.df(e) == 0) / len(question.entities)
    else:
        missing = 0.0
    unknown = (
        sum(1 for t in question.terms if stats.df(t) == 0) / len(question.terms)
        if question.terms
        else 0.0
    )
    weights = Weights(question, stats)
    top = passages[0] if passages else None
    bm25_top = top.bm25 / weights.total if top is not None and weights.total else 0.0
    return np.asarray([missing, unknown, bm25_top, top.cosine if top else 0.0], np.float64)


def article_entity_share(question: Question, passages: Sequence[Passage], article: str) -> float:
    """Share of the question's names found in the retrieved passages of ``article``."""
    found: set[str] = set()
    for p in passages:
        if p.article == article:
            found |= set(terms(p.text))
    return _entity_share(found, question)


def confidence_row(
    probs: np.ndarray, x: np.ndarray, best: int, level: np.ndarray, ent_article: float
) -> np.ndarray:
    """One row in ``CONFIDENCE_FEATURES`` order for candidate ``best`` (``probs`` and ``x``
    rows of all candidates)."""
    col = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
    others = np.delete(probs, best)
    runner_up = float(others.max()) if len(others) else 0.0
    return np.asarray(
        [
            probs[best],
            probs[best] - runner_up,
            x[best, col["cov_sent"]],
            x[best, col["cov_ctx"]],
            x[best, col["cov_article"]],
            ent_article,
            *level,
            x[best, col["type_any"]],
            x[best, col["kind_none"]],
        ],
        dtype=np.float64,
    )
