"""An answer as terminal text: notes, the short answer, the answer with its confidence, then
the numbered sources (a refusal: the closest passages)."""

from __future__ import annotations

from typing import Any


def _notes(answer: Any) -> list[str]:
    """issue 9: the fallback notice and the sentences verification removed."""
    notes = [f"note: {answer.notice}"] if getattr(answer, "notice", None) else []
    v = getattr(answer, "verification", None)
    if v is not None and answer.answerer == "llm" and v.dropped:
        s = "" if len(v.dropped) == 1 else "s"
        notes.append(f"note: {len(v.dropped)} unsupported sentence{s} removed")
    return notes


def _bold(text: str, styled: bool) -> str:
    return f"\033[1m{text}\033[0m" if styled else f"**{text}**"


def _quote(c: Any, styled: bool) -> str:
    """The quote, with its short answer (``focus``) in bold."""
    if not c.focus:
        return c.quote
    s, e = c.focus[0] - c.start, c.focus[1] - c.start
    return c.quote[:s] + _bold(c.quote[s:e], styled) + c.quote[e:]


def _confidence(answer: Any) -> str:
    """ "(confidence: high, 0.93)"; a refusal's estimate alone."""
    from assistant.confidence_labels import shown

    label = shown(getattr(answer, "confidence_label", None))
    return (
        f"(confidence: {label}, {answer.confidence:.2f})"
        if label
        else (f"(confidence {answer.confidence:.2f})")
    )


def format_answer(answer: Any, styled: bool = False) -> str:
    """What was searched (for a follow-up), the short answer (when there is one), the answer
    with its markers and confidence, then the numbered sources (or, for a refusal, the
    closest passages)."""
    lines = [*_notes(answer)]
    if answer.interpreted and answer.interpreted != answer.question:
        lines.append(f"Searched for: {answer.interpreted}")
    if answer.short:
        lines.append(f"Answer: {_bold(answer.short, styled)}")
    lines += [answer.text, _confidence(answer), ""]
    if answer.refused:
        lines.append("Closest passages:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.text.split())
            lines.append(f"  - {p.article} (score {p.score:.2f}): {snippet[:160]}")
        return "\n".join(lines)
    lines.append("Sources:")
    for c in answer.citations:
        head = " — ".join(x for x in (c.title or c.article, c.source, c.date or c.dateline) if x)
        lines.append(f"  [{c.n}] {head} — {c.article} [{c.start}:{c.end}]")
        resolved = f" ({c.resolved})" if c.resolved else ""
        lines.append(f"      “{_quote(c, styled)}”{resolved}")
    return "\n".join(lines)
