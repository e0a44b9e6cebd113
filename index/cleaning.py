"""Find the content of an article: its text segments, without page furniture.

Segments are ``[start, end)`` spans into the original text, so every offset
computed later (sentences, chunks, citations) still points into the file as
it is on disk.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Lines that are page furniture, never article content (matched on the whole line).
_FURNITURE = re.compile(
    r"""^(?:
        all\ news | latest\ news | more\ news | news\ feed | top\ stories
      | read\ (?:also|more)\b.* | see\ also\b.* | related(?:\ articles|\ news)?\b.*
      | advertisement | sponsored | share(?:\ this(?:\ article)?)? | print
      | subscribe\b.* | sign\ up\b.* | follow\ us\b.* | click\ here\b.*
      | (?:facebook|twitter|telegram|vk|whatsapp|email)(?:\s*[|/·]\s*\w+)*
      | photo:?\s.* | image:?\s.* | ©.* | copyright\b.*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)")
_EDGE_JUNK = " \t\ufeff\u00a0"


def is_furniture(line: str) -> bool:
    """True for a line that is navigation, promotion or boilerplate."""
    return bool(_FURNITURE.match(line.strip(_EDGE_JUNK)))


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def line_spans(text: str) -> list[Span]:
    """Every line of ``text`` as a span without its newline."""
    spans, start = [], 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def content_segments(text: str, markdown: bool = False) -> list[Span]:
    """The non-blank, non-furniture lines of a plain-text or Markdown article."""
    segments: list[Span] = []
    for start, end in line_spans(text):
        start, end = _trim(text, start, end)
        if start == end or is_furniture(text[start:end]):
            continue
        if markdown:
            prefix = _MD_PREFIX.match(text, start, end)
            if prefix:
                start = prefix.end()
            if re.fullmatch(r"[-*_=\s]{3,}|```.*", text[start:end]):
                continue  # rules and code fences
        if start < end:
            segments.append((start, end))
    return segments


def locate_segments(raw: str, paragraphs: list[str]) -> tuple[list[Span], int]:
    """Find extracted paragraphs (or their sentences) verbatim in ``raw``, in order.

    Returns the spans found and how many pieces could not be found verbatim
    (for example because the source has markup or entities inside them): those
    are left out, since a citation must quote the file exactly.
    """
    from index.sentences import split_sentences

    spans: list[Span] = []
    missing, cursor = 0, 0
    for paragraph in paragraphs:
        pieces = [paragraph.strip()]
        if raw.find(pieces[0], cursor) < 0:
            pieces = [paragraph[s:e] for s, e in split_sentences(paragraph, 0, len(paragraph))]
        for piece in pieces:
            if is_furniture(piece) or not piece.strip():
                continue
            found = raw.find(piece, cursor)
            if found < 0:
                missing += 1
                continue
            spans.append((found, found + len(piece)))
            cursor = found + len(piece)
    return spans, missing
