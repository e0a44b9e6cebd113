"""The app's HTML: answers with clickable markers, source cards, the article viewer and the
library's dates note. Pure functions of the assistant's data; every text is escaped here."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.confidence_labels import SHOWN
from assistant.domain import Answer, Passage

if TYPE_CHECKING:
    from index.metadata import Metadata

NO_SOURCES = "<p class='newsqa-meta'>The sources of the current answer appear here.</p>"
NO_ARTICLE = "<p class='newsqa-meta'>Click a [n] marker or a source card to read the article.</p>"


def esc(text: str) -> str:
    """Plain text for the chat's Markdown: HTML-escaped, Markdown syntax neutralised."""
    return re.sub(r"([\\`*_\[\]#|~])", r"\\\1", html.escape(text, quote=False))


def _origin(title: str | None, article: str, source: str | None, date: str | None) -> str:
    """The readable title in bold, then the file name (when there is a title), source, date."""
    meta = " · ".join(x for x in (article if title else None, source, date) if x)
    return f"<b>{html.escape(title or article)}</b>" + (
        f" <span class='newsqa-meta'>{html.escape(meta)}</span>" if meta else ""
    )


def _excerpt(p: Passage, limit: int = 220) -> str:
    text = " ".join(p.text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def searched_for(answer: Answer) -> str:
    """ "Searched for: ..." when a follow-up was searched for as interpreted (issue 8)."""
    if not answer.interpreted or answer.interpreted == answer.question:
        return ""
    searched = html.escape(answer.interpreted)
    return f"<p class='newsqa-meta newsqa-searched'>Searched for: {searched}</p>"


def answer_markdown(answer: Answer, turn: int, parts: int | None = None) -> str:
    """The answer's first ``parts`` sentences, each ending in its clickable ``[n]`` markers;
    before them what was searched (a follow-up), LLM notices and the short answer; after
    them the confidence. The short answer is also bold inside its quote."""
    head = searched_for(answer) + _notes_html(answer)
    if answer.refused:
        items = "".join(
            f"<li><span class='newsqa-open newsqa-t{turn} newsqa-p{i}'>"
            f"{html.escape(p.title or p.article)}</span>: {html.escape(_excerpt(p, 160))}</li>"
            for i, p in enumerate(answer.passages[:3])
        )
        closest = f"<p><b>Closest passages</b> (not citations):</p><ul>{items}</ul>"
        return (
            head
            + f"<div class='newsqa-refusal'><p><b>{html.escape(answer.text)}</b></p>"
            + (f"{closest}</div>" if items else "</div>")
            + _confidence_html(answer)
        )
    if answer.short:
        head += f"<p class='newsqa-short'><b>{html.escape(answer.short)}</b></p>"
    shown = []
    for sentence in answer.sentences()[:parts]:  # any number of markers per sentence
        body = re.sub(r"(?:\s*\[\d+\])+$", "", sentence)
        numbers = re.findall(r"\[(\d+)\]", sentence[len(body) :])
        markers = "".join(
            f"<span class='newsqa-open newsqa-marker newsqa-t{turn} newsqa-c{n}'>[{n}]</span>"
            for n in numbers
        )
        shown.append(f"{_with_focus(body.rstrip(), answer, numbers)} {markers}")
    done = parts is None or parts >= len(answer.sentences())
    # A blank line ends the HTML block of the head, so the sentences are Markdown again
    # (their escapes apply): without it the whole message would be raw HTML.
    head = f"{head}\n\n" if head else ""
    return head + " ".join(shown) + (_confidence_html(answer) if done else "")


def _with_focus(body: str, answer: Answer, numbers: list[str]) -> str:
    """The escaped sentence, with the short answer in bold when this is its quote."""
    first = answer.citations[0] if answer.citations else None
    if first is None or not first.focus or numbers[:1] != [str(first.n)]:
        return esc(body)
    at = body.find(first.quote)
    if at < 0:
        return esc(body)
    s, e = at + first.focus[0] - first.start, at + first.focus[1] - first.start
    return f"{esc(body[:s])}<b>{esc(body[s:e])}</b>{esc(body[e:])}"


def _confidence_html(answer: Answer) -> str:
    """The confidence label, its exact value in the tooltip; a refusal's value alone."""
    value = f"confidence {answer.confidence:.2f}"
    if not answer.confidence_label:
        return f" <span class='newsqa-meta newsqa-confidence'>{value}</span>"
    label = answer.confidence_label
    shown = html.escape(SHOWN.get(label, label))
    return (
        f" <span class='newsqa-meta newsqa-confidence newsqa-conf-{html.escape(label)}' "
        f"title='{value}'>{shown} confidence</span>"
    )


def _notes_html(answer: Answer) -> str:
    """issue 9: the LLM fallback notice and the count of removed unsupported sentences."""
    notes = [answer.notice] if answer.notice else []
    v = answer.verification
    if v is not None and answer.answerer == "llm" and v.dropped:
        notes.append(f"{len(v.dropped)} unsupported sentence{'s' * (len(v.dropped) > 1)} removed")
    return "".join(f"<p class='newsqa-notice'>{html.escape(n)}</p>" for n in notes)


def _resolved(c: Any) -> str:
    """ "(today = December 2)" beside a quote whose relative date was resolved (issue 8)."""
    if not c.resolved:
        return ""
    return f"<span class='newsqa-meta newsqa-resolved'>({html.escape(c.resolved)})</span> "


def sources_html(answer: Answer, turn: int) -> str:
    """Source cards: one per citation, or the closest passages of a refusal, unnumbered."""
    if not answer.refused:
        return "<h3>Sources</h3>" + "".join(
            f"<div class='newsqa-open newsqa-card newsqa-t{turn} newsqa-c{c.n}'>"
            f"<span class='newsqa-label'>[{c.n}]</span> "
            f"{_origin(c.title, c.article, c.source, c.date or c.dateline)}"
            f"<blockquote>{html.escape(c.quote)}</blockquote>{_resolved(c)}"
            f"<span class='newsqa-meta'>relevance {c.score:.2f}</span></div>"
            for c in answer.citations
        )
    return (
        "<h3>Closest passages</h3><p class='newsqa-meta'>Not citations: the articles do not "
        "answer the question; these passages came closest.</p>"
    ) + "".join(
        f"<div class='newsqa-open newsqa-card newsqa-closest newsqa-t{turn} newsqa-p{i}'>"
        f"{_origin(p.title, p.article, p.source, p.date or p.dateline)}"
        f"<blockquote>{html.escape(_excerpt(p))}</blockquote>"
        f"<span class='newsqa-meta'>relevance {p.score:.2f}</span></div>"
        for i, p in enumerate(answer.passages)
    )


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    n: int | None  # citation number; None for a closest passage
    text: str  # what the index says is at [start, end)


def viewer_html(
    text: str, article: str, meta: Metadata, spans: Sequence[Span], focus: int, note: str = ""
) -> str:
    """The whole article, HTML-escaped, each span in a ``<mark>``; ``spans[focus]`` in view;
    ``note`` says which answer the highlights belong to."""
    out, cursor, stale = [], 0, []
    for i, s in sorted(enumerate(spans), key=lambda item: item[1].start):
        label, attr = (
            (f"[{s.n}]", f"data-n='{s.n}'") if s.n else ("closest passage", "data-passage='1'")
        )
        if s.start < cursor or text[s.start : s.end] != s.text:
            stale.append(label)  # the file changed since it was indexed: no wrong highlight
            continue
        out += [
            html.escape(text[cursor : s.start]),
            f"<sup class='newsqa-label'>{label}</sup>",
            f"<mark class='{'newsqa-focus' if i == focus else ''}' {attr}>",
            f"{html.escape(text[s.start : s.end])}</mark>",
        ]
        cursor = s.end
    out.append(html.escape(text[cursor:]))
    head = _origin(meta.shown_title, article, meta.source, meta.date)
    if note:
        head = f"<span class='newsqa-meta newsqa-turn'>{html.escape(note)}</span><br>{head}"
    if stale:
        head += f"<br><b>{', '.join(stale)} not found: the file changed since it was indexed.</b>"
    return f"<h3>Article</h3><p>{head}</p><div class='newsqa-article'>{''.join(out)}</div>"


def spans_for(answer: Answer, key: dict[str, int]) -> tuple[str, list[Span], int]:
    """The article a click refers to, every span of this answer in it, and the clicked one."""
    if "c" in key:
        cited = next(c for c in answer.citations if c.n == key["c"])
        same = [c for c in answer.citations if c.article == cited.article]
        spans = [Span(c.start, c.end, c.n, c.quote) for c in same]
        return cited.article, spans, same.index(cited)
    p = answer.passages[key["p"]]
    return p.article, [Span(p.start, p.end, None, p.text)], 0


def dates_note(records: Collection[Any], dates: Sequence[str], partial: Sequence[str]) -> str:
    """What the date filter can go by: full dates, month-day dates of unknown year, or none."""
    total = len(records)
    full = sum(1 for r in records if r.meta.date)
    by_day = sum(1 for r in records if r.meta.month_day and not r.meta.date)
    if not full and not by_day:
        return (
            f"<span class='newsqa-meta'>No article states a date ({total} articles): a date "
            "range would leave every article out. Sidecar NAME.meta.json files can set dates."
            "</span>"
        )
    parts = []
    if full:
        parts.append(f"{full} with a full date, from {dates[0]} to {dates[-1]}")
    if by_day:
        parts.append(f"{by_day} with only a month and day (year unknown; matched by month and day)")
    return (
        f"<span class='newsqa-meta'>Of {total} articles: {'; '.join(parts)}. "
        "A date range leaves out the others.</span>"
    )


def library_rows(records: Iterable[Any]) -> list[list[Any]]:
    """The library table: one row per indexed article, an empty cell for what is unknown."""
    rows = [
        [r.id, r.meta.shown_title, r.meta.date, r.meta.dateline, r.meta.source, r.chunks]
        for r in records
    ]
    return [[cell or "" for cell in row] for row in rows]
