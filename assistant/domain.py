"""What the assistant returns: data, never markdown. ``ui.py`` and the CLI format it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Span = tuple[int, int]
Answerer = Literal["extractive", "llm"]
_SENTENCE = re.compile(r".*?(?:\s*\[\d+\])+", re.DOTALL)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``text == article_text[start:end]``; ``score`` is the fused score."""

    article: str
    start: int
    end: int
    text: str
    score: float
    chunk_id: str = ""
    sentences: tuple[Span, ...] = ()
    title: str | None = None  # the headline, sidecar title or cut lead sentence
    date: str | None = None
    source: str | None = None
    dateline: str | None = None  # as written, e.g. "MOSCOW, July 13"
    title_source: str | None = None  # "headline" | "sidecar" | "lead" (None: an older index)
    month_day: str | None = None  # "MM-DD" of the date, also when the year is unknown
    chunk_index: int = 0
    rank: int = 0
    cosine: float = 0.0  # of the chunk to the question
    bm25: float = 0.0
    sentence_vectors: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), np.float32), compare=False, repr=False
    )  # one unit row per sentence, in ``sentences`` order (empty when unknown)

    def cite(
        self, n: int, start: int, end: int, quote: str, score: float, focus: Span | None = None
    ) -> Citation:
        """Citation ``[n]`` of ``quote`` (the article's text at ``[start, end)``) in this
        passage's article, with its title, dates and source."""
        return Citation(
            n=n,
            article=self.article,
            title=self.title,
            title_source=self.title_source,
            date=self.date,
            source=self.source,
            start=start,
            end=end,
            quote=quote,
            score=score,
            focus=focus,
            dateline=self.dateline,
            month_day=self.month_day,
        )


@dataclass(frozen=True)
class Citation:
    """Marker ``[n]`` in the answer: ``quote == article_text[start:end]``."""

    n: int
    article: str
    title: str | None
    date: str | None
    source: str | None
    start: int
    end: int
    quote: str
    score: float
    focus: Span | None = None  # the short answer inside the quote, as article offsets
    dateline: str | None = None
    month_day: str | None = None
    resolved: str | None = None  # "today = December 2": a relative date in the quote, resolved
    title_source: str | None = None  # "headline" | "sidecar" | "lead" (None: an older index)


@dataclass(frozen=True)
class Verification:
    """What checking an LLM's sentences against their citations did: ``kept`` of ``sentences``
    survived; ``dropped`` are the removed sentences, as the model wrote them."""

    sentences: int
    kept: int
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0  # estimated probability that the answer is right
    confidence_label: str | None = None  # "high" | "medium" | "uncertain"; None when refused
    short: str | None = None  # the answer phrase: article[focus] of the first citation
    interpreted: str = ""  # what was searched: the question, or a follow-up spelled out
    answerer: Answerer = "extractive"  # whose text this is ("extractive" also after a fallback)
    verification: Verification | None = None  # set whenever an LLM's reply was verified
    notice: str | None = None  # e.g. "LLM unavailable: ...; showing the extractive answer"

    def sentences(self) -> list[str]:
        """The answer one cited sentence (text, then its ``[n]`` markers) at a time."""
        if self.refused or not self.citations:
            return [self.text]
        parts = [m.group().strip() for m in _SENTENCE.finditer(self.text)]
        rest = _SENTENCE.sub("", self.text).strip()
        return [*parts, rest] if rest else parts
