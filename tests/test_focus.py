"""The short answer: what the question asks for, and the phrase of that kind in the quote."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.evidence import answer_type
from assistant.focus import find_focus
from assistant.question import analyse


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


def _short(question: str, sentence: str, model: Any) -> str | None:
    span = find_focus(analyse(question, model), sentence, 0)
    return sentence[span[0] : span[1]] if span else None


def test_a_count_keeps_the_unit_the_question_asks_for(model: Any) -> None:
    assert (
        _short(
            "The Vatican held a papal funeral for the first time in how many years?",
            "It was the first such funeral in nearly 600 years, officials said.",
            model,
        )
        == "600 years"
    )
    assert (
        _short(
            "How much did Fox pay Dominion?", "Fox paid $787.5 million to settle the case.", model
        )
        == "$787.5 million"
    )


def test_a_possessive_is_not_the_answer_unless_asked_whose(model: Any) -> None:
    sentence = "The training is led by Colonel Smith, against Russia's missiles."
    assert _short("Who leads the training?", sentence, model) == "Colonel Smith"
    assert _short("Whose idea was the plan?", "It was Putin's idea, aides said.", model) == (
        "Putin's"
    )
