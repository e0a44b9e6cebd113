"""Reading the quote's neighbourhood: when the quoted sentence matches the question but names
the answer only by description ("the hit thriller will return for a third season"), the
name often sits in the sentence before or after it, or in the headline.

``Neighbourhood.read`` applies when no phrase of the best sentences is likely the answer and
the lead sentence refers to the thing asked for by description ("the hit thriller", "the
country's largest movie theater chain", "he"): it takes the phrases of
that kind in the lead's neighbours within its passage and in its article's headline, and
the one closest in meaning to what is asked ("thriller", "person", ...). The quote grows to
take that sentence in (one contiguous exact span for a neighbour, a citation before it for
the headline) and the phrase becomes the short answer when it is the only one of its kind
there (with several, the quote shows them and names none: no short answer rather than a
wrong one). The short answer's model
(``assistant.answer.short_answer``) is not used here: it was trained on the best two sentences,
where a phrase far from every question term is rarely the answer, which is exactly the
case of a neighbour.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.features import Candidate
from assistant.answer.focus import Phrase, phrases_in
from assistant.answer.short_answer import Embed, head_of
from assistant.domain import Passage, Span
from assistant.question import Question
from index.terms import terms

OPENING = 0.1  # a fixed prior, not tuned
_DETERMINERS = "the|this|that|these|those|its|their"
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
KIND_OF = {"person": "name", "entity": "name", "place": "name", "date": "date", "number": "number"}


@dataclass(frozen=True)
class Reading:
    """What the neighbourhood gave: the quote (``lead`` grown to take in the naming sentence,
    and the headline as ``extra`` when the name is there), the short answer and its offsets
    in the article."""

    lead: Candidate
    extra: Candidate | None
    short: str | None
    focus: Span | None


def describes(sentence: str, question: str) -> bool:
    """``sentence`` refers to the thing asked for by description, not by name: "the hit
    thriller" for "Which hit thriller ...?", "those shelves" for "Which shelves ...?", "he" or
    "she" for "Who ...?" (the word after which/what, or the person for who)."""
    head = head_of(question)
    if head is None or head in ("place", "date"):
        return False
    if head == "person":
        return bool(_PRONOUN.search(sentence))
    # lower-case words between: "the Red Sea" names the sea, "the hit thriller" describes it
    pattern = rf"\b(?i:{_DETERMINERS})\s+(?:[a-z'’-]+\s+){{0,2}}?{re.escape(head)}(?:e?s)?\b"
    return bool(re.search(pattern, sentence))


def neighbours(lead: Candidate, cands: Sequence[Candidate]) -> list[Candidate]:
    """The sentences before and after ``lead`` in its passage (those among ``cands``)."""
    spans = lead.passage.sentences
    wanted = {spans[j] for j in (lead.index - 1, lead.index + 1) if 0 <= j < len(spans)}
    return [c for c in cands if c.passage.article == lead.passage.article and c.span in wanted]


def headline(lead: Candidate, passages: Sequence[Passage]) -> Candidate | None:
    """The lead's article's headline as a candidate, when its first chunk was retrieved and
    opens with it (so that its offsets are the article's), and it is not the lead itself."""
    title = (lead.passage.title or "").strip()
    for p in passages:
        if p.article != lead.passage.article or p.chunk_index != 0 or not title:
            continue
        at = p.text.find(title)
        if at < 0 or p.text[:at].strip():
            continue
        span = (p.start + at, p.start + at + len(title))
        if lead.span[0] <= span[0] < lead.span[1]:
            return None
        counts: dict[str, int] = {}
        for t in terms(title):
            counts[t] = counts.get(t, 0) + 1
        return Candidate(p, -1, span, title, title, frozenset(counts), None, counts)
    return None


def joined(lead: Candidate, other: Candidate) -> Candidate:
    """``lead`` and its neighbour ``other`` (same passage) as one contiguous quote."""
    p = lead.passage
    start, end = min(lead.span[0], other.span[0]), max(lead.span[1], other.span[1])
    text = p.text[start - p.start : end - p.start]
    first = lead if lead.span[0] <= other.span[0] else other
    return dataclasses.replace(
        lead,
        span=(start, end),
        text=text,
        body=text[len(first.text) - len(first.body) :],  # the first sentence's dateline aside
        terms=lead.terms | other.terms,
        counts={**other.counts, **lead.counts},
    )


class Neighbourhood:
    """Finds the answer phrase next to a quote that describes it."""

    def __init__(self, embed: Embed) -> None:
        self.embed = embed

    def read(
        self,
        question: Question,
        lead: Candidate,
        cands: Sequence[Candidate],
        passages: Sequence[Passage],
    ) -> Reading | None:
        """The phrase of the asked kind closest to what is asked among the lead's neighbours
        and headline, when the lead itself holds none."""
        asked = KIND_OF.get(question.kind or "")
        if asked is None or not describes(lead.body, question.text):
            return None
        if question.kind == "person" and any(
            f.kind == "name" for f in phrases_in(question, lead.body)
        ):
            return None  # "he" beside a name is that name's, not a description of the answer
        found = self._typed(question, neighbours(lead, cands), asked, passages)
        top = headline(lead, passages)
        if not found and top is not None:  # the headline only when no neighbour names one
            found = self._typed(question, [top], asked, passages)
        if not found:
            return None
        other, phrase = found[self._closest(question, [f for _, f in found])]
        at = other.span[0] + len(other.text) - len(other.body) + phrase.span[0]
        focus: Span | None = (at, at + len(phrase.text))
        short: str | None = phrase.text
        if len({f.key for _, f in found}) > 1:  # several: quote them, name none
            short = focus = None
        if other.index < 0:  # the headline: a citation of its own, first
            return Reading(lead, other, short, focus)
        return Reading(joined(lead, other), None, short, focus)

    @staticmethod
    def _typed(
        question: Question, others: list[Candidate], asked: str, passages: Sequence[Passage]
    ) -> list[tuple[Candidate, Phrase]]:
        """The phrases of the asked kind in ``others``, each with its sentence."""
        return [
            (other, f)
            for other in others
            for f in phrases_in(question, other.body, 1)
            if f.kind == asked and not _common_opening(f, passages)
        ]

    def _closest(self, question: Question, phrases: list[Phrase]) -> int:
        """Which phrase is closest in meaning to the thing asked for (the question itself
        for dates and numbers), a sentence's subject (its opening phrase) ahead by
        ``OPENING``: the sentence that names what the lead describes is usually about it."""
        if len(phrases) == 1:
            return 0
        head = head_of(question.text)
        vectors = self.embed([f.text for f in phrases] + ([head] if head else []))
        target = vectors[-1] if head else question.vector
        opening = np.asarray([float(f.span[0] == 0) for f in phrases])
        return int(np.argmax(vectors[: len(phrases)] @ target + OPENING * opening))


def _common_opening(phrase: Phrase, passages: Sequence[Passage]) -> bool:
    """One capitalised word opening its sentence ("Filming is planned ...") that the passages
    never write capitalised inside a sentence: a capital of position, not a name."""
    if phrase.span[0] > 0 or " " in phrase.text:
        return False
    inside = re.compile(rf"[a-z0-9,;] +{re.escape(phrase.text)}\b")
    return not any(inside.search(p.text) for p in passages)
