"""The evaluation's definitions on hand-made cases."""

from __future__ import annotations

import pytest

from assistant.domain import Answer, Citation, Passage
from eval.dataset import QAItem
from eval.gate import compare
from eval.metrics import contains_answer, evidence_span, is_relevant
from eval.outcome import failure_kind, score
from eval.results import EvalResult
from eval.summary import percentile, summarise

ARTICLE = "Title line\n\nMira Okafor won the final in Lyon. She is fourteen. Ana lost.\n"
EVIDENCE = "Mira Okafor won the final in Lyon."  # at [12, 46)
TEXTS = {"a.txt": ARTICLE, "b.txt": "Other news. Mira Okafor won the final in Lyon.\n"}
ASKED = QAItem("q1", "Who won in Lyon?", ("Mira Okafor",), "a.txt", EVIDENCE, "single")
UNASKABLE = QAItem("q2", "Who won in Paris?", (), None, None, "unanswerable")


def passage(start: int, end: int, article: str = "a.txt") -> Passage:
    text = TEXTS[article]
    return Passage(article, start, end, text[start:end], 1.0)


def cite(start: int, end: int, article: str = "a.txt", quote: str | None = None) -> Citation:
    text = TEXTS[article][start:end] if quote is None else quote
    return Citation(1, article, None, None, None, start, end, text, 1.0)


def answer(text: str, citations=(), passages=(), refused: bool = False) -> Answer:
    return Answer("q", text, refused, tuple(citations), tuple(passages))


def test_evidence_is_located_at_its_first_occurrence() -> None:
    assert evidence_span(ARTICLE, EVIDENCE) == (12, 46)
    assert evidence_span("x. x.", "x.") == (0, 2)
    assert evidence_span(ARTICLE, "not there") is None


def test_a_passage_covering_exactly_half_of_the_evidence_is_relevant() -> None:
    span = (12, 46)  # 34 characters: 17 is exactly half
    assert is_relevant(passage(0, 29), "a.txt", span)  # covers [12, 29): 17 characters
    assert is_relevant(passage(29, 70), "a.txt", span)  # covers [29, 46): 17 characters
    assert not is_relevant(passage(0, 28), "a.txt", span)  # 16 characters
    assert not is_relevant(passage(30, 70), "a.txt", span)
    assert is_relevant(passage(0, len(ARTICLE)), "a.txt", span)


def test_a_passage_from_another_article_is_never_relevant() -> None:
    other = passage(12, 46, "b.txt")  # the same words, in another article
    assert other.text == EVIDENCE
    assert not is_relevant(other, "a.txt", (12, 46))


def test_answers_match_case_whitespace_quotes_and_dashes_insensitively() -> None:
    assert contains_answer("the winner was MIRA\n  okafor [1]", ["Mira Okafor"])
    assert contains_answer("the “Lyon–Paris” route [1]", ['"Lyon-Paris"'])
    assert contains_answer("it’s over [1]", ["it's over"])
    assert contains_answer("Mira [1] Okafor", ["Mira Okafor"])  # markers are not text
    assert not contains_answer("Mira won [1]", ["Mira Okafor"])
    assert not contains_answer("anything", [])


def test_a_correct_answer_with_a_valid_supporting_citation() -> None:
    got = answer(f"{EVIDENCE} [1]", [cite(12, 46)], [passage(60, 75), passage(0, 46)])
    outcome = score(ASKED, got, TEXTS.get, 12.5)
    assert (outcome.rank, outcome.correct, outcome.supporting) == (2, True, True)
    assert (outcome.citations, outcome.valid_citations) == (1, 1)
    assert failure_kind(outcome) is None


def test_an_invalid_citation_is_counted_against_validity() -> None:
    wrong_offsets = cite(13, 47, quote=EVIDENCE)
    unknown_article = Citation(2, "gone.txt", None, None, None, 0, 5, "Title", 1.0)
    got = answer(f"{EVIDENCE} [1] Title [2]", [wrong_offsets, cite(0, 5), unknown_article])
    outcome = score(ASKED, got, TEXTS.get, 1.0)
    assert (outcome.citations, outcome.valid_citations) == (3, 1)
    assert summarise([outcome])["citations"]["valid"] == pytest.approx(1 / 3, abs=1e-4)


def test_a_citation_supports_by_overlapping_the_evidence_or_quoting_an_answer() -> None:
    overlapping = score(ASKED, answer("x [1]", [cite(40, 60)]), TEXTS.get, 1.0)
    quoting = Citation(1, "a.txt", None, None, None, 0, 20, "Mira Okafor again", 1.0)
    by_answer = score(ASKED, answer("x [1]", [quoting]), TEXTS.get, 1.0)
    elsewhere = score(ASKED, answer("x [1]", [cite(12, 46, "b.txt")]), TEXTS.get, 1.0)
    assert overlapping.supporting and by_answer.supporting
    assert not elsewhere.supporting  # the right words, but not from the question's doc


def test_a_refused_answerable_question_is_a_false_refusal() -> None:
    got = answer("Not found in the articles.", refused=True, passages=[passage(0, 46)])
    outcome = score(ASKED, got, TEXTS.get, 3.0)
    assert outcome.rank == 1 and not outcome.correct and not outcome.supporting
    assert failure_kind(outcome) == "false_refusal"
    figures = summarise([outcome])
    assert figures["refusal"]["answerable_refused"] == 1.0
    assert figures["answer"] == {
        "accuracy": 0.0,
        "mean_words": 0.0,
        "short_given": 0,
        "short_exact": 0.0,
        "near_misses": 0,
    }
    assert figures["citations"]["supporting"] == 0.0  # no answered answerable question


