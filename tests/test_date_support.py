"""A date the question names, over undated articles: a standalone question is answered when
the quoted article names that date next to what is asked about (the quote itself need not);
a follow-up that changes only the date still needs it stated. Invented articles only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_exact_quotes, invented_assistant

ARTICLES = {
    "storm.txt": (
        "Storm batters Port Elm harbour\n\n"
        "Eleven fishing boats sank at their moorings in Port Elm, the harbour master said. "
        "Repairs to the sea wall will take most of the summer. "
        "The storm that hit Port Elm in March was the worst in decades.\n"
    ),
    "ferry.txt": (
        "Ferry timetable changes\n\n"
        "The island ferry will run twice a day from next week, its operator said. "
        "Tickets bought for the old timetable remain valid.\n"
    ),
    "market.txt": (
        "Fish prices climb\n\n"
        "Fish prices at the Port Elm market rose sharply as fewer boats went out. "
        "Traders expect prices to fall once the fleet is rebuilt.\n"
    ),
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory, model: Any) -> tuple[Any, Path]:
    return invented_assistant(tmp_path_factory.mktemp("date_support"), ARTICLES, model)


def test_the_article_names_the_month_so_the_undated_quote_answers(
    invented: tuple[Any, Path],
) -> None:
    assistant, corpus = invented
    answer = assistant.ask("How many fishing boats sank in Port Elm in March?", k=10)
    assert not answer.refused
    assert "Eleven fishing boats sank" in answer.text
    assert_exact_quotes(answer, corpus)


def test_a_month_the_articles_never_name_is_refused(invented: tuple[Any, Path]) -> None:
    assistant, _ = invented
    answer = assistant.ask("How many fishing boats sank in Port Elm in October?", k=10)
    assert answer.refused


def test_a_follow_up_that_changes_only_the_month_is_refused(
    invented: tuple[Any, Path],
) -> None:
    from assistant.conversation import Turn

    assistant, _ = invented
    question = "How many fishing boats sank in Port Elm in March?"
    first = assistant.ask(question, k=10)
    assert not first.refused
    before = Turn(question, first.text, tuple(c.article for c in first.citations))
    assert assistant.ask("And in October?", history=[before]).refused
