"""The evaluation's definitions, as pure functions over one answer's text, quotes and passages.

Every definition here is the one written in eval/README.md; the unit tests in
tests/test_eval_metrics.py pin the edge cases (exactly half of the evidence is relevant).
One question's answer is scored in ``eval.outcome``, a run's figures summed up in
``eval.summary``; the gate that compares them with the baseline is ``eval.gate``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from assistant.domain import Citation, Passage, Span

TextOf = Callable[[str], "str | None"]  # article file name -> its text, None when unreadable

_MARKER = re.compile(r"\s*\[\d+\]")
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return _MARKER.sub("", text).strip()


def normalise(text: str) -> str:
    """Case-folded, quotes and dashes unified, runs of whitespace made one space."""
    return " ".join(text.translate(_FOLD).casefold().split())


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    found = normalise(strip_markers(text))
    return any(normalise(a) in found for a in answers if normalise(a))


def answer_words(text: str) -> int:
    """Whitespace-separated words of the answer text, markers left out."""
    return len(strip_markers(text).split())


def evidence_span(article_text: str | None, evidence: str | None) -> Span | None:
    """Where ``evidence`` first occurs in the article, as [start, end)."""
    if article_text is None or not evidence:
        return None
    start = article_text.find(evidence)
    return None if start < 0 else (start, start + len(evidence))


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def is_relevant(passage: Passage, doc: str | None, span: Span | None) -> bool:
    """From ``doc`` and covering at least half of the evidence's characters."""
    if span is None or passage.article != doc:
        return False
    return 2 * overlap((passage.start, passage.end), span) >= span[1] - span[0]


def first_relevant_rank(passages: Sequence[Passage], doc: str | None, span: Span | None) -> int:
    """The 1-based rank of the first relevant passage; 0 when none is."""
    return next((r for r, p in enumerate(passages, start=1) if is_relevant(p, doc, span)), 0)


def citation_valid(citation: Citation, article_text: str | None) -> bool:
    """The quote is exactly the article's text at [start, end)."""
    if article_text is None or not 0 <= citation.start <= citation.end <= len(article_text):
        return False
    return article_text[citation.start : citation.end] == citation.quote


def is_supporting(
    citations: Iterable[Citation], doc: str | None, span: Span | None, answers: Iterable[str]
) -> bool:
    """Some citation comes from ``doc`` and overlaps the evidence or contains an answer."""
    answers = tuple(answers)
    return any(
        c.article == doc
        and (
            (span is not None and overlap((c.start, c.end), span) > 0)
            or contains_answer(c.quote, answers)
        )
        for c in citations
    )


def near_miss(citations: Sequence[Citation], text_of: TextOf, answers: Iterable[str]) -> bool:
    """A gold answer lies within one sentence of a quote (the sentence before or after it in
    its article), or in its article's headline: the quote is in the right place but does
    not name the answer."""
    from index.metadata import looks_like_headline
    from index.sentences import split_sentences

    answers = list(answers)
    for c in citations:
        text = text_of(c.article)
        if text is None:
            continue
        spans = split_sentences(text, 0, len(text))
        inside = [i for i, (s, e) in enumerate(spans) if s < c.end and e > c.start]
        if inside:
            lo, hi = max(inside[0] - 1, 0), min(inside[-1] + 1, len(spans) - 1)
            if contains_answer(text[spans[lo][0] : spans[hi][1]], answers):
                return True
        first = text.split("\n", 1)[0]
        if looks_like_headline(first) and contains_answer(first, answers):
            return True
    return False


def short_matches(short: str, answers: Iterable[str]) -> bool:
    """The short answer names a gold answer: equal after normalisation, or containing one
    with at most two more words."""
    got = normalise(short)
    for answer in answers:
        gold = normalise(answer)
        if gold and (got == gold or (gold in got and len(got.split()) <= len(gold.split()) + 2)):
            return True
    return False
