"""A short answer that is the short form of a name the article writes in full ("Lindqvist"
after "Maria Lindqvist") is given in full, quoted where the article writes it. Invented
articles only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.answer.full_name import fuller
from tests.conftest import assert_exact_quotes, invented_assistant

ARTICLES = {
    "cup.txt": (
        "Otters lift the northern cup\n\n"
        "The Riverton Otters ended a long wait for a trophy this season. "
        "On Tuesday night the Otters beat the Lakeside Herons 4-1 to win the Northern Cup "
        "for the first time. Fans filled the town square until dawn.\n"
    ),
    "league.txt": (
        "League plans a longer season\n\n"
        "The northern hockey league will add four games to next season's schedule, its "
        "board said. Clubs had asked for more home games to cover rising costs.\n"
    ),
    "vote.txt": (
        "Riverton elects a new mayor\n\n"
        "Voters in Riverton chose Maria Lindqvist as their next mayor on Sunday. "
        "Turnout was the highest in twenty years, election officials said. "
        "Lindqvist won 61 percent of the vote, ahead of two other candidates.\n"
    ),
    "arena.txt": (
        "A new arena for Lakeside\n\n"
        "Lakeside council approved a new ice arena on Monday. The Herons will move there "
        "in two years, the club said.\n"
    ),
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory, model: Any) -> tuple[Any, Path]:
    return invented_assistant(tmp_path_factory.mktemp("full_name"), ARTICLES, model)


def test_a_person_named_by_surname_is_answered_with_the_full_name(
    invented: tuple[Any, Path],
) -> None:
    assistant, corpus = invented
    answer = assistant.ask("Which candidate won 61 percent of the vote?", k=10)
    assert not answer.refused
    assert answer.short == "Maria Lindqvist"
    first = answer.citations[0]
    text = (corpus / first.article).read_text(encoding="utf-8")
    assert first.focus is not None
    assert text[first.focus[0] : first.focus[1]] == "Maria Lindqvist"
    assert any("Lindqvist won 61 percent" in c.quote for c in answer.citations)
    assert_exact_quotes(answer, corpus)


def test_without_full_names_the_short_answer_is_the_surname(
    invented: tuple[Any, Path],
) -> None:
    from assistant.answer.extractive import Tuning

    assistant, _ = invented
    before = assistant.answerer
    try:
        assistant.answerer = type(before)(
            before.ranker, before.confidence, Tuning(full_names=False), None, before.phrases
        )
        assistant.answerer.embed = before.embed
        assistant.answerer.near = before.near
        answer = assistant.ask("Which candidate won 61 percent of the vote?", k=10)
    finally:
        assistant.answerer = before
    assert answer.short == "Lindqvist"


@pytest.mark.parametrize(
    ("short", "article", "full"),
    [
        ("Otters", "cup.txt", "Riverton Otters"),  # not "Tuesday night the Otters"
        ("Herons", "cup.txt", "Lakeside Herons"),
        ("Herons", "arena.txt", None),  # "The Herons": an opener is not part of the name
        ("Northern Cup", "cup.txt", None),  # "win the Northern Cup"
    ],
)
def test_the_full_form_is_the_capitalised_words_before_the_short_one(
    invented: tuple[Any, Path], short: str, article: str, full: str | None
) -> None:
    from assistant.answer.features import candidates_of
    from assistant.question import analyse

    assistant, _ = invented
    question = analyse(
        "Who won the Northern Cup, and where will the Herons play?", assistant.store.model
    )
    cands = candidates_of(assistant.retriever.retrieve(question, 10))
    found = fuller(short, cands, article)
    assert (found.text if found else None) == full
    if found is not None:
        assert found.sentence.body[found.span[0] : found.span[1]] == full


def test_two_different_full_forms_leave_the_short_form_alone(
    invented: tuple[Any, Path],
) -> None:
    """ "Lakeside Herons" and, in another sentence, "Riverton Herons" would not say which."""
    import dataclasses

    from assistant.answer.features import candidates_of
    from assistant.question import analyse

    assistant, _ = invented
    question = analyse("Who did the Otters beat?", assistant.store.model)
    cands = [c for c in candidates_of(assistant.retriever.retrieve(question, 10))]
    twin = next(c for c in cands if "Lakeside Herons" in c.body)
    other = dataclasses.replace(
        twin, span=(twin.span[0] + 1000, twin.span[1] + 1000), body="The Riverton Herons lost."
    )
    assert fuller("Herons", [*cands, other], "cup.txt") is None
