"""The JSON form of an ``Answer``: the contract of `newsqa ask --json` and the `/ask` API."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from assistant.domain import Answer, Citation, Passage, Verification


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "interpreted": answer.interpreted or answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {
                "n": c.n,
                "article": c.article,
                "title": c.title,
                "title_source": c.title_source,
                "date": c.date,
                "dateline": c.dateline,
                "month_day": c.month_day,
                "resolved": c.resolved,
                "source": c.source,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "score": c.score,
                "focus": list(c.focus) if c.focus else None,
            }
            for c in answer.citations
        ],
        "passages": [
            {
                "article": p.article,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "score": p.score,
                "title": p.title,
                "title_source": p.title_source,
                "date": p.date,
                "dateline": p.dateline,
                "month_day": p.month_day,
            }
            for p in answer.passages
        ],
        "confidence": answer.confidence,
        "confidence_label": answer.confidence_label,
        "short": answer.short,
        "focus": _focus(answer),
        "timings_ms": dict(answer.timings_ms),
        "answerer": answer.answerer,
        "verification": None
        if answer.verification is None
        else {
            "sentences": answer.verification.sentences,
            "kept": answer.verification.kept,
            "dropped": list(answer.verification.dropped),
        },
        "notice": answer.notice,
    }


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """An ``Answer`` back from ``answer_to_dict`` (e.g. a conversation kept in the browser);
    fields it lacks get their defaults, unknown ones are ignored."""
    citations = tuple(
        Citation(**{**_known(c, Citation), "focus": tuple(c["focus"]) if c.get("focus") else None})
        for c in data.get("citations") or []
    )
    passages = tuple(Passage(**_known(p, Passage)) for p in data.get("passages") or [])
    v = data.get("verification")
    return Answer(
        question=str(data["question"]),
        text=str(data["answer"]),
        refused=bool(data["refused"]),
        citations=citations,
        passages=passages,
        timings_ms=dict(data.get("timings_ms") or {}),
        confidence=float(data.get("confidence") or 0.0),
        confidence_label=data.get("confidence_label"),
        short=data.get("short"),
        interpreted=str(data.get("interpreted") or ""),
        answerer=data.get("answerer") or "extractive",
        verification=None
        if v is None
        else Verification(v["sentences"], v["kept"], tuple(v["dropped"])),
        notice=data.get("notice"),
    )


def _known(data: dict[str, Any], cls: type) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _focus(answer: Answer) -> list[int] | None:
    """The short answer's offsets in the first citation's article (null without one)."""
    first = answer.citations[0] if answer.citations else None
    return list(first.focus) if first is not None and first.focus else None
