"""The short answer: what the question asks for, the candidate phrases, and the learned choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.answer.focus import phrases_in
from assistant.answer.short_answer import PhraseVectors, head_of
from assistant.evidence import answer_type
from assistant.question import analyse
from tests.conftest import build_index


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did Lavrov and Wang meet?", "date"),
        ("Where did Lavrov and Wang meet in July?", "place"),
        ("Who invited Wang Yi to Moscow?", "person"),
        ("And where?", "place"),
        ("How many years had passed?", "number"),
        # "when", "who", "where" inside a clause are relative, not what is asked:
        ("Fox News shook the media this week when it parted ways with which host?", "entity"),
        ("In which city did Lavrov meet Wang when he welcomed the proposal?", "place"),
        ("Which famous event is in a row over who is allowed to compete?", "entity"),
        ("Who greeted the peace blueprint with doubt when it came out?", "person"),
    ],
)
def test_the_asked_kind_comes_from_the_question_word_not_a_relative_clause(
    question: str, kind: str
) -> None:
    assert answer_type(question) == kind


def _phrases(question: str, sentence: str, model: Any) -> list[str]:
    return [p.text for p in phrases_in(analyse(question, model), sentence)]


def test_a_count_keeps_the_unit_the_question_asks_for(model: Any) -> None:
    sentence = "It was the first such funeral in nearly 600 years, officials said."
    question = "The Vatican held a papal funeral for the first time in how many years?"
    assert "600 years" in _phrases(question, sentence, model)
    # A number is never cut inside its word: an ordinal or a decade keeps its ending.
    assert _phrases(
        "Which round of talks was it?", "It was the 20th round, in the 1990s.", model
    ) == [
        "20th",
        "1990s",
    ]
    assert "$787.5 million" in _phrases(
        "How much did Fox pay Dominion?", "Fox paid $787.5 million to settle the case.", model
    )


def test_candidates_leave_out_what_the_question_states_and_a_possessive_its_s(
    model: Any,
) -> None:
    question = analyse("Which country charged Senator Ann Blake?", model)
    found = phrases_in(question, "Norway's police charged Senator Ann Blake in Oslo.")
    assert [(p.text, p.possessive) for p in found] == [("Norway", True), ("Oslo", False)]


def test_a_name_that_holds_the_is_offered_whole_and_keeps_a_the_inside_a_sentence(
    model: Any,
) -> None:
    question = "Which musical closed on Broadway after 35 years?"
    sentence = "The final show of The Phantom of the Opera was on Sunday."
    assert _phrases(question, sentence, model) == ["The Phantom of the Opera", "Sunday"]
    # At the start of a sentence "The" is capitalised anyway: it is left out.
    assert _phrases("Who traded for Kevin Durant?", "The Suns traded for Kevin Durant.", model) == [
        "Suns"
    ]


def test_the_asked_thing_is_the_noun_after_which_or_the_wh_word() -> None:
    assert head_of("Sky Brown became the first world champion in which sport?") == "sport"
    assert head_of("In what year did the strike end?") == "year"
    assert head_of("Who invited Wang Yi to Moscow?") == "person"
    assert head_of("Fox settled the lawsuit for what?") is None


ARTICLES = {
    "warrant.txt": (
        "Warrant issued for senator\n\n"
        "Norway's interior ministry issued an arrest warrant for Senator Ann Blake on "
        "Tuesday after her remarks about the fighting in Ukraine. Blake called the warrant "
        "a badge of honour. Officials in Oslo declined to comment further on the case."
    ),
    "weather.txt": (
        "Storm season\n\nHeavy rain fell across the coast this week. Forecasters expect "
        "calmer weather by the weekend, and ferries will run as usual."
    ),
}


def test_the_short_answer_is_the_asked_country_even_as_a_possessive(
    tmp_path: Path, model: Any
) -> None:
    from assistant.factory import assistant_for

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = assistant_for(*reversed(build_index(tmp_path / "data", corpus, model)))
    answer = assistant.ask("Which country issued an arrest warrant for Senator Ann Blake?")
    assert not answer.refused
    assert answer.short == "Norway"
    first = answer.citations[0]
    assert first.focus is not None and first.quote.startswith("Norway's interior ministry")
    text = ARTICLES[first.article]
    assert text[first.focus[0] : first.focus[1]] == "Norway"


def test_a_name_loses_its_titles_and_an_adjective_in_the_question_states_it(
    model: Any,
) -> None:
    question = "Which Chinese official met Lavrov?"
    sentence = "Russian President Vladimir Putin hosted Foreign Minister Wang Yi, not China."
    assert _phrases(question, sentence, model) == ["Vladimir Putin", "Wang Yi"]


def test_the_sentence_holding_the_short_answer_is_quoted_first(seed_assistant: Any) -> None:
    answerer = seed_assistant.answerer
    question = analyse("Who invited Wang Yi to Moscow?", seed_assistant.store.model)
    passages = seed_assistant.retriever.retrieve(question, 5)
    ranked = answerer.rank(question, passages, seed_assistant.store.lexical)
    best, runner_up = ranked.candidates[:2]
    chosen = answerer._lead_with(ranked, 1, [(best, float(ranked.probs[0]))])
    assert [c for c, _ in chosen] == [runner_up, best]


def test_phrase_vectors_are_the_model_s_and_each_phrase_is_embedded_once(model: Any) -> None:
    asked: list[list[str]] = []

    def embed(texts: Any) -> Any:
        asked.append(list(texts))
        return model.embed_phrases(texts)

    vectors = PhraseVectors(embed)
    first = vectors(["Jakarta", "Astana", "Jakarta"])
    again = vectors(["Astana", "Moscow"])
    assert asked == [["Jakarta", "Astana"], ["Moscow"]]
    assert np.allclose(first[1], again[0]) and np.allclose(first[0], first[2])
    assert np.allclose(first[0], model.embed(["Jakarta"])[0], atol=1e-5)


def test_a_lone_quote_takes_the_runner_up_when_it_holds_a_likely_answer(
    seed_assistant: Any,
) -> None:
    answerer = seed_assistant.answerer
    question = analyse("Who invited Wang Yi to Moscow?", seed_assistant.store.model)
    passages = seed_assistant.retriever.retrieve(question, 5)
    ranked = answerer.rank(question, passages, seed_assistant.store.lexical)
    best, runner_up = ranked.candidates[:2]
    alone = [(best, float(ranked.probs[0]))]
    in_runner_up = phrases_in(question, runner_up.body, 1)[:1]
    in_best = phrases_in(question, best.body, 0)[:1]
    assert in_runner_up and in_best
    assert [c for c, _ in answerer._with_runner_up(ranked, alone, in_runner_up)] == [
        best,
        runner_up,
    ]
    assert answerer._with_runner_up(ranked, alone, in_best) == alone  # nothing likely there
