"""The verifier of LLM sentences on written cases: invented facts caught, paraphrases kept."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm.verification import Rule, check, missing_facts, numbers
from train.verification_cases import judge, load_cases

CITED = "Fire crews said 3 people were injured at a warehouse near the port of Valdren on Sunday."


def test_numbers_are_normalised() -> None:
    assert numbers("About 12,000 runners, the 20th race, three winners, 4.2 million.") == {
        "12000",
        "20",
        "3",
        "4.2",
    }


@pytest.mark.parametrize(
    ("sentence", "missing"),
    [
        ("Three people were hurt near Valdren's port.", []),
        ("Four people were hurt near Valdren.", ["4"]),
        ("People were hurt near Valdren on Monday.", ["Monday"]),
        ("People were hurt near Orvik.", ["Orvik"]),
        ("Officials may say 3 people were hurt.", ["Officials"]),
    ],
)
def test_numbers_dates_and_names_must_be_cited(sentence: str, missing: list[str]) -> None:
    assert missing_facts(sentence, CITED) == missing


def test_a_sentence_with_no_cited_text_is_unsupported(model: Any) -> None:
    verdict = check("Three people were hurt.", [], model.embed)
    assert not verdict.supported and "cites no sentence" in verdict.reason


def test_the_rule_separates_the_written_cases(model: Any) -> None:
    cases = load_cases()
    verdicts = judge(cases, model.embed, Rule())
    right = sum(v.supported == c["supported"] for v, c in zip(verdicts, cases, strict=True))
    let_through = [
        c["id"] for v, c in zip(verdicts, cases, strict=True) if v.supported and not c["supported"]
    ]
    assert right >= len(cases) - 2  # measured 44 of 46 (eval/README.md)
    assert let_through == ["v46"]  # a swapped subject: same words, same names (a known limit)
