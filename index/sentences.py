"""Sentence boundaries with character offsets (nltk Punkt, shipped by llama-index)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from index.offline import llama_index_static_dir

log = logging.getLogger(__name__)
Span = tuple[int, int]
WINDOW_CHARS = 5000  # Punkt's input at once; longer lines are cut first
MAX_SENTENCE_CHARS = 1000  # longer 'sentences' (lists, run-ons, junk) are cut at spaces
DATELINE_MAX_CHARS = 120
# The fallback: a run of non-terminators then terminators and closers; linear, no nesting.
_PLAIN_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[\"'\u201d\u2019)\]]*|$)")


@lru_cache(maxsize=1)
def _punkt() -> Any:
    """English Punkt, read from llama-index's copy with plain file reads.

    nltk's own loader refuses hard-linked data files, which is how uv installs
    packages, so the four parameter files are decoded here with nltk's decoder.
    """
    from nltk.tabdata import PunktDecoder
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    folder = llama_index_static_dir() / "nltk_cache" / "tokenizers" / "punkt_tab" / "english"
    decoder, params = PunktDecoder(), PunktParameters()

    def lines(name: str) -> list[str]:
        return (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)

    params.collocations = set(decoder.tab2tups(lines("collocations.tab")))
    params.sent_starters = decoder.txt2set(lines("sent_starters.txt"))
    params.abbrev_types = decoder.txt2set(lines("abbrev_types.txt"))
    params.ortho_context = decoder.tab2intdict(lines("ortho_context.tab"))
    return PunktSentenceTokenizer(params)


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentences of ``text[start:end]`` as absolute, whitespace-trimmed spans.

    Bounded work whatever the input: Punkt sees at most ``WINDOW_CHARS`` at a time (a
    long line is cut at a sentence end or a space first), a sentence never exceeds
    ``MAX_SENTENCE_CHARS``, and a window Punkt still cannot finish in time is split by
    a plain linear rule instead of failing.
    """
    spans: list[Span] = []
    for w_start, w_end in _windows(text, start, end):
        for s, e in _punkt_or_plain(text[w_start:w_end]):
            spans.extend(_trimmed(text, w_start + s, w_start + e, w_end - w_start))
    merged = _merge_fragments(text, spans)
    return [piece for s, e in merged for piece in _trimmed(text, s, e, MAX_SENTENCE_CHARS)]


def _cut(text: str, start: int, end: int, limit: int) -> int:
    """Where to end a piece of ``text[start:end]`` of at most ``limit`` characters: after
    the last sentence end followed by a space, else at the last space, else at ``limit``."""
    if end - start <= limit:
        return end
    stop = start + limit
    for pattern in (". ", "? ", "! ", ".\n"):
        found = text.rfind(pattern, start + limit // 2, stop)
        if found >= 0:
            return found + 1
    space = max(text.rfind(" ", start + 1, stop), text.rfind("\n", start + 1, stop))
    return space if space > start else stop


def _windows(text: str, start: int, end: int) -> Iterator[Span]:
    while start < end:
        stop = _cut(text, start, end, WINDOW_CHARS)
        yield start, stop
        start = stop


def _punkt_or_plain(piece: str) -> list[Span]:
    try:
        return list(_punkt().span_tokenize(piece))
    except TimeoutError:  # nltk bounds its regexes in time; fall back rather than fail
        log.debug("Punkt timed out on a %d-character window; splitting plainly", len(piece))
        return [(m.start(), m.end()) for m in _PLAIN_SENTENCE.finditer(piece)]


def _trimmed(text: str, start: int, end: int, limit: int) -> Iterator[Span]:
    """The span without surrounding whitespace, cut into pieces of at most ``limit``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end:
        stop = _cut(text, start, end, limit)
        tail = stop
        while tail > start and text[tail - 1].isspace():
            tail -= 1
        if tail > start:
            yield start, tail
        start = stop
        while start < end and text[start].isspace():
            start += 1


_DATELINE_PART = re.compile(
    r"(?:[A-Z][A-Z .'\-]+,\s+[A-Z][a-z]+\.?\s+\d{1,2}\.?)?\s*(?:/\s*[A-Za-z\- ]+\s*/\.?)?"
)
_CLOSING = re.compile(r"[\"'”’»)\]]+.{0,8}")


def _merge_fragments(text: str, spans: list[Span]) -> list[Span]:
    """Glue dateline pieces to the sentence after them and stray closers to the one before."""
    merged: list[Span] = []
    carry: int | None = None
    for start, end in spans:
        piece = text[start:end]
        if carry is not None:
            start, carry = carry, None
        if len(piece) <= DATELINE_MAX_CHARS and piece.strip() and _DATELINE_PART.fullmatch(piece):
            carry = start
            continue
        if merged and (len(piece) < 4 or _CLOSING.fullmatch(piece)):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if carry is not None:
        merged.append((carry, spans[-1][1]))
    return merged
