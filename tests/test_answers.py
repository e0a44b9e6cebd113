"""Answers a user can check: every quote is the article text at its offsets; refusals refuse."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import QuestionError
from assistant.serialization import answer_to_dict
from tests.conftest import ROOT, SEEDS


def _questions(kind: str) -> list[str]:
    lines = (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    answerable = kind == "answerable"
    return [i["question"] for i in items if bool(i["answers"]) == answerable]


def test_every_citation_quotes_the_article_at_its_offsets(seed_assistant: Any) -> None:
    questions = _questions("answerable") + _questions("unanswerable")
    answered = 0
    for question in questions:
        answer = seed_assistant.ask(question)
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
        assert markers == {c.n for c in answer.citations}, question
        for c in answer.citations:
            assert (SEEDS / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote
        for p in answer.passages:
            assert (SEEDS / p.article).read_text(encoding="utf-8")[p.start : p.end] == p.text
        answered += not answer.refused
    assert answered >= len(_questions("answerable")) // 2


def test_answer_is_short_and_quoted_verbatim(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("Who invited Wang Yi to Moscow for the security consultations?")
    assert not answer.refused
    assert "Shoigu" in answer.text
    assert 1 <= len(answer.citations) <= 3
    assert len(re.sub(r"\[\d+\]", "", answer.text).split()) <= 80 + 40  # 80 words, one long quote


@pytest.mark.parametrize(
    "question",
    [
        "Who won the football World Cup in 2022?",
        "What is the recipe for a good lasagne?",
        "What did Lavrov say about Venezuela?",
        "How did the Tokyo stock exchange close on Friday?",
    ],
)
def test_questions_the_articles_do_not_answer_are_refused(
    seed_assistant: Any, question: str
) -> None:
    answer = seed_assistant.ask(question)
    assert answer.refused
    assert answer.citations == () and "[" not in answer.text
    assert answer.passages, "the closest passages are still listed"


def test_json_form_has_the_documented_keys(seed_assistant: Any) -> None:
    data = answer_to_dict(
        seed_assistant.ask("Which anniversary of diplomatic relations was marked?")
    )
    assert set(data) == {
        "question", "interpreted", "answer", "refused", "citations", "passages", "timings_ms",
        "confidence", "confidence_label", "short", "focus", "answerer", "verification", "notice",
    }  # fmt: skip
    assert (data["answerer"], data["verification"], data["notice"]) == ("extractive", None, None)
    assert set(data["citations"][0]) == {
        "n", "article", "title", "title_source", "date", "dateline", "month_day", "resolved",
        "source", "start", "end", "quote", "score", "focus",
    }  # fmt: skip
    assert set(data["passages"][0]) == {
        "article", "start", "end", "text", "score", "title", "title_source", "date", "dateline",
        "month_day",
    }  # fmt: skip
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    json.dumps(data)


def test_passages_come_ranked_with_scores(seed_assistant: Any) -> None:
    answer = seed_assistant.ask(
        "Where did Lavrov and Wang Yi meet on the sidelines of ASEAN events?", k=8
    )
    scores = [p.score for p in answer.passages]
    assert len(scores) == 8 and scores == sorted(scores, reverse=True)
    assert answer.passages[0].article == "002_72a2f02afa1bcb5f.txt"


@pytest.mark.parametrize("question", ["", "   \n", "x" * 2001])
def test_empty_or_overlong_questions_are_rejected(seed_assistant: Any, question: str) -> None:
    with pytest.raises(QuestionError):
        seed_assistant.ask(question)


def test_chroma_server_mode_uses_the_same_code(tmp_path: Path, model: Any) -> None:
    """`chroma run` (shipped with chromadb) on loopback, reached through NEWSQA_CHROMA_URL."""
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings
    from tests.chroma_server import running_chroma

    with running_chroma(tmp_path / "server") as url:
        settings = Settings(data_dir=tmp_path / "data", chroma_url=url)
        store = open_store(settings, model, create=True)
        assert ingest(SEEDS, store, bar=False).added == 5
        answer = assistant_for(open_store(settings, model), settings).ask(
            "Which anniversary of their diplomatic relations did the two nations mark?"
        )
        assert "75th" in answer.text and not (tmp_path / "data" / "chroma").exists()


def test_article_filter_narrows_retrieval_itself(seed_assistant: Any) -> None:
    only = {"003_35d0aa4989227d75.txt"}
    answer = seed_assistant.ask("Where did Lavrov and Wang Yi meet?", k=5, articles=only)
    assert answer.passages and {p.article for p in answer.passages} == only
    assert {c.article for c in answer.citations} <= only
    assert seed_assistant.ask("Where did they meet?", articles=set()).refused
