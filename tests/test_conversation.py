"""Follow-up questions: detected without an LLM, searched for with what they leave out."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.conversation import Turn, interpret, is_followup
from assistant.serialization import answer_to_dict

JULY = "Where did Lavrov and Wang Yi meet in July?"


@pytest.mark.parametrize(
    "question",
    [
        "And in May?",
        "What about Shoigu?",
        "How about in 2024?",
        "What did they discuss there?",
        "What happened that day?",
        "When did it happen?",
        "Why?",
        "Where?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert is_followup(question)


@pytest.mark.parametrize(
    "question",
    [
        "Who invited Wang Yi to Moscow?",
        "Is there a peace plan for Ukraine?",
        "What did Xi Jinping propose about Ukraine?",
        "Did Lavrov say he would visit Beijing?",  # "he" has its antecedent
        "How many people died in the concert shooting near Moscow?",
    ],
)
def test_questions_that_stand_alone_are_not_follow_ups(question: str) -> None:
    assert not is_followup(question)
    assert interpret(question, [JULY]).interpreted == question


def test_an_elliptical_follow_up_takes_the_previous_frame_with_the_new_date() -> None:
    assert (
        interpret("And in May?", [JULY]).interpreted == "Where did Lavrov and Wang Yi meet in May?"
    )
    about = interpret("What about Shoigu?", [JULY])
    assert about.interpreted.startswith("What about Shoigu? (") and "Lavrov" in about.interpreted


def test_a_pronoun_follow_up_carries_names_date_and_the_answer_place() -> None:
    earlier = Turn(JULY, "Lavrov and Wang met in Jakarta on the sidelines of ASEAN events.")
    got = interpret("What did they discuss there?", [earlier])
    assert got.followup
    assert got.interpreted.startswith("What did they discuss there? (")
    for carried in ("Jakarta", "Lavrov", "Wang Yi", "in July"):
        assert carried in got.interpreted


def test_a_new_topic_drops_the_old_context_for_later_turns() -> None:
    history = [JULY, "Who invited Wang Yi to Moscow?"]
    got = interpret("Why did he go there?", history)
    assert "Moscow" in got.interpreted and "July" not in got.interpreted


def test_with_no_history_a_follow_up_is_searched_as_typed() -> None:
    assert interpret("And in May?").interpreted == "And in May?"


# --- the real assistant over seeds/ ---


def test_the_july_question_answers_jakarta_first(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("Where did Lavrov and Wang meet in July?")
    assert not answer.refused
    assert "Jakarta" in answer.citations[0].quote
    assert answer.citations[0].month_day == "07-13"
    assert answer.citations[0].dateline == "MOSCOW, July 13"


def test_and_in_may_after_the_july_question_answers_astana(seed_assistant: Any) -> None:
    first = seed_assistant.ask(JULY)
    answer = seed_assistant.ask("And in May?", history=[Turn(JULY, first.text)])
    assert not answer.refused
    assert "Astana" in answer.citations[0].quote
    assert answer.interpreted == "Where did Lavrov and Wang Yi meet in May?"
    data = answer_to_dict(answer)
    assert data["question"] == "And in May?" and data["interpreted"] == answer.interpreted


def test_what_did_they_discuss_there_follows_the_jakarta_meeting(seed_assistant: Any) -> None:
    first = seed_assistant.ask(JULY)
    answer = seed_assistant.ask("What did they discuss there?", history=[Turn(JULY, first.text)])
    assert not answer.refused
    assert {c.article for c in answer.citations} == {"002_72a2f02afa1bcb5f.txt"}


def test_a_topic_change_is_answered_without_the_old_context(seed_assistant: Any) -> None:
    question = "How many people died in the concert shooting?"
    answer = seed_assistant.ask(question, history=[JULY, "And in May?"])
    assert answer.interpreted == question
    assert "144" in answer.text


def test_an_unanswerable_follow_up_is_refused(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("And in March?", history=[JULY])
    assert answer.refused and answer.text == "Not found in the articles."
    assert answer.interpreted == "Where did Lavrov and Wang Yi meet in March?"


def test_a_standalone_answer_says_it_searched_the_question(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("Who invited Wang Yi to Moscow?")
    assert answer_to_dict(answer)["interpreted"] == "Who invited Wang Yi to Moscow?"


def test_a_when_answer_shows_the_resolved_date(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("When did Wang Yi arrive in Moscow?")
    assert not answer.refused
    first = answer.citations[0]
    assert first.quote.endswith("today.")  # the quote itself is untouched
    assert first.resolved == "today = December 2"
    assert answer_to_dict(answer)["citations"][0]["resolved"] == "today = December 2"


def test_most_recently_answers_from_the_newest_dated_article(seed_assistant: Any) -> None:
    answer = seed_assistant.ask("What happened most recently?")
    assert not answer.refused
    assert answer.citations[0].dateline == "MOSCOW, December 2"  # the newest month and day
