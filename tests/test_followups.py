"""Follow-ups that hold (issue 19): an attribute of the previous answer's event comes from
that answer's own sentences; a detail the story never states is refused, not answered
from the old story."""

from __future__ import annotations

from typing import Any

from assistant.conversation import Turn
from assistant.followups import answers_followup, own_terms

ASEAN = "In which city did Lavrov and Wang Yi meet on the sidelines of ASEAN ministerial events?"


def _turn(seed_assistant: Any, question: str) -> Turn:
    first = seed_assistant.ask(question)
    assert not first.refused
    return Turn(question, first.text, tuple(c.article for c in first.citations))


def test_what_day_was_that_is_the_day_of_the_previous_answer(seed_assistant: Any) -> None:
    before = _turn(seed_assistant, ASEAN)
    assert "Jakarta" in before.answer
    answer = seed_assistant.ask("What day was that?", history=[before])
    assert not answer.refused and answer.short == "Thursday"
    assert answer.citations[0].article == "002_72a2f02afa1bcb5f.txt"
    assert answer.interpreted != answer.question  # what was searched is shown


def test_a_detail_the_story_never_states_is_refused(seed_assistant: Any) -> None:
    before = _turn(seed_assistant, ASEAN)
    for detail in ("Who was the referee?", "How much did the tickets cost?"):
        answer = seed_assistant.ask(detail, history=[before])
        assert answer.refused, detail
        assert answer.confidence_label is None


def test_a_follow_up_must_find_its_own_words_and_the_asked_kind() -> None:
    assert own_terms("What day was that?") == set()
    assert own_terms("Who was the referee?") == {"refere"}
    story = ["Lavrov and Wang met in Jakarta on Thursday."]
    assert answers_followup("What day was that?", story, story)
    assert not answers_followup("What day was that?", ["Lavrov and Wang met in Jakarta."], story)
    assert not answers_followup("Who was the referee?", story, story)


def test_an_answer_survives_its_json_form(seed_assistant: Any) -> None:
    """What the browser keeps of a conversation brings back the same answer and citations."""
    import json

    from assistant.serialization import answer_from_dict, answer_to_dict

    answer = seed_assistant.ask(ASEAN)
    back = answer_from_dict(json.loads(json.dumps(answer_to_dict(answer))))
    assert (back.text, back.citations, back.short) == (answer.text, answer.citations, answer.short)
    assert back.confidence_label == answer.confidence_label and back.interpreted
    assert [(p.article, p.start, p.text) for p in back.passages] == [
        (p.article, p.start, p.text) for p in answer.passages
    ]
