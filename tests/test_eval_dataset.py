"""The Q&A files: format errors name file, line and field; eval/*.jsonl match seeds/."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import KINDS, load_qa, validate_qa
from eval.errors import EvalError, QAFormatError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
QA = ROOT / "eval" / "qa.jsonl"
DEV = ROOT / "eval" / "dev.jsonl"

GOOD = {
    "id": "q1",
    "question": "Who won?",
    "answers": ["Mira"],
    "doc": "a.txt",
    "evidence": "Mira won the final.",
}
NONE = {"id": "q2", "question": "Who lost?", "answers": [], "doc": None, "evidence": None}


def write(path: Path, *rows: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("split", [QA, DEV], ids=["qa", "dev"])
def test_every_evidence_is_verbatim_in_its_doc_and_holds_its_answers(split: Path) -> None:
    assert validate_qa(load_qa(split), SEEDS) == []


def test_the_regression_set_has_the_promised_mix() -> None:
    items = load_qa(QA)
    kinds = Counter(item.kind for item in items)
    assert len(items) >= 60
    assert set(kinds) <= set(KINDS)
    assert kinds["single"] >= 25
    assert kinds["paraphrase"] >= 10
    assert kinds["multi"] >= 6
    assert kinds["unanswerable"] >= 12
    assert all(item.also for item in items if item.kind == "multi")
    assert all(not item.answerable for item in items if item.kind == "unanswerable")
    assert all(item.answerable for item in items if item.kind != "unanswerable")


def test_dev_and_regression_sets_do_not_share_questions() -> None:
    qa, dev = load_qa(QA), load_qa(DEV)
    assert not {i.id for i in qa} & {i.id for i in dev}
    assert not {i.question.lower() for i in qa} & {i.question.lower() for i in dev}


def test_a_good_file_loads_with_extra_fields_ignored(tmp_path: Path) -> None:
    items = load_qa(write(tmp_path / "qa.jsonl", {**GOOD, "source": "x"}, "", NONE))
    assert [i.id for i in items] == ["q1", "q2"]
    assert items[0].answers == ("Mira",) and items[0].kind == "single"
    assert items[1].kind == "unanswerable" and not items[1].answerable
    assert items[1].line == 3


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({**GOOD, "answers": "Mira"}, "answers"),
        ({**GOOD, "answers": ["Mira", 3]}, "answers"),
        ({k: v for k, v in GOOD.items() if k != "question"}, "question"),
        ({**GOOD, "id": 7}, "id"),
        ({**GOOD, "doc": None}, "doc"),
        ({**GOOD, "evidence": ""}, "evidence"),
        ({**NONE, "doc": "a.txt"}, "doc"),
        ({**GOOD, "also": [{"doc": "b.txt"}]}, "also"),
        ({**GOOD, "id": "q2"}, "id"),  # duplicate of line 1
    ],
)
def test_a_malformed_line_names_the_file_line_and_field(
    tmp_path: Path, row: dict[str, object], field: str
) -> None:
    path = write(tmp_path / "bad.jsonl", NONE, row)
    with pytest.raises(QAFormatError) as caught:
        load_qa(path)
    assert (caught.value.line, caught.value.field) == (2, field)
    message = str(caught.value)
    assert str(path) in message and "line 2" in message and repr(field) in message


@pytest.mark.parametrize("line", ["{not json", "[1, 2]"])
def test_a_line_that_is_not_an_object_is_named(tmp_path: Path, line: str) -> None:
    with pytest.raises(QAFormatError, match=r"bad\.jsonl, line 2"):
        load_qa(write(tmp_path / "bad.jsonl", GOOD, line))


def test_a_missing_or_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="cannot read"):
        load_qa(tmp_path / "absent.jsonl")
    with pytest.raises(EvalError, match="no questions"):
        load_qa(write(tmp_path / "empty.jsonl", ""))


def test_validate_reports_missing_docs_evidence_and_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Title\n\nMira won the final. Ana lost.\n", encoding="utf-8")
    rows = [
        GOOD,
        {**GOOD, "id": "q3", "answers": ["Ana"]},
        {**GOOD, "id": "q4", "evidence": "Mira lost the final."},
        {**GOOD, "id": "q5", "doc": "gone.txt"},
        {**GOOD, "id": "q6", "also": [{"doc": "a.txt", "evidence": "Nobody won."}]},
        NONE,
    ]
    problems = validate_qa(load_qa(write(tmp_path / "qa.jsonl", *rows)), corpus)
    assert len(problems) == 4
    assert "q3" in problems[0] and "'Ana'" in problems[0]
    assert "q4" in problems[1] and "verbatim" in problems[1]
    assert "q5" in problems[2] and "gone.txt" in problems[2]
    assert "q6" in problems[3] and "verbatim" in problems[3]
