"""`newsqa ask/chat/eval` with an LLM configured, against the stub server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT
from tests.stub_llm import Reply, StubLLM
from tests.test_cli import indexed, newsqa  # noqa: F401  (the fixture)
from tests.test_llm import GOOD, KEY, QUESTION, reply


def echo_first(prompt: str) -> str:
    """A reply that quotes candidate [1] word for word, with its marker."""
    line = next(x for x in prompt.splitlines() if x.startswith("[1] ("))
    return line.split(") ", 1)[1] + " [1]"


def test_ask_and_batch_use_the_llm_when_it_is_configured(indexed: dict[str, str]) -> None:  # noqa: F811
    with StubLLM([Reply(reply(f"{GOOD} [{{n}}] It lasted 9 days. [{{n}}]"))]) as stub:
        env = {**indexed, "NEWSQA_LLM_URL": stub.url, "NEWSQA_LLM_API_KEY": KEY}
        out = newsqa("ask", QUESTION, "--json", env=env)
        text = newsqa("ask", QUESTION, env=env)
        batch = newsqa("ask", "--batch", "-", env=env, stdin=f"{QUESTION}\n")
        plain = newsqa("ask", QUESTION, "--json", "--answerer", "extractive", env=env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answerer"] == "llm" and data["answer"] == GOOD + " [1]"
    assert data["verification"] == {"sentences": 2, "kept": 1, "dropped": ["It lasted 9 days."]}
    assert text.stdout.startswith("note: 1 unsupported sentence removed\n" + GOOD + " [1]")
    assert json.loads(batch.stdout)["answerer"] == "llm"
    assert json.loads(plain.stdout)["answerer"] == "extractive" and len(stub.requests) == 3
    for run in (out, text, batch, plain):
        assert KEY not in run.stdout + run.stderr


def test_chat_passes_earlier_questions_to_the_llm(indexed: dict[str, str]) -> None:  # noqa: F811
    first = "Where did Lavrov and Wang meet in July?"
    with StubLLM([Reply(echo_first)]) as stub:
        env = {**indexed, "NEWSQA_LLM_URL": stub.url}
        out = newsqa("chat", env=env, stdin=f"{first}\n{QUESTION}\n")
    assert out.returncode == 0, out.stderr
    assert "Earlier questions" not in stub.prompt(0) and f"- {first}" in stub.prompt(1)


def test_an_llm_failure_is_a_notice_not_an_error(indexed: dict[str, str]) -> None:  # noqa: F811
    with StubLLM([Reply(status=503)]) as stub:
        out = newsqa("ask", QUESTION, env={**indexed, "NEWSQA_LLM_URL": stub.url})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"note: LLM unavailable: {stub.url} answered HTTP 503; showing")
    assert "Shoigu" in out.stdout and "Traceback" not in out.stderr


def test_answerer_llm_without_a_server_is_one_error_line(indexed: dict[str, str]) -> None:  # noqa: F811
    out = newsqa("ask", QUESTION, "--answerer", "llm", env=indexed)
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "newsqa: error: --answerer llm needs an LLM server: set NEWSQA_LLM_URL"
    )


def test_eval_answerer_llm_reports_the_kept_share(tmp_path: Path) -> None:
    with StubLLM([Reply(echo_first)]) as stub:
        env = {"NEWSQA_LLM_URL": stub.url, "NEWSQA_DATA_DIR": str(tmp_path)}
        out = newsqa("eval", "--answerer", "llm", "--json", str(tmp_path / "e.json"), env=env)
    assert out.returncode == 0, out.stderr
    figures = json.loads((tmp_path / "e.json").read_text())
    assert figures["verification"]["kept_share"] == 1.0
    asked = len((ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").split("\n")) - 1
    assert figures["verification"]["llm_answers"] == asked  # standalone and dialogue lines
    assert len(stub.requests) == asked  # the warm-up question is extractive
    assert "verification.kept_share 1.00" in out.stdout and "LLM runs are not)" in out.stdout
