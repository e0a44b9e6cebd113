"""`newsqa chat` and `ask --batch` follow conversations; `ask` takes the UI's filters."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import indexed, newsqa

__all__ = ["indexed"]  # the module-scoped index fixture, shared with test_cli


def test_chat_through_a_pipe_keeps_context_and_new_starts_afresh(
    indexed: dict[str, str],
) -> None:
    script = (
        "Where did Lavrov and Wang Yi meet in July?\n"
        "\n"  # a blank line no longer quits
        "And in May?\n"
        "/new\n"
        "And in May?\n"
    )
    out = newsqa("chat", env=indexed, stdin=script)
    assert out.returncode == 0, out.stderr
    answers = out.stdout.split("? ")[1:]
    assert len(answers) >= 4
    assert "Jakarta" in answers[0]
    assert "Searched for: Where did Lavrov and Wang Yi meet in May?" in out.stdout
    assert "Astana" in answers[2]
    assert "(new conversation)" in out.stderr
    assert out.stdout.count("Searched for:") == 1  # after /new, "And in May?" stands alone


def test_batch_lines_with_a_conversation_id_form_one_conversation(
    indexed: dict[str, str], tmp_path: Path
) -> None:
    lines = [
        {"question": "Where did Lavrov and Wang Yi meet in July?", "conversation": "a"},
        {"question": "Where did Lavrov and Wang Yi meet in July?", "conversation": "b"},
        {"question": "And in May?", "conversation": "a"},
        {"question": "And in May?"},  # stands alone: no conversation
        {"question": "What did they discuss there?", "conversation": "b"},
    ]
    batch = tmp_path / "dialogues.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    out = newsqa("ask", "--batch", str(batch), env=indexed)
    assert out.returncode == 0, out.stderr
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert [g["question"] for g in got] == [x["question"] for x in lines]
    assert [g.get("conversation") for g in got] == ["a", "b", "a", None, "b"]
    assert got[2]["interpreted"] == "Where did Lavrov and Wang Yi meet in May?"
    assert "Astana" in got[2]["answer"]
    assert got[3]["interpreted"] == "And in May?"
    assert "Jakarta" in got[4]["interpreted"]
    assert {c["article"] for c in got[4]["citations"]} == {"002_72a2f02afa1bcb5f.txt"}


def test_ask_filters_by_source_and_by_partial_dates(indexed: dict[str, str]) -> None:
    out = newsqa(
        "ask",
        "Where did Lavrov and Wang Yi meet?",
        "--json",
        "--since",
        "2024-05-01",
        "--until",
        "2024-05-31",
        env=indexed,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {p["article"] for p in data["passages"]} == {"001_5743e1e719554255.txt"}
    assert data["passages"][0]["month_day"] == "05-20" and data["passages"][0]["date"] is None
    assert data["citations"][0]["dateline"] == "MOSCOW, May 20"
    tass = newsqa("ask", "Who invited Wang Yi?", "--json", "--source", "TASS", env=indexed)
    assert tass.returncode == 0, tass.stderr
    assert all(
        p["article"][:3] in {"000", "001", "002"} for p in json.loads(tass.stdout)["passages"]
    )
    bad = newsqa("ask", "Who?", "--since", "May 2024", env=indexed)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "newsqa: error: --since must look like 2024-05-31, not 'May 2024'"
    none = newsqa("ask", "Who?", "--source", "Reuters", env=indexed)
    assert none.returncode == 2 and "no article matches" in none.stderr
