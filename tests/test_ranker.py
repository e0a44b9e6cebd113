"""The learned answerer: committed models load and score, confidence and the short answer
reach every JSON output, and an answer whose article is gone is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.features import CONFIDENCE_FEATURES, SENTENCE_FEATURES, candidates_of
from assistant.answer.ranker import load_model
from assistant.answer.short_answer import PHRASE_FEATURES
from assistant.question import analyse
from assistant.serialization import answer_to_dict
from tests.conftest import SEEDS, build_index

JAKARTA = "002_72a2f02afa1bcb5f.txt"  # the only seed about the July meeting in Jakarta


def test_committed_models_load_with_their_feature_lists() -> None:
    ranker = load_model("ranker", SENTENCE_FEATURES)
    confidence = load_model("confidence", CONFIDENCE_FEATURES)
    assert ranker.features == SENTENCE_FEATURES
    assert 0.0 < float(confidence.extra["threshold"]) < 1.0
    assert load_model("phrase", PHRASE_FEATURES).extra["threshold"] == 0.5
    for name in ("ranker", "confidence", "phrase"):
        path = Path(__file__).parent.parent / "assistant" / "models" / f"{name}.json"
        assert path.stat().st_size < 5 * 1024 * 1024
        assert json.loads(path.read_text(encoding="utf-8"))["type"] == "logistic"


def test_ranker_prefers_the_sentence_that_answers(seed_assistant: Any) -> None:
    question = analyse("Who invited Wang Yi to Moscow?", seed_assistant.store.model)
    passages = seed_assistant.retriever.retrieve(question, 5)
    ranked = seed_assistant.answerer.rank(question, passages, seed_assistant.store.lexical)
    assert len(ranked.candidates) == len(candidates_of(passages))
    assert np.all((ranked.probs >= 0) & (ranked.probs <= 1))
    assert list(ranked.probs) == sorted(ranked.probs, reverse=True)
    assert "Shoigu" in ranked.candidates[0].text


def test_confidence_short_and_focus_in_the_json(seed_assistant: Any) -> None:
    data = answer_to_dict(seed_assistant.ask("Who invited Wang Yi to Moscow?"))
    assert 0.0 <= data["confidence"] <= 1.0
    assert not data["refused"] and data["short"] is not None
    first = data["citations"][0]
    start, end = first["focus"]
    assert first["start"] <= start < end <= first["end"]
    text = (SEEDS / first["article"]).read_text(encoding="utf-8")
    assert text[start:end] == data["short"]
    assert "Shoigu" in data["short"]
    assert all(c["focus"] is None for c in data["citations"][1:])


def test_refused_when_the_article_with_the_answer_is_removed(
    tmp_path: Path, corpus: Path, model: Any
) -> None:
    from assistant.factory import assistant_for

    question = "Where did Lavrov and Wang Yi meet in July?"
    settings, store = build_index(tmp_path / "full", corpus, model)
    answer = assistant_for(store, settings).ask(question)
    assert not answer.refused and answer.citations[0].article == JAKARTA
    (corpus / JAKARTA).unlink()
    settings, store = build_index(tmp_path / "without", corpus, model)
    answer = assistant_for(store, settings).ask(question)
    # refused below the confidence threshold, or because no remaining quote is from July
    assert answer.refused and 0.0 <= answer.confidence <= 1.0
    assert answer.passages, "a refusal still lists the closest passages"
