"""Hostile settings, questions and --batch lines (issue 21): each is one line naming what is
wrong (exit 2), or is answered with the bad bytes replaced; none gives a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.hostile import SEED_QUESTION, newsqa

# --- issue 21: settings, questions and --batch lines that used to give tracebacks ------------


SETTINGS = [
    ("NEWSQA_TOP_K", "abc", "a whole number from 1 to 50"),
    ("NEWSQA_TOP_K", "-5", "a whole number from 1 to 50"),
    ("NEWSQA_TOP_K", "500", "a whole number from 1 to 50"),
    ("NEWSQA_UI_PORT", "99999", "a whole number from 1 to 65535"),
    ("NEWSQA_UI_CONCURRENCY", "0", "a whole number from 1 to 16"),
    ("NEWSQA_LLM_TIMEOUT", "0", "a number above 0 and at most 600"),
    ("NEWSQA_CHROMA_URL", "http://[::1", "look like http://host:port"),
    ("NEWSQA_CHROMA_URL", "ftp://example", "look like http://host:port"),
    ("NEWSQA_CHROMA_URL", "http://127.0.0.1:99999", "look like http://host:port"),
    ("NEWSQA_LLM_URL", "not a url", "look like http://host:port/v1"),
    ("NEWSQA_COLLECTION", "a/b", "letters, digits"),
]


def _one_error_line(out: Any, *parts: str) -> None:
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert lines[0].startswith("newsqa: error: ") and "Traceback" not in out.stderr
    assert all(p in lines[0] for p in parts), lines[0]


@pytest.mark.parametrize("var,value,allowed", SETTINGS, ids=[f"{v}={x}" for v, x, _ in SETTINGS])
def test_an_invalid_setting_is_one_line_naming_it_its_value_and_the_range(
    var: str, value: str, allowed: str, tmp_path: Path
) -> None:
    out = newsqa("ask", "Who invited Wang Yi?", env={var: value, "NEWSQA_DATA_DIR": str(tmp_path)})
    _one_error_line(out, f"{var}={value!r}", allowed)


def test_ui_py_exits_2_with_one_line_on_an_invalid_setting(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "ui.py"],
        cwd=ROOT,
        env={**os.environ, "NEWSQA_UI_PORT": "99999", "NEWSQA_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    _one_error_line(out, "NEWSQA_UI_PORT='99999'", "from 1 to 65535")


@pytest.mark.parametrize("k", ["0", "-1", "51"])
def test_k_outside_1_to_50_is_an_error(k: str, tmp_path: Path) -> None:
    out = newsqa("ask", "Who invited Wang Yi?", "-k", k, env={"NEWSQA_DATA_DIR": str(tmp_path)})
    _one_error_line(out, f"-k must be from 1 to 50, not {k}")


def test_assistant_refuses_k_outside_1_to_50(seed_assistant: Any) -> None:
    from assistant.errors import QuestionError

    for k in (0, -1, 51):
        with pytest.raises(QuestionError, match="k must be from 1 to 50"):
            seed_assistant.ask(SEED_QUESTION, k=k)
    assert len(seed_assistant.ask(SEED_QUESTION, k=1).passages) == 1


def _env(world: dict[str, Path]) -> dict[str, str]:
    return {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}


def test_a_question_with_a_non_utf8_byte_or_a_lone_surrogate_is_answered(
    world: dict[str, Path], seed_assistant: Any
) -> None:
    asked = subprocess.run(  # argv bytes that are not UTF-8 arrive as lone surrogates
        [sys.executable, "-m", "cli", "ask", b"Who invited Wang Yi\xff to Moscow?", "--json"],
        cwd=ROOT,
        env={**os.environ, **_env(world)},
        capture_output=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr.decode()
    data = json.loads(asked.stdout)
    assert data["question"] == "Who invited Wang Yi\ufffd to Moscow?" and "Shoigu" in data["answer"]
    answer = seed_assistant.ask("Who invited \ud800Wang Yi to Moscow?")
    assert answer.question == "Who invited \ufffdWang Yi to Moscow?" and "Shoigu" in answer.text


def test_batch_with_a_bad_line_keeps_every_good_answer(
    world: dict[str, Path], tmp_path: Path
) -> None:
    batch = tmp_path / "q.txt"
    batch.write_bytes(
        b"Who invited Wang Yi to Moscow?\n"
        b"Who \xff\xfe invited\n"
        b'{"question": "Who invited \\ud800Wang Yi to Moscow?"}\n'
        b"Where did Lavrov and Wang Yi meet on the sidelines of ASEAN events?\n"
    )
    out = newsqa("ask", "--batch", str(batch), env=_env(world))
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 4
    assert "Shoigu" in records[0]["answer"] and "error" not in records[0]
    assert records[1]["line"] == 2 and "not UTF-8" in records[1]["error"]
    assert records[1]["question"] == "Who \ufffd\ufffd invited"
    assert records[2]["question"] == "Who invited \ufffdWang Yi to Moscow?"
    assert "Shoigu" in records[2]["answer"] and records[3]["citations"]
