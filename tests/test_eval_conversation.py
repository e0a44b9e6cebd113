"""Dialogues in the Q&A format: conversation/turn fields, their figures, the hand-written sets."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.conversation import is_followup
from assistant.domain import Answer
from eval.dataset import QAItem, load_qa
from eval.errors import QAFormatError
from eval.outcome import score
from eval.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "id": "d1",
    "question": "Who won?",
    "answers": ["Mira"],
    "doc": "a.txt",
    "evidence": "Mira won.",
}
NONE = {"answers": [], "doc": None, "evidence": None}


def write(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_conversation_lines_get_their_turn_in_file_order(tmp_path: Path) -> None:
    items = load_qa(
        write(
            tmp_path / "qa.jsonl",
            {**GOOD, "conversation": "c"},
            {**GOOD, "id": "s", "question": "Who lost?"},
            {**GOOD, "id": "d2", "question": "And in May?", "conversation": "c", "turn": 2},
        )
    )
    assert [(i.conversation, i.turn) for i in items] == [("c", 1), (None, 0), ("c", 2)]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"conversation": "c", "turn": 3}, "turn"),  # the second line of "c" is turn 2
        ({"conversation": ""}, "conversation"),
        ({"turn": 2}, "turn"),  # a turn needs a conversation
        ({"conversation": "c", "turn": "2"}, "turn"),
    ],
)
def test_a_bad_conversation_or_turn_names_the_line_and_field(
    tmp_path: Path, extra: dict[str, object], field: str
) -> None:
    path = write(
        tmp_path / "bad.jsonl", {**GOOD, "conversation": "c"}, {**GOOD, "id": "d2", **extra}
    )
    with pytest.raises(QAFormatError) as caught:
        load_qa(path)
    assert (caught.value.line, caught.value.field) == (2, field)


def test_conversation_figures_score_first_turns_follow_ups_and_refusals() -> None:
    def item(i: str, turn: int, answers: tuple[str, ...]) -> QAItem:
        doc, ev = ("a.txt", "Mira won.") if answers else (None, None)
        return QAItem(
            i,
            "q",
            answers,
            doc,
            ev,
            "single" if answers else "unanswerable",
            (),
            0,
            "c" + i[0],
            turn,
        )

    def said(text: str, refused: bool = False) -> Answer:
        return Answer("q", text, refused)

    runs = [
        (item("a1", 1, ("Mira",)), said("Mira won.")),
        (item("a2", 2, ("Ana",)), said("Mira won.")),  # a wrong follow-up
        (item("a3", 3, ()), said("Not found in the articles.", True)),  # refused, rightly
        (item("b1", 1, ("Ana",)), said("Not found in the articles.", True)),
        (item("b2", 2, ("Mira",)), said("Mira won.")),
        (QAItem("s", "q", ("Mira",), "a.txt", "Mira won.", "single"), said("Mira won.")),
    ]
    outcomes = [score(i, a, lambda _: "Mira won.", 1.0) for i, a in runs]
    summary = summarise(outcomes)
    assert summary["questions"] == 1  # the standalone figures leave dialogues out
    assert summary["conversation"] == {
        "dialogues": 2,
        "turns": 5,
        "first_accuracy": 0.5,
        "followup_accuracy": 0.5,
        "followup_refused": 1.0,
        "unanswerable_followups": 1,
        "by_followup": {},
    }
    assert "conversation" not in summarise(outcomes[-1:])


def test_the_regression_set_has_the_promised_dialogues() -> None:
    dialogues: dict[str, list[QAItem]] = defaultdict(list)
    for item in load_qa(ROOT / "eval" / "qa.jsonl"):
        if item.conversation:
            dialogues[item.conversation].append(item)
    assert len(dialogues) >= 12
    assert all(2 <= len(turns) <= 3 for turns in dialogues.values())
    followups = [t for turns in dialogues.values() for t in turns[1:]]
    assert sum(not t.answerable for t in followups) >= 2
    assert sum(t.question.lower().startswith(("and ", "what about")) for t in followups) >= 4
    elliptical = [t for t in followups if t.followup != "unstated"]  # "How many drones...?"
    assert sum(is_followup(t.question) for t in elliptical) >= len(elliptical) - 2
    kinds = {t.followup for t in followups}
    assert {"attribute", "fragment", "reference", "unstated"} <= kinds
    assert len(dialogues) >= 20
    dev = {i.conversation for i in load_qa(ROOT / "eval" / "dev.jsonl") if i.conversation}
    assert dev and not dev & set(dialogues)


def test_newsqa_eval_asks_dialogues_in_order_and_reports_their_figures(tmp_path: Path) -> None:
    from tests.test_eval_cli import newsqa

    qa = tmp_path / "dialogues.jsonl"
    july, may = "002_72a2f02afa1bcb5f.txt", "001_5743e1e719554255.txt"
    rows = [
        {**GOOD, "id": "c1", "conversation": "c", "doc": july, "answers": ["Jakarta"],
         "question": "Where did Lavrov and Wang Yi meet in July?",
         "evidence": "Lavrov and Wang met in Jakarta"},
        {**GOOD, "id": "c2", "conversation": "c", "turn": 2, "doc": may, "answers": ["Astana"],
         "question": "And in May?", "evidence": "Chinese counterpart Wang Yi in Astana"},
        {"id": "c3", "conversation": "c", "turn": 3, "question": "And in March?", **NONE},
        {**GOOD, "id": "s1", "question": "Who invited Wang Yi to Moscow?", "answers": ["Shoigu"],
         "doc": "000_a9c536138ddd3905.txt", "evidence": "Security Council Secretary Sergey Shoigu"},
    ]  # fmt: skip
    write(qa, *rows)
    out_json = tmp_path / "out.json"
    argv = ("eval", "--corpus", str(ROOT / "seeds"), "--qa", str(qa), "--json", str(out_json))
    code, out, err = newsqa(*argv, data_dir=tmp_path / "user")
    assert code == 0, err
    assert "1 dialogues (3 turns, 1 unanswerable follow-ups)" in out
    assert "conversation.followup_accuracy" in out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["questions"] == 1 and data["answer"]["accuracy"] == 1.0
    assert data["conversation"]["first_accuracy"] == 1.0
    assert data["conversation"]["followup_accuracy"] == 1.0  # "And in May?" -> Astana
    assert data["conversation"]["followup_refused"] == 1.0  # "And in March?" refused
