"""Dates: what a question says about when, partial dates from datelines, resolved quotes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assistant.dates.article_dates import date_match
from assistant.dates.constraint import question_dates
from assistant.dates.datewords import resolve_relative
from index.articles import load_article
from index.library import ArticleFilter
from index.metadata import Metadata, parse_date_line
from tests.conftest import SEEDS

NEWEST = dt.date(2024, 12, 2)  # a Monday


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Where did Lavrov and Wang meet in July?", {"month": 7, "day": None, "year": None}),
        ("What happened on May 20?", {"month": 5, "day": 20, "year": None}),
        ("What did they agree on 20 May 2024?", {"month": 5, "day": 20, "year": 2024}),
        ("What did they discuss in 2024?", {"year": 2024, "month": None}),
        ("What happened this year?", {"year": 2024, "relative_to": NEWEST}),
        (
            "What happened last week?",
            {"since": dt.date(2024, 11, 25), "until": dt.date(2024, 12, 1), "relative_to": NEWEST},
        ),
        ("What is the latest on Ukraine?", {"order": "latest"}),
        ("What happened most recently?", {"order": "latest"}),
        ("When did Lavrov and Wang first meet?", {"order": "earliest"}),
        ("Who met before July 1, 2024?", {"until": dt.date(2024, 6, 30), "since": None}),
        ("What was said after May 2024?", {"since": dt.date(2024, 6, 1), "until": None}),
    ],
)
def test_question_dates_are_read(question: str, expected: dict[str, Any]) -> None:
    found = question_dates(question, NEWEST)
    for name, value in expected.items():
        assert getattr(found, name) == value, (question, name, found)


@pytest.mark.parametrize(
    "question",
    [
        "Who may attend the conference?",
        "What was the first state visit of the Russian head of state?",
        "Who invited Wang Yi to Moscow?",
    ],
)
def test_questions_without_dates_have_no_constraint(question: str) -> None:
    assert not question_dates(question, NEWEST)


@pytest.mark.parametrize(
    ("question", "strict"),
    [
        ("Where did Lavrov and Wang meet in July?", True),
        ("Who met before July 1, 2024?", True),
        ("What did they discuss in 2024?", True),
        ("Who won Best Director at the 2023 Golden Globes?", False),  # part of a name
        ("What is the plan to reach net zero by 2050?", False),
        ("Who won the Oscar this week?", False),  # relative: read from the newest article
    ],
)
def test_only_calendar_conditions_must_be_met(question: str, strict: bool) -> None:
    found = question_dates(question, NEWEST)
    assert found.filters and found.strict == strict


def test_a_relative_date_prefers_but_never_refuses(corpus: Path, model: Any) -> None:
    """One dated article must not make "this week" refuse everything else: the asker's
    "now" is only guessed from the newest article."""
    from assistant.factory import assistant_for
    from tests.conftest import build_index

    (corpus / "004_7ab0bfe6b2100d46.meta.json").write_text(
        '{"date": "2024-04-10"}', encoding="utf-8"
    )
    settings, store = build_index(corpus.parent / "data", corpus, model)
    answer = assistant_for(store, settings).ask("Who invited Wang Yi to Moscow this week?")
    assert not answer.refused
    assert "Shoigu" in answer.text
    assert answer.citations[0].article == "000_a9c536138ddd3905.txt"
    assert answer.interpreted.endswith("counted from the newest article (2024-04-10)]")


def test_relative_question_dates_need_a_dated_article() -> None:
    assert not question_dates("What happened last week?", None)  # never the wall clock
    described = question_dates("What happened last week?", NEWEST).describe()
    assert described == (
        "last week = 2024-11-25 to 2024-12-01, counted from the newest article (2024-12-02)"
    )


def test_the_question_value_carries_its_dates_note_and_names() -> None:
    from assistant.question import read

    said = read("Where did Lavrov and Wang Yi meet in July?", NEWEST)
    assert (said.dates.month, said.note, said.names) == (7, None, ("Lavrov", "Wang Yi"))
    assert not said.order_only
    assert read("What happened last week?", NEWEST).note == (
        "last week = 2024-11-25 to 2024-12-01, counted from the newest article (2024-12-02)"
    )
    assert read("What happened last week?", None).note == (
        "last week: no article has a full date to count from, so it is ignored"
    )
    assert read("What happened most recently?").order_only  # nothing to match but the order


def test_a_month_and_day_match_a_partial_date_but_a_year_does_not() -> None:
    assert date_match(question_dates("in July"), None, "07-13") == 1.0
    assert date_match(question_dates("on May 20"), None, "05-20") == 1.0
    assert date_match(question_dates("in May"), None, "07-13") == 0.0
    assert date_match(question_dates("in 2024"), None, "05-20") == 0.0  # no invented year
    assert date_match(question_dates("in 2024"), "2024-05-20") == 1.0
    assert date_match(question_dates("last week", NEWEST), "2024-11-27") == 1.0
    assert date_match(question_dates("last week", NEWEST), None, "11-27") == 0.0


def test_seed_datelines_give_partial_dates_and_no_year() -> None:
    meta = load_article(SEEDS / "002_72a2f02afa1bcb5f.txt").meta
    assert (meta.date, meta.month_day, meta.dateline) == (None, "07-13", "MOSCOW, July 13")
    assert load_article(SEEDS / "000_a9c536138ddd3905.txt").meta.month_day == "12-02"
    assert load_article(SEEDS / "003_35d0aa4989227d75.txt").meta.month_day is None


def test_full_dates_come_from_a_date_line_or_a_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Talks in Beijing\nApril 9, 2024\nBEIJING, April 9./TASS/. Lavrov met Wang Yi.\n",
        encoding="utf-8",
    )
    meta = load_article(tmp_path / "a.txt").meta
    assert (meta.date, meta.month_day, meta.dateline) == ("2024-04-09", "04-09", "BEIJING, April 9")
    (tmp_path / "a.meta.json").write_text('{"date": "2024-04-10"}', encoding="utf-8")
    meta = load_article(tmp_path / "a.txt").meta
    assert (meta.date, meta.month_day) == ("2024-04-10", "04-10")
    assert parse_date_line("Published: 2024-12-02 10:30") == "2024-12-02"
    assert parse_date_line("Lavrov met Wang Yi on December 2, 2024.") is None


def test_the_date_filter_matches_partial_dates_by_month_and_day() -> None:
    july = Metadata(dateline="MOSCOW, July 13")
    assert ArticleFilter(date_from="2024-07-01", date_to="2024-07-31").matches(july)
    assert not ArticleFilter(date_from="2024-05-01", date_to="2024-06-30").matches(july)
    assert ArticleFilter(date_from="2023-12-01", date_to="2024-07-20").matches(july)
    assert ArticleFilter(date_from="2024-07-01").matches(july)  # a lone bound: by month and day
    assert not ArticleFilter(date_to="2024-06-30").matches(july)
    assert not ArticleFilter(date_from="2024-01-01").matches(Metadata())  # no date at all


@pytest.mark.parametrize(
    ("sentence", "date", "month_day", "shown"),
    [
        ("he also held consultations today.", None, "12-02", "today = December 2"),
        (
            "talks between their top diplomats on Monday.",
            "2024-12-03",
            None,
            "Monday = 2 December 2024",
        ),
        ("they met today in Moscow.", "2024-12-02", None, "today = 2 December 2024"),
        ("the ministers met on Thursday", None, "07-13", None),  # a weekday needs the year
        ("the ministers met in Jakarta", "2024-07-13", None, None),
    ],
)
def test_relative_words_in_quotes_resolve_against_the_article_date(
    sentence: str, date: str | None, month_day: str | None, shown: str | None
) -> None:
    assert resolve_relative(sentence, date, month_day) == shown


def test_a_relative_question_date_says_how_it_was_read(corpus: Path, model: Any) -> None:
    from assistant.factory import assistant_for
    from tests.conftest import build_index

    seeds = build_index(corpus.parent / "data-a", corpus, model)
    plain = assistant_for(seeds[1], seeds[0]).ask("What did Lavrov discuss last week?")
    assert plain.interpreted.endswith(
        "[last week: no article has a full date to count from, so it is ignored]"
    )
    (corpus / "004_7ab0bfe6b2100d46.meta.json").write_text(
        '{"date": "2024-04-10"}', encoding="utf-8"
    )
    dated = build_index(corpus.parent / "data-b", corpus, model)
    answer = assistant_for(dated[1], dated[0]).ask("What did Lavrov discuss this year?")
    assert answer.interpreted.endswith(
        "[this year = 2024, counted from the newest article (2024-04-10)]"
    )
    assert answer.citations and answer.citations[0].date == "2024-04-10"
