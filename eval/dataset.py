"""The Q&A format (JSON Lines): loading with line-precise errors, and checking against a corpus.

One object per line; blank lines are skipped and fields beyond these are ignored::

    {"id": str, "question": str, "answers": [str, ...], "doc": str|null, "evidence": str|null}

Optional fields read when present: ``kind`` (single, paraphrase, multi, unanswerable);
for multi questions ``also``: [{"doc": str, "evidence": str}, ...]; and for dialogues
``conversation`` (an id: lines sharing it are one conversation, asked in file order with
their history) with ``turn`` (1, 2, 3... in file order; checked when given) and
``followup`` (a later turn's kind, e.g. "attribute": the report gives accuracy per kind).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from eval.errors import EvalError, QAFormatError

KINDS = ("single", "paraphrase", "multi", "unanswerable")
Fail = Callable[[str | None, str], NoReturn]


@dataclass(frozen=True)
class Support:
    """A further article and verbatim span that support a multi-article answer."""

    doc: str
    evidence: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answers: tuple[str, ...]
    doc: str | None
    evidence: str | None
    kind: str
    also: tuple[Support, ...] = ()
    line: int = 0
    conversation: str | None = None
    turn: int = 0  # 1-based place in its conversation; 0 for a question that stands alone
    followup: str | None = None  # what kind of follow-up a later turn is, e.g. "attribute"

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def _text(raw: dict[str, Any], name: str, fail: Fail, nullable: bool = False) -> str | None:
    value = raw.get(name)
    if name not in raw:
        fail(name, "is missing")
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        fail(name, "must be a non-empty string" + (" or null" if nullable else ""))
    return value


def _answers(raw: dict[str, Any], fail: Fail) -> tuple[str, ...]:
    if "answers" not in raw:
        fail("answers", "is missing")
    value = raw["answers"]
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        fail("answers", "must be a list of non-empty strings ([] when unanswerable)")
    return tuple(value)


def _also(raw: dict[str, Any], fail: Fail) -> tuple[Support, ...]:
    value = raw.get("also", [])
    ok = isinstance(value, list) and all(
        isinstance(s, dict)
        and all(isinstance(s.get(f), str) and s[f].strip() for f in ("doc", "evidence"))
        for s in value
    )
    if not ok:
        fail("also", 'must be a list of {"doc": str, "evidence": str} objects')
    return tuple(Support(s["doc"], s["evidence"]) for s in value)


def _kind(raw: dict[str, Any], answers: tuple[str, ...], fail: Fail) -> str:
    value = raw.get("kind")
    if value is None:
        return "single" if answers else "unanswerable"
    if not isinstance(value, str) or not value.strip():
        fail("kind", "must be a non-empty string")
    return value


def _conversation(raw: dict[str, Any], fail: Fail) -> tuple[str | None, int | None]:
    conversation, turn = raw.get("conversation"), raw.get("turn")
    if conversation is not None and (not isinstance(conversation, str) or not conversation.strip()):
        fail("conversation", "must be a non-empty string (an id shared by the dialogue's lines)")
    if turn is not None:
        if conversation is None:
            fail("turn", 'needs a "conversation" id')
        if not isinstance(turn, int) or isinstance(turn, bool) or turn < 1:
            fail("turn", "must be a whole number from 1")
    return conversation, turn


def parse_item(raw: Any, path: Path, line: int) -> QAItem:
    """One Q&A object; ``QAFormatError`` names the file, the line and the field."""

    def fail(field: str | None, reason: str) -> NoReturn:
        raise QAFormatError(path, line, field, reason)

    if not isinstance(raw, dict):
        fail(None, f"expected a JSON object, got {type(raw).__name__}")
    item_id, question = _text(raw, "id", fail), _text(raw, "question", fail)
    answers = _answers(raw, fail)
    doc, evidence = _text(raw, "doc", fail, True), _text(raw, "evidence", fail, True)
    for name, value in (("doc", doc), ("evidence", evidence)):
        if answers and value is None:
            fail(name, "is null, but the question has answers")
        if not answers and value is not None:
            fail(name, 'must be null when "answers" is [] (an unanswerable question)')
    conversation, turn = _conversation(raw, fail)
    return QAItem(
        conversation=conversation,
        turn=turn or 0,
        id=str(item_id),
        question=str(question),
        answers=answers,
        doc=doc,
        evidence=evidence,
        kind=_kind(raw, answers, fail),
        also=_also(raw, fail),
        line=line,
        followup=_followup(raw, fail),
    )


def _followup(raw: dict[str, Any], fail: Fail) -> str | None:
    value = raw.get("followup")
    if value is not None and (not isinstance(value, str) or not value.strip()):
        fail("followup", "must be a non-empty string (the follow-up's kind)")
    return value


def _placed(item: QAItem, before: list[QAItem], path: Path, line: int) -> QAItem:
    """``item`` with its turn: its place among its conversation's lines so far."""
    if item.conversation is None:
        return item
    place = 1 + sum(i.conversation == item.conversation for i in before)
    if item.turn and item.turn != place:
        raise QAFormatError(
            path, line, "turn", f"is {item.turn}, but this is line {place} of {item.conversation!r}"
        )
    return replace(item, turn=place)


def load_qa(path: Path) -> list[QAItem]:
    """Every item of a Q&A file, in order; ids must be unique."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"cannot read the Q&A file {path}: {exc}") from exc
    items: list[QAItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAFormatError(path, number, None, f"not valid JSON ({exc.msg})") from exc
        item = parse_item(raw, path, number)
        if item.id in seen:
            raise QAFormatError(
                path, number, "id", f"{item.id!r} is already used on line {seen[item.id]}"
            )
        seen[item.id] = number
        items.append(_placed(item, items, path, number))
    if not items:
        raise EvalError(f"the Q&A file {path} has no questions")
    return items


def _check_span(corpus_dir: Path, doc: str, evidence: str, answers: tuple[str, ...]) -> list[str]:
    path = Path(corpus_dir, doc)
    if Path(doc).name != doc or not path.is_file():
        return [f"doc {doc!r} is not a file in {corpus_dir}"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"doc {doc!r} cannot be read: {exc}"]
    if evidence not in text:
        return [f"evidence {evidence[:60]!r}... does not occur verbatim in {doc}"]
    return [f"answer {a!r} does not occur in the evidence" for a in answers if a not in evidence]


def validate_qa(items: list[QAItem], corpus_dir: Path) -> list[str]:
    """Problems with ``items`` over ``corpus_dir``, one line each; empty when all is well.

    Every evidence (and every ``also`` evidence) must occur verbatim in its doc, and every
    answer must occur in its evidence.
    """
    problems: list[str] = []
    for item in items:
        found: list[str] = []
        if item.doc is not None and item.evidence is not None:
            found += _check_span(corpus_dir, item.doc, item.evidence, item.answers)
        for support in item.also:
            found += _check_span(corpus_dir, support.doc, support.evidence, ())
        problems += [f"line {item.line}, id {item.id!r}: {p}" for p in found]
    return problems
