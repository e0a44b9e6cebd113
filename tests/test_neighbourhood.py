"""Reading the quote's neighbourhood: a quote that describes the answer ("the hit thriller")
takes in the sentence that names it, and the name becomes the short answer. Invented
articles only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.extractive import Tuning
from assistant.serialization import answer_to_dict
from tests.conftest import assert_exact_quotes, invented_assistant

ARTICLES = {
    "streaming.txt": (
        "Streamly renews its biggest hit\n\n"
        "Nightfall Harbor drew more viewers than any other series this year. "
        "The streaming service said Monday that the hit thriller will return for a third "
        "season. Filming is planned for the spring in a coastal town, producers added.\n"
    ),
    "ratings.txt": (
        "Television ratings slip again\n\n"
        "Viewing of network television fell for the fifth year in a row, a ratings firm "
        "reported. Thrillers and crime dramas held up better than comedies. Several networks "
        "said they would cut their autumn schedules.\n"
    ),
    "awards.txt": (
        "Drama series lead award nominations\n\n"
        "The academy announced its nominations on Tuesday. Period dramas took most of the "
        "places, while a thriller about a missing sailor won praise from critics. The "
        "ceremony will be held in September.\n"
    ),
    "snacks.txt": (
        "A snack shortage\n\n"
        "Grocers in the north reported empty shelves this week. Demand for the spreadable "
        "snack has tripled since a video about it spread online. Crunchwell Hazel Cream is "
        "now rationed to two jars a customer.\n"
    ),
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory, model: Any) -> tuple[Any, Path]:
    return invented_assistant(tmp_path_factory.mktemp("neighbourhood"), ARTICLES, model)


@pytest.mark.parametrize(
    ("question", "describes", "name"),
    [
        (
            "Which hit thriller will return for a third season?",
            "the hit thriller will return",
            "Nightfall Harbor",
        ),
        (
            "Demand for which spreadable snack has tripled?",
            "Demand for the spreadable snack has tripled",
            "Crunchwell Hazel Cream",
        ),
    ],
)
def test_a_quote_that_describes_the_answer_takes_in_the_sentence_that_names_it(
    invented: tuple[Any, Path], question: str, describes: str, name: str
) -> None:
    assistant, corpus = invented
    answer = assistant.ask(question, k=10)
    assert not answer.refused
    assert describes in answer.citations[0].quote
    assert name in answer.citations[0].quote
    assert answer.short == name
    first = answer.citations[0]
    assert first.focus is not None
    text = (corpus / first.article).read_text(encoding="utf-8")
    assert text[first.focus[0] : first.focus[1]] == name
    assert_exact_quotes(answer, corpus)


def test_without_the_neighbourhood_the_same_quote_does_not_name_the_answer(
    invented: tuple[Any, Path],
) -> None:
    """The case above is a real near miss: the answerer as it was quotes the describing
    sentence alone."""
    assistant, corpus = invented
    before = assistant.answerer
    try:
        assistant.answerer = type(before)(
            before.ranker, before.confidence, Tuning(neighbourhood=False), None, before.phrases
        )
        assistant.answerer.embed = before.embed
        answer = assistant.ask("Which hit thriller will return for a third season?", k=10)
    finally:
        assistant.answerer = before
    assert "the hit thriller will return" in answer.text
    assert "Nightfall Harbor" not in answer.text
    assert answer.short is None
    assert_exact_quotes(answer, corpus)


def test_every_json_answer_has_confidence_focus_and_short(invented: tuple[Any, Path]) -> None:
    assistant, _ = invented
    for question in (
        "Which hit thriller will return for a third season?",
        "Who won the chess olympiad in Reykjavik?",
    ):
        record = json.loads(json.dumps(answer_to_dict(assistant.ask(question))))
        assert {"confidence", "focus", "short"} <= set(record)
    named = answer_to_dict(assistant.ask("Which hit thriller will return for a third season?"))
    assert named["short"] == "Nightfall Harbor"
    assert named["focus"] == named["citations"][0]["focus"]


def test_with_the_answer_article_removed_the_question_is_refused(
    tmp_path: Path, model: Any
) -> None:
    without = {name: text for name, text in ARTICLES.items() if name != "snacks.txt"}
    assistant, _ = invented_assistant(tmp_path, without, model)
    answer = assistant.ask("Demand for which spreadable snack has tripled?")
    assert answer.refused
    assert answer.short is None and not answer.citations


@pytest.mark.parametrize(
    ("sentence", "question", "expected"),
    [
        ("The service said the hit thriller will return.", "Which hit thriller returns?", True),
        ("But those shelves now stand empty.", "Which shelves stand empty?", True),
        ("She said the talks went well.", "Who said the talks went well?", True),
        # a name, not a description: "the Red Sea" names the sea
        ("They discussed the situation in the Red Sea.", "In which sea was it?", False),
        ("Nightfall Harbor will return.", "Which hit thriller returns?", False),
    ],
)
def test_a_sentence_describes_the_asked_thing_by_a_definite_phrase_or_a_pronoun(
    sentence: str, question: str, expected: bool
) -> None:
    from assistant.answer.neighbourhood import describes

    assert describes(sentence, question) is expected