def test_wrong_answers_are_retrieval_misses_or_wrong_sentences() -> None:
    missed = score(ASKED, answer("Ana lost. [1]", [cite(64, 73)], [passage(60, 75)]), TEXTS.get, 1)
    wrong = score(ASKED, answer("Ana lost. [1]", [cite(64, 73)], [passage(0, 75)]), TEXTS.get, 1)
    assert failure_kind(missed) == "retrieval_miss"
    assert failure_kind(wrong) == "wrong_sentence"


def test_unanswerable_questions_should_be_refused() -> None:
    refused = score(UNASKABLE, answer("Not found.", refused=True), TEXTS.get, 1.0)
    answered = score(UNASKABLE, answer("Ana lost. [1]", [cite(64, 73)]), TEXTS.get, 1.0)
    assert failure_kind(refused) is None
    assert failure_kind(answered) == "missed_refusal"
    assert refused.rank == 0 and not answered.correct


def test_summary_figures_over_a_small_run() -> None:
    good = answer(f"{EVIDENCE} [1]", [cite(12, 46)], [passage(0, 46)])
    third = answer("Ana lost. [1]", [cite(64, 73)], [passage(60, 75)] * 2 + [passage(0, 46)])
    refused = answer("Not found.", refused=True)
    outcomes = [
        score(ASKED, good, TEXTS.get, 10.0),
        score(ASKED, third, TEXTS.get, 20.0),
        score(ASKED, refused, TEXTS.get, 30.0),
        score(UNASKABLE, refused, TEXTS.get, 40.0),
        score(UNASKABLE, good, TEXTS.get, 50.0),
    ]
    s = summarise(outcomes)
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (5, 3, 2)
    assert s["retrieval"] == {
        "hit@1": 0.3333,
        "hit@3": 0.6667,
        "hit@5": 0.6667,
        "hit@10": 0.6667,
        "mrr@10": round((1 + 1 / 3) / 3, 4),
    }
    assert s["answer"] == {
        "accuracy": 0.3333,
        "mean_words": round((7 + 2 + 7) / 3, 2),
        "short_given": 0,  # no answer here has a short answer
        "short_exact": 0.0,
        "near_misses": 0,
    }
    assert s["citations"] == {"valid": 1.0, "supporting": 0.5, "count": 3}
    assert s["refusal"] == {"unanswerable_refused": 0.5, "answerable_refused": 0.3333}
    assert s["latency_ms"] == {"p50": 30.0, "p95": 48.0}
    kinds = [f.kind for f in EvalResult(s, tuple(outcomes)).failures]
    assert kinds == ["wrong_sentence", "false_refusal", "missed_refusal"]


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 95) == 95.0


BASE = {
    "retrieval": {"hit@1": 0.80, "mrr@10": 0.85},
    "refusal": {"unanswerable_refused": 0.90, "answerable_refused": 0.10},
    "answer": {"accuracy": 0.70, "mean_words": 30.0},
    "latency_ms": {"p50": 100.0, "p95": 200.0},
}


def regressed(**changes: dict[str, float]) -> list[str]:
    current = {k: {**v, **changes.get(k, {})} for k, v in BASE.items()}
    return [d.metric for d in compare(current, BASE) if d.regressed]


def test_the_gate_tolerates_small_changes_and_ignores_improvements() -> None:
    assert regressed() == []
    assert regressed(retrieval={"hit@1": 0.78, "mrr@10": 1.0}) == []  # exactly -0.02
    assert regressed(refusal={"answerable_refused": 0.12, "unanswerable_refused": 0.88}) == []
    assert regressed(answer={"mean_words": 90.0, "accuracy": 0.95}) == []  # words: not gated
    assert regressed(latency_ms={"p50": 250.0, "p95": 450.0}) == []
    assert regressed(latency_ms={"p50": 1.0, "p95": 1.0}) == []


def test_latency_is_reported_but_never_gated() -> None:
    """A busy machine must not fail `make test`: speed lives in `make bench`."""
    assert regressed(latency_ms={"p50": 10_000.0, "p95": 90_000.0}) == []


def test_the_gate_fails_on_worse_figures_in_the_right_direction() -> None:
    assert regressed(retrieval={"hit@1": 0.7799}) == ["retrieval.hit@1"]
    assert regressed(refusal={"unanswerable_refused": 0.85}) == ["refusal.unanswerable_refused"]
    assert regressed(refusal={"answerable_refused": 0.13}) == ["refusal.answerable_refused"]
    diff = next(d for d in compare({"answer": {"accuracy": 0.5}}, BASE))
    assert (diff.metric, diff.limit, round(diff.delta, 4)) == ("answer.accuracy", 0.68, -0.2)


def test_a_wrong_quote_next_to_the_sentence_with_the_answer_is_a_near_miss() -> None:
    from eval.metrics import near_miss

    at = ARTICLE.index("She is fourteen.")
    beside = Citation(1, "a.txt", None, None, None, at, at + 16, "She is fourteen.", 1.0)
    at = ARTICLE.index("Ana lost.")
    far = Citation(1, "a.txt", None, None, None, at, at + 9, "Ana lost.", 1.0)
    assert near_miss([beside], TEXTS.get, ["Mira Okafor"])
    assert not near_miss([far], TEXTS.get, ["Mira Okafor"])
    outcome = score(
        ASKED, Answer(ASKED.question, "She is fourteen. [1]", False, (beside,)), TEXTS.get, 1.0
    )
    assert outcome.near_miss and not outcome.correct
    assert summarise([outcome])["answer"]["near_misses"] == 1
