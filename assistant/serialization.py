"""The JSON form of an ``Answer``: the contract of `newsqa ask --json` and the `/ask` API."""

from __future__ import annotations

from typing import Any

from assistant.domain import Answer


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
