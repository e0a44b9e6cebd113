"""Sentence boundaries with character offsets (nltk Punkt, shipped by llama-index)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from index.offline import llama_index_static_dir

Span = tuple[int, int]


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
    """Sentences of ``text[start:end]`` as absolute, whitespace-trimmed spans."""
    spans: list[Span] = []
    for s, e in _punkt().span_tokenize(text[start:end]):
        piece = text[start + s : start + e]
        lead = len(piece) - len(piece.lstrip())
        tail = len(piece.rstrip())
        if tail > lead:
            spans.append((start + s + lead, start + s + tail))
    return _merge_fragments(text, spans)


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
        if piece.strip() and _DATELINE_PART.fullmatch(piece):
            carry = start
            continue
        if merged and (len(piece) < 4 or _CLOSING.fullmatch(piece)):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if carry is not None:
        merged.append((carry, spans[-1][1]))
    return merged
