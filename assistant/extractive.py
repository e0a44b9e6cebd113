"""The default answerer: quote the 1-3 retrieved sentences that best answer the question.

Choosing the sentence is the hard part: the single most question-similar
sentence holds the answer far less often than the top passages do. So each
candidate sentence is scored on four kinds of evidence: idf-weighted
coverage of the question's terms, cosine similarity to the question, the
rank of its passage, and whether it holds the kind of thing asked for (a date
for "when", a number for "how many", ...). The weights below were tuned on
eval/dev.jsonl only (see eval/README.md).

Refusal is decided from evidence too, not from one similarity threshold:
every name in the question must appear in what is quoted or its passage,
and enough of the question's idf-weighted terms must be covered there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.domain import Citation, Passage, Span
from assistant.evidence import (
    TermStats,
    answer_type,
    has_type,
    question_entities,
    question_terms,
    word_count,
)
from index.embedding import MiniLMEmbedding
from index.terms import terms

NOT_FOUND = "Not found in the articles."


@dataclass(frozen=True)
class Tuning:
    lexical: float = 0.30
    semantic: float = 0.35
    passage: float = 0.10
    answer_type: float = 0.20
    second_within: float = 0.80  # a further sentence must score this share of the best
    max_sentences: int = 3
    max_words: int = 80
    min_coverage: float = 0.25  # of the question's idf mass, in the quoted articles
    max_unknown: float = 0.6  # share of question terms the corpus never uses


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    span: Span
    text: str
    terms: frozenset[str]
    score: float


@dataclass(frozen=True)
class Draft:
    text: str
    refused: bool
    citations: tuple[Citation, ...]


class ExtractiveAnswerer:
    """Sentence selection and refusal over ranked passages; holds a sentence-vector cache."""

    def __init__(self, model: MiniLMEmbedding, tuning: Tuning | None = None) -> None:
        self._model = model
        self.tuning = tuning or Tuning()
        self._vectors: dict[tuple[str, Span], np.ndarray] = {}

    def _sentence_vectors(self, items: list[tuple[Passage, Span, str]]) -> np.ndarray:
        keys = [(p.chunk_id or p.article, span) for p, span, _ in items]
        todo = [i for i, key in enumerate(keys) if key not in self._vectors]
        if todo:
            fresh = self._model.embed([items[i][2] for i in todo])
            if len(self._vectors) > 50_000:
                self._vectors.clear()
            self._vectors.update({keys[i]: fresh[j] for j, i in enumerate(todo)})
        return np.stack([self._vectors[key] for key in keys])

    def candidates(
        self, question: str, passages: list[Passage], stats: TermStats, q_vec: np.ndarray
    ) -> list[Candidate]:
        """Every distinct sentence of the passages, best first."""
        seen: set[tuple[str, Span]] = set()
        items: list[tuple[Passage, Span, str]] = []
        for p in passages:
            for span in p.sentences:
                if (p.article, span) not in seen:
                    seen.add((p.article, span))
                    items.append((p, span, p.text[span[0] - p.start : span[1] - p.start]))
        if not items:
            return []
        cosines = self._sentence_vectors(items) @ q_vec
        wanted, kind, t = question_terms(question), answer_type(question), self.tuning
        top_passage = max(p.score for p in passages) or 1.0
        scored = []
        for (p, span, text), cos in zip(items, cosines, strict=True):
            found = frozenset(terms(text))
            score = (
                t.lexical * stats.coverage(wanted, set(found))
                + t.semantic * float(cos)
                + t.passage * p.score / top_passage
                + t.answer_type * has_type(text, kind, question)
            )
            scored.append(Candidate(p, span, text, found, score))
        return sorted(scored, key=lambda c: -c.score)

    def select(self, question: str, ranked: list[Candidate]) -> list[Candidate]:
        """The best sentence, plus up to two more that add missing question terms."""
        t = self.tuning
        chosen = [ranked[0]]
        covered = set(ranked[0].terms)
        wanted = question_terms(question)
        for cand in ranked[1:]:
            if len(chosen) == t.max_sentences or cand.score < t.second_within * ranked[0].score:
                break
            adds = (wanted & cand.terms) - covered
            other_article = all(c.passage.article != cand.passage.article for c in chosen)
            words = sum(word_count(c.text) for c in chosen) + word_count(cand.text)
            if (adds or other_article) and words <= t.max_words:
                chosen.append(cand)
                covered |= cand.terms
        return chosen

    def supported(self, question: str, chosen: list[Candidate], stats: TermStats) -> bool:
        """Is there evidence that the quoted sentences answer the question?

        A name the corpus never mentions cannot be answered about, nor a question most of
        whose words the corpus never uses; a "how many" or
        "when" question needs a number or a date in what is quoted; and enough of the
        question's idf-weighted terms must occur in the quoted articles.
        """
        if any(stats.df.get(name, 0) == 0 for name in question_entities(question)):
            return False
        wanted = question_terms(question)
        unknown = sum(1 for t in wanted if stats.df.get(t, 0) == 0)
        if wanted and unknown / len(wanted) >= self.tuning.max_unknown:
            return False
        kind = answer_type(question)
        if kind in ("number", "date") and not any(has_type(c.text, kind, question) for c in chosen):
            return False
        found: set[str] = set()
        for c in chosen:
            found |= stats.articles.get(c.passage.article, c.terms)
        return stats.coverage(wanted, found) >= self.tuning.min_coverage

    def answer(
        self, question: str, passages: list[Passage], stats: TermStats, q_vec: np.ndarray
    ) -> Draft:
        ranked = self.candidates(question, passages, stats, q_vec)
        if not ranked:
            return Draft(NOT_FOUND, True, ())
        chosen = self.select(question, ranked)
        if not self.supported(question, chosen, stats):
            return Draft(NOT_FOUND, True, ())
        first = chosen[0].passage.article
        chosen.sort(key=lambda c: (c.passage.article != first, c.passage.article, c.span))
        citations = tuple(
            Citation(
                n=n,
                article=c.passage.article,
                title=c.passage.title,
                date=c.passage.date,
                source=c.passage.source,
                start=c.span[0],
                end=c.span[1],
                quote=c.text,
                score=round(c.score, 4),
                dateline=c.passage.dateline,
                month_day=c.passage.month_day,
            )
            for n, c in enumerate(chosen, start=1)
        )
        text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
        return Draft(text, False, citations)
