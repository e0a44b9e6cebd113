"""The default answerer: quote the retrieved sentence(s) that best answer the question.

A learned ranker (logistic regression over the features in ``assistant.answer.features``,
trained on the rtqa-dev set by ``make train``) scores every sentence of the retrieved
passages; the best one is quoted, with a second when it scores nearly as well and adds
something. A second model estimates the probability that the quote holds the answer; the
assistant refuses below a threshold chosen on cross-validation for at most 5% refusals of
answerable questions. A name the corpus never mentions is refused outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.features import (
    CONFIDENCE_FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    RememberedStats,
    Stats,
    article_entity_share,
    candidates_of,
    confidence_row,
    question_level,
    sentence_features,
)
from assistant.answer.focus import Phrase
from assistant.answer.full_name import FullName, fuller
from assistant.answer.neighbourhood import Neighbourhood, Reading
from assistant.answer.ranker import LogisticModel, load_model
from assistant.answer.short_answer import (
    PHRASE_FEATURES,
    Embed,
    PhraseVectors,
    best_phrase,
    phrase_table,
)
from assistant.domain import Citation, Passage, Span
from assistant.question import Question

NOT_FOUND = "Not found in the articles."
MAX_UNKNOWN = 0.6  # share of the question's terms the corpus never uses, to refuse outright


@dataclass(frozen=True)
class Tuning:
    max_sentences: int = 2
    second_within: float = 0.5  # a further sentence must reach this share of the best's p
    max_words: int = 80
    # A lone quote gains the runner-up sentence when one of its phrases is at least this
    # likely the answer: out of fold on rtqa-dev, 0.672 of answerable questions right at
    # 38.1 words without, 0.681 / 0.691 / 0.705 / 0.705 / 0.710 at 0.5 / 0.4 / 0.3 / 0.2 /
    # 0.1 (38.8 to 45.7 words), 0.725 at 51.1 words for any phrase at all.
    second_phrase: float = 0.3
    # A follow-up's refusal threshold, scaled: on the dev dialogues (eval/dev.jsonl) 1.0 and
    # 0.5 answered 0.625 of the follow-ups, 0.25 answered 0.875 and still refused every
    # unanswerable one, 0.0 refused only half of them.
    followup_threshold: float = 0.25
    # With no likely short answer in the best two sentences, look for one in the lead
    # sentence's neighbours and the headline (assistant.answer.neighbourhood).
    neighbourhood: bool = True
    # A short answer that is the short form of a name the article writes in full ("the
    # Golden Knights" / "the Vegas Golden Knights") is given in full (assistant.answer.full_name).
    full_names: bool = True


@dataclass(frozen=True)
class Draft:
    text: str
    refused: bool
    citations: tuple[Citation, ...]
    confidence: float = 0.0
    short: str | None = None


@dataclass(frozen=True)
class Ranked:
    """Candidates with their features and ranker probabilities, best first."""

    candidates: list[Candidate]
    features: np.ndarray
    probs: np.ndarray


class ExtractiveAnswerer:
    """Sentence selection, confidence and short answer over ranked passages."""

    def __init__(
        self,
        ranker: LogisticModel | None = None,
        confidence: LogisticModel | None = None,
        tuning: Tuning | None = None,
        embed: Embed | None = None,
        phrases: LogisticModel | None = None,
    ) -> None:
        """``embed``: the embedding model's ``embed_phrases``, for the short answer (none
        without)."""
        self.ranker = ranker or load_model("ranker", SENTENCE_FEATURES)
        self.confidence = confidence or load_model("confidence", CONFIDENCE_FEATURES)
        self.phrases = phrases or load_model("phrase", PHRASE_FEATURES)
        self.embed = PhraseVectors(embed) if embed else None
        self.threshold = float(self.confidence.extra.get("threshold", 0.0))
        self.phrase_threshold = float(self.phrases.extra.get("threshold", 0.5))
        self.tuning = tuning or Tuning()
        self.near = (
            Neighbourhood(self.embed)
            if self.embed is not None and self.tuning.neighbourhood
            else None
        )

    def rank(self, question: Question, passages: Sequence[Passage], stats: Stats) -> Ranked:
        cands = candidates_of(passages)
        if not cands:
            return Ranked([], np.zeros((0, len(SENTENCE_FEATURES))), np.zeros(0))
        x = sentence_features(question, cands, passages, stats)
        probs = self.ranker.softmax(x)
        order = np.argsort(-probs, kind="stable")
        return Ranked([cands[i] for i in order], x[order], probs[order])

    def estimate(
        self, question: Question, ranked: Ranked, passages: Sequence[Passage], stats: Stats
    ) -> float:
        """Probability that the best candidate holds the answer."""
        article = ranked.candidates[0].passage.article
        row = confidence_row(
            ranked.probs,
            ranked.features,
            0,
            question_level(question, passages, stats),
            article_entity_share(question, passages, article),
        )
        p = float(self.confidence.predict(row[None, :])[0])
        if any(stats.df(name) == 0 for name in question.entities):
            p = min(p, 0.01)  # a name the corpus never mentions cannot be answered about
        unknown = [t for t in question.terms if stats.df(t) == 0]
        if question.terms and len(unknown) / len(question.terms) >= MAX_UNKNOWN:
            p = min(p, 0.01)  # off topic: most of its words never occur in the articles
        return p

    def select(self, question: Question, ranked: Ranked) -> list[tuple[Candidate, float]]:
        """The best sentence, plus more that score nearly as well and add a question term
        it lacks, with their probabilities."""
        t = self.tuning
        best = ranked.candidates[0]
        chosen = [(best, float(ranked.probs[0]))]
        covered, words = set(best.terms), len(best.text.split())
        for cand, p in zip(ranked.candidates[1:], ranked.probs[1:], strict=True):
            if len(chosen) == t.max_sentences or p < t.second_within * ranked.probs[0]:
                break
            adds = (question.terms & cand.terms) - covered
            if adds and words + len(cand.text.split()) <= t.max_words:
                chosen.append((cand, float(p)))
                covered |= cand.terms
                words += len(cand.text.split())
        return chosen

    def answer(
        self,
        question: Question,
        passages: Sequence[Passage],
        stats: Stats,
        followup: bool = False,
    ) -> Draft:
        """``followup``: the question leans on the conversation, whose words the confidence
        model never saw; its threshold is scaled by ``Tuning.followup_threshold``."""
        stats = RememberedStats(stats)
        ranked = self.rank(question, passages, stats)
        if not ranked.candidates:
            return Draft(NOT_FOUND, True, ())
        confidence = round(self.estimate(question, ranked, passages, stats), 4)
        threshold = self.threshold * (self.tuning.followup_threshold if followup else 1.0)
        if confidence < threshold:
            return Draft(NOT_FOUND, True, (), confidence)
        chosen = self.select(question, ranked)
        phrases, p = self.phrase_scores(question, ranked)
        short = best_phrase(phrases, p, self.phrase_threshold)
        if short is not None:
            chosen = self._lead_with(ranked, short.sentence, chosen)
        likely = [f for f, q in zip(phrases, p, strict=True) if q >= self.tuning.second_phrase]
        chosen = self._with_runner_up(ranked, chosen, likely)
        if short is None and self.near is not None:  # grows the quote, keeps the others
            reading = self.near.read(question, chosen[0][0], ranked.candidates, passages)
            if reading is not None:
                return _drafted(reading, chosen, confidence)
        if short is not None and short.kind == "name" and self.tuning.full_names:
            full = fuller(short.text, ranked.candidates, chosen[0][0].passage.article)
            if full is not None and not any(full.text in c.text for c, _ in chosen):
                return self._in_full(full, chosen, confidence)
        focus = None
        if short is not None:
            lead = chosen[0][0]
            at = lead.span[0] + len(lead.text) - len(lead.body)  # the body follows any dateline
            focus = (at + short.span[0], at + short.span[1])
        citations = _citations(chosen, focus)
        first = citations[0]
        phrase = first.quote[focus[0] - first.start : focus[1] - first.start] if focus else None
        return _draft(citations, confidence, phrase)

    def _in_full(
        self, full: FullName, chosen: list[tuple[Candidate, float]], confidence: float
    ) -> Draft:
        """The answer led by the sentence that writes the short answer's name in full (its
        focus and the new short answer), then the sentences chosen."""
        lead = full.sentence
        at = lead.span[0] + len(lead.text) - len(lead.body)
        focus = (at + full.span[0], at + full.span[1])
        chosen = [(lead, chosen[0][1]), *chosen][: self.tuning.max_sentences + 1]
        return _draft(_citations(chosen, focus), confidence, full.text)

    def phrase_scores(self, question: Question, ranked: Ranked) -> tuple[list[Phrase], np.ndarray]:
        """The candidate phrases of the best two sentences, and the probability that each is
        the answer (none without ``embed``)."""
        if self.embed is None:
            return [], np.zeros(0)
        phrases, x = phrase_table(
            question, ranked.candidates, ranked.probs, ranked.features[:, 0], self.embed
        )
        return phrases, self.phrases.predict(x) if phrases else np.zeros(0)

    def _lead_with(
        self, ranked: Ranked, index: int, chosen: list[tuple[Candidate, float]]
    ) -> list[tuple[Candidate, float]]:
        """``chosen`` with the ``index``-th ranked sentence (which holds the short answer)
        quoted first, then the best sentence when it is another and both fit."""
        lead = (ranked.candidates[index], float(ranked.probs[index]))
        rest = [c for c in chosen if c[0] is not lead[0]]
        words = len(lead[0].text.split()) + len(rest[0][0].text.split()) if rest else 0
        if rest and words <= self.tuning.max_words:
            return [lead, rest[0]]
        return [lead]

    def _with_runner_up(
        self, ranked: Ranked, chosen: list[tuple[Candidate, float]], likely: list[Phrase]
    ) -> list[tuple[Candidate, float]]:
        """A lone quote, with the runner-up sentence after it when that holds one of the
        ``likely`` phrases (``Tuning.second_phrase``) and both fit."""
        if len(chosen) != 1 or len(ranked.candidates) < 2:
            return chosen
        runner_up = ranked.candidates[1]
        if chosen[0][0] is runner_up or not any(f.sentence == 1 for f in likely):
            return chosen
        words = len(chosen[0][0].text.split()) + len(runner_up.text.split())
        if words > self.tuning.max_words:
            return chosen
        return [*chosen, (runner_up, float(ranked.probs[1]))]


def _drafted(reading: Reading, chosen: list[tuple[Candidate, float]], confidence: float) -> Draft:
    """The answer from a neighbourhood reading: the grown quote (after the headline, when
    the headline names the answer) and the other sentences chosen that it does not
    overlap; the phrase is the short answer."""
    s, e = reading.lead.span
    article = reading.lead.passage.article
    rest = [
        (c, p)
        for c, p in chosen[1:]
        if c.passage.article != article or c.span[1] <= s or c.span[0] >= e
    ]
    chosen = [(reading.lead, chosen[0][1]), *rest]
    if reading.extra is not None:
        chosen.insert(0, (reading.extra, chosen[0][1]))
    return _draft(_citations(chosen, reading.focus), confidence, reading.short)


def _draft(citations: tuple[Citation, ...], confidence: float, short: str | None) -> Draft:
    """An answer quoting ``citations`` in order, each followed by its marker."""
    text = " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return Draft(text, False, citations, confidence, short)


def _citations(chosen: list[tuple[Candidate, float]], focus: Span | None) -> tuple[Citation, ...]:
    """The quoted sentences as citations [1], [2]...; ``focus`` (the short answer) is in [1]."""
    return tuple(
        c.passage.cite(
            n, c.span[0], c.span[1], c.text, round(float(p), 4), focus if n == 1 else None
        )
        for n, (c, p) in enumerate(chosen, start=1)
    )
