"""The UI follows a conversation: `/ask` with earlier questions, per-session history,
"Searched for: ...", resolved dates beside quotes, and a date filter on partial dates."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.domain import Answer, Citation
from index.library import ArticleFilter
from tests.test_ui import client, server
from webui import render
from webui.backend import Backend
from webui.chat import Chat
from webui.library import Library
from webui.viewer import Viewer

__all__ = ["client", "server"]  # the module-scoped live app of test_ui

JULY = "Where did Lavrov and Wang Yi meet in July?"


def test_ask_with_history_follows_the_conversation(client: Any) -> None:
    alone = client.predict("And in May?", api_name="/ask")  # the one-argument call still works
    assert alone["interpreted"] == "And in May?"
    result = client.predict("And in May?", [JULY], api_name="/ask")
    assert result["interpreted"] == "Where did Lavrov and Wang Yi meet in May?"
    assert not result["refused"] and "Astana" in result["citations"][0]["quote"]
    assert result["citations"][0]["dateline"] == "MOSCOW, May 20"
    assert result["citations"][0]["month_day"] == "05-20"


def test_ask_refuses_a_history_that_is_not_a_list_of_questions(client: Any) -> None:
    with pytest.raises(Exception, match="history must be a list"):
        client.predict("And in May?", [1, 2], api_name="/ask")


def test_respond_uses_this_sessions_earlier_answers(server: dict[str, Any]) -> None:
    backend = Backend(server["assistant"], server["settings"])
    h = Chat(backend, Viewer(backend), stream_delay=0)
    *_, (_, chat, answers, _, _) = h.respond(JULY, [], [], 5, None, "", "")
    *_, (_, chat, answers, cards, _) = h.respond("And in May?", chat, answers, 5, None, "", "")
    assert "Searched for: Where did Lavrov and Wang Yi meet in May?" in chat[-1]["content"]
    assert "Astana" in cards
    *_, (_, fresh, _, _, _) = h.respond("And in May?", [], [], 5, None, "", "")  # a new session
    assert "Searched for" not in fresh[-1]["content"]


def test_the_date_filter_works_on_month_and_day(server: dict[str, Any]) -> None:
    backend = Backend(server["assistant"], server["settings"])
    answer = backend.ask(
        "Where did Lavrov and Wang Yi meet?",
        5,
        ArticleFilter(frozenset(), "2024-07-01", "2024-07-31"),
    )
    assert {p.article for p in answer.passages} == {"002_72a2f02afa1bcb5f.txt"}
    table, *_, note = Library(backend).refresh()
    assert "3 with only a month and day" in note
    row = next(r for r in table if r[0] == "002_72a2f02afa1bcb5f.txt")
    assert row[2:4] == ["", "MOSCOW, July 13"]  # no full date; the dateline as written


def test_the_dates_note_says_when_no_article_has_a_date() -> None:
    assert "No article states a date" in render.dates_note([], [], [])


def test_a_resolved_date_is_shown_beside_the_untouched_quote() -> None:
    quote = "he also held consultations today."
    cite = Citation(
        n=1,
        article="a.txt",
        title=None,
        date=None,
        source="TASS",
        start=0,
        end=len(quote),
        quote=quote,
        score=0.9,
        dateline="MOSCOW, December 2",
        month_day="12-02",
        resolved="today = December 2",
    )
    answer = Answer("When?", f"{quote} [1]", False, (cite,))
    cards = render.sources_html(answer, 0)
    assert f"<blockquote>{quote}</blockquote>" in cards
    assert "(today = December 2)" in cards and "MOSCOW, December 2" in cards
