"""Optional LLM answers: an OpenAI-compatible server writes, every sentence is verified.

The model sees the retrieved sentences, numbered, and must end each sentence of its
answer with the numbers of the sentences that support it (or say ``NOT FOUND``). Each
sentence is then kept only if its markers name sentences that were given and the
verifier (``assistant.llm.verification``) finds it supported by their text; each kept
marker becomes a citation of the cited sentence's exact span. Anything else (server
down, slow, failing, garbage, ``NOT FOUND``, nothing kept) ends in the extractive answer
with a notice. The client library is imported only when the first question is asked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.domain import Answerer, Citation, Passage, Verification
from assistant.errors import LLMUnavailable
from assistant.llm.client import LLMClient, OnText
from assistant.llm.verification import Embed, Rule, check
from index.sentences import split_sentences

log = logging.getLogger(__name__)

MAX_CANDIDATES = 32  # a passage (a window of two chunks) holds 10-16 sentences
SYSTEM = (
    "You answer questions about news articles using only the numbered sentences you are "
    "given. Write a short answer of one to three sentences. End every sentence with the "
    "numbers of the sentences that support it in square brackets, like [2] or [1][3]. "
    "State only facts those sentences state; copy names, numbers and dates exactly. "
    "If the sentences do not answer the question, reply with exactly: NOT FOUND"
)
_MARKERS = re.compile(r"\s*\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:\*\*)?answer(?:\*\*)?\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Numbered:
    """A candidate sentence as the model sees it: ``text == article_text[start:end]``."""

    n: int
    passage: Passage
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Draft:
    """What an answerer returns; the assistant adds the question, passages and timings."""

    text: str
    refused: bool
    citations: tuple[Citation, ...]
    answerer: Answerer = "extractive"
    verification: Verification | None = None
    notice: str | None = None


class ExtractiveDraft(Protocol):
    """The shape of ``assistant.answer.extractive.Draft``, the fallback."""

    @property
    def text(self) -> str: ...
    @property
    def refused(self) -> bool: ...
    @property
    def citations(self) -> tuple[Citation, ...]: ...


def candidates_from(passages: Sequence[Passage], limit: int = MAX_CANDIDATES) -> list[Numbered]:
    """The passages' distinct sentences, numbered from 1 in rank then reading order."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Numbered] = []
    for p in passages:
        for start, end in p.sentences:
            if (p.article, start, end) in seen or len(out) == limit:
                continue
            seen.add((p.article, start, end))
            text = p.text[start - p.start : end - p.start]
            out.append(Numbered(len(out) + 1, p, start, end, text))
    return out


def build_messages(
    question: str, history: Sequence[str], candidates: Sequence[Numbered]
) -> list[tuple[str, str]]:
    """(role, content) pairs: the rules, then the sentences, earlier questions and question."""
    lines = ["Sentences:"]
    for c in candidates:
        title = c.passage.title if c.passage.title_source != "lead" else None  # a lead repeats
        origin = ", ".join(x for x in (title or c.passage.article, c.passage.date) if x)
        lines.append(f"[{c.n}] ({origin}) {' '.join(c.text.split())}")
    if history:
        lines += ["", "Earlier questions in this conversation:"]
        lines += [f"- {q}" for q in history[-5:]]
    lines += ["", f"Question: {question}", "Answer:"]
    return [("system", SYSTEM), ("user", "\n".join(lines))]


def is_not_found(reply: str) -> bool:
    return re.sub(r"[^A-Z ]", "", clean(reply).upper()).strip() == "NOT FOUND"


def clean(reply: str) -> str:
    """The reply without reasoning blocks, an "Answer:" prefix or Markdown emphasis."""
    reply = _THINKING.sub("", reply)
    return _PREFIX.sub("", reply.replace("**", "")).strip()


