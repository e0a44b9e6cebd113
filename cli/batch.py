"""`newsqa ask --batch`: one answer (or one error object) per line of a file or stdin."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from index.errors import NewsqaError


def cited(answer: Any) -> tuple[str, ...]:
    return tuple(c.article for c in answer.citations)


def _batch_lines(stream: BinaryIO) -> Iterator[tuple[int, str, str | None, str | None]]:
    """(line number, question, conversation id or None, problem or None) per non-blank
    line; a line that is not UTF-8 is read with ``errors="replace"`` and has a problem."""
    from assistant.question import normalise_text

    for number, raw in enumerate(stream, start=1):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        problem = None
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"line {number} is not UTF-8 text (bad byte at offset {exc.start})"
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if isinstance(record, dict) and isinstance(record.get("question"), str):
                conversation = record.get("conversation")
                conversation = (
                    normalise_text(conversation) if isinstance(conversation, str) else None
                )
                yield number, normalise_text(record["question"]), conversation, problem
                continue
        yield number, line, None, problem


def run_batch(
    assistant: Any,
    source: str,
    k: int | None,
    allowed: set[str] | None,
    answerer: str = "extractive",
) -> int:
    """One answer per line; lines sharing a "conversation" id are asked with their history.
    A line that cannot be asked gets an error object; every other line is still answered."""
    from assistant.conversation import Turn
    from assistant.serialization import answer_to_dict

    if source != "-" and not Path(source).is_file():
        raise NewsqaError(f"--batch: no such file: {source}")
    stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    histories: dict[str, list[Turn]] = {}
    with stream:
        for number, question, conversation, problem in _batch_lines(stream):
            history = histories.setdefault(conversation, []) if conversation else []
            try:
                if problem:
                    raise NewsqaError(problem)
                answer = assistant.ask(
                    question, k=k, articles=allowed, history=list(history), answerer=answerer
                )
                record = answer_to_dict(answer)
                history.append(Turn(answer.question, answer.text, cited(answer)))
            except NewsqaError as exc:
                record = {"question": question, "line": number, "error": str(exc)}
            if conversation is not None:
                record["conversation"] = conversation
            print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0