def parse_reply(reply: str) -> list[tuple[str, tuple[int, ...]]]:
    """Each sentence of the reply without its markers, with the numbers they name."""
    text = clean(reply)
    if not text:
        return []
    pieces = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    merged: list[str] = []
    for piece in pieces:
        lead = re.match(r"(?:\s*\[\s*\d+(?:\s*,\s*\d+)*\s*\])+", piece)
        if lead and merged:  # "... Wang Yi. [1] Next ..." : the marker ends the sentence before
            merged[-1] += lead.group()
            piece = piece[lead.end() :]
        if piece.strip():
            merged.append(piece)
    out = []
    for sentence in merged:
        numbers = tuple(int(n) for g in _MARKERS.findall(sentence) for n in g.split(","))
        body = " ".join(_MARKERS.sub("", sentence).split())
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        if re.search(r"\w", body):
            out.append((body, tuple(dict.fromkeys(numbers))))
    return out


class LLMAnswerer:
    """Asks the model, verifies each sentence, maps markers to spans; falls back on failure."""

    def __init__(self, client: LLMClient, embed: Embed, rule: Rule | None = None) -> None:
        self.client, self.embed, self.rule = client, embed, rule or Rule()

    def answer(
        self,
        question: str,
        history: Sequence[str],
        passages: Sequence[Passage],
        fallback: Callable[[], ExtractiveDraft],
        on_text: OnText | None = None,
    ) -> Draft:
        """The verified LLM answer, or ``fallback()``'s with a notice saying why."""
        candidates = candidates_from(passages)
        if not candidates:
            return _fallback(fallback(), None, None)
        try:
            reply = self.client.complete(build_messages(question, history, candidates), on_text)
        except LLMUnavailable as exc:
            return _fallback(fallback(), f"LLM unavailable: {exc}", None)
        if is_not_found(reply):
            return _fallback(fallback(), "the LLM found no answer in the passages (NOT FOUND)")
        sentences = parse_reply(reply)
        if not sentences:
            return _fallback(fallback(), "LLM unavailable: its reply holds no sentence")
        return self.verified(sentences, candidates, fallback)

    def verified(
        self,
        sentences: list[tuple[str, tuple[int, ...]]],
        candidates: list[Numbered],
        fallback: Callable[[], ExtractiveDraft],
    ) -> Draft:
        given = {c.n: c for c in candidates}
        kept: list[tuple[str, tuple[int, ...]]] = []
        dropped: list[str] = []
        for body, markers in sentences:
            reason = _marker_problem(markers, given)
            if not reason:
                reason = check(body, [given[n].text for n in markers], self.embed, self.rule).reason
            if reason:
                log.info("dropped an LLM sentence (%s): %s", reason, body)
                dropped.append(body)
            else:
                kept.append((body, markers))
        verification = Verification(len(sentences), len(kept), tuple(dropped))
        if not kept:
            note = "no sentence of the LLM's answer was supported by the sentences it cites"
            return _fallback(fallback(), note, verification)
        return _cited(kept, given, verification)


def _marker_problem(markers: tuple[int, ...], given: dict[int, Numbered]) -> str:
    if not markers:
        return "no [n] marker"
    unknown = [n for n in markers if n not in given]
    return f"cites [{unknown[0]}], which was never given" if unknown else ""


def _cited(
    kept: list[tuple[str, tuple[int, ...]]], given: dict[int, Numbered], verification: Verification
) -> Draft:
    """The kept sentences with markers renumbered 1.. in order of first use."""
    renumber: dict[int, int] = {}
    for _, markers in kept:
        for n in markers:
            renumber.setdefault(n, len(renumber) + 1)
    text = " ".join(
        f"{body} " + "".join(f"[{renumber[n]}]" for n in markers) for body, markers in kept
    )
    citations = tuple(
        Citation(
            n=new,
            article=given[old].passage.article,
            title=given[old].passage.title,
            title_source=given[old].passage.title_source,
            date=given[old].passage.date,
            source=given[old].passage.source,
            start=given[old].start,
            end=given[old].end,
            quote=given[old].text,
            score=round(given[old].passage.score, 4),
        )
        for old, new in renumber.items()
    )
    return Draft(text, False, citations, "llm", verification)


def _fallback(
    draft: ExtractiveDraft, reason: str | None, verification: Verification | None = None
) -> Draft:
    notice = f"{reason}; showing the extractive answer" if reason else None
    return Draft(draft.text, draft.refused, draft.citations, "extractive", verification, notice)
