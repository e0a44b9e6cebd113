"""`newsqa eval` end to end on a corpus and Q&A file the project has never seen."""

from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import cli
from eval.baseline import BASELINE
from eval.dataset import load_qa
from eval.runner import DEFAULT_CORPUS, DEFAULT_QA, add_arguments, evaluate
from tests.conftest import build_index

ARTICLES = {
    "lighthouse.txt": (
        "Harbor town restores its lighthouse\n\n"
        "The town of Port Elwin reopened its restored lighthouse on Saturday after a two-year "
        "renovation that cost 3.2 million euros. Mayor Ingrid Solberg cut the ribbon in front "
        "of about 400 residents. The lighthouse, built in 1871, will again guide fishing boats "
        "into the harbor.\n"
    ),
    "orchard.txt": (
        "Record apple harvest in the Vell Valley\n\n"
        "Farmers in the Vell Valley picked a record 48,000 tonnes of apples this autumn, the "
        "regional growers' cooperative said on Monday. A mild spring and late rains were "
        "credited for the harvest. The cooperative's chair, Tomas Ruiz, said prices would "
        "stay stable through the winter.\n"
    ),
    "chess.txt": (
        "Teenager wins national chess title\n\n"
        "Fourteen-year-old Mira Okafor won the national chess championship in Lyon on Sunday, "
        "beating the defending champion in the final round. She is the youngest winner in the "
        "tournament's history, the chess federation said.\n"
    ),
}
QUESTIONS = [
    {
        "id": "t1",
        "question": "Who cut the ribbon at the reopening of the Port Elwin lighthouse?",
        "answers": ["Ingrid Solberg"],
        "doc": "lighthouse.txt",
        "evidence": "Mayor Ingrid Solberg cut the ribbon in front of about 400 residents.",
    },
    {
        "id": "t2",
        "question": "How many tonnes of apples did farmers in the Vell Valley pick this autumn?",
        "answers": ["48,000 tonnes", "48,000"],
        "doc": "orchard.txt",
        "evidence": "Farmers in the Vell Valley picked a record 48,000 tonnes of apples",
    },
    {
        "id": "t3",
        "question": "Who won the national chess championship in Lyon?",
        "answers": ["Mira Okafor"],
        "doc": "chess.txt",
        "evidence": "Mira Okafor won the national chess championship in Lyon on Sunday",
    },
    {
        "id": "t4",
        "question": "What is the population of the capital of Mongolia?",
        "answers": [],
        "doc": None,
        "evidence": None,
    },
]
KEYS = {
    "retrieval": {"hit@1", "hit@3", "hit@5", "hit@10", "mrr@10"},
    "answer": {"accuracy", "mean_words"},
    "citations": {"valid", "supporting"},
    "refusal": {"unanswerable_refused", "answerable_refused"},
    "latency_ms": {"p50", "p95"},
}
FAILURE_KINDS = {"retrieval_miss", "wrong_sentence", "false_refusal", "missed_refusal"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    folder: Path


def make_set(folder: Path) -> tuple[Path, Path]:
    corpus = folder / "news"
    corpus.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    qa = folder / "questions.jsonl"
    qa.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    return corpus, qa


def newsqa(*argv: str, data_dir: Path) -> tuple[int, str, str]:
    """Run the real CLI with the user's index pointed at ``data_dir``."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setenv("NEWSQA_DATA_DIR", str(data_dir))
        mp.delenv("NEWSQA_CHROMA_URL", raising=False)
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("unseen")
    corpus, qa = make_set(folder)
    argv = ["eval", "--corpus", str(corpus), "--qa", str(qa), "--json", str(folder / "out.json")]
    code, out, err = newsqa(
        *argv, "--report", str(folder / "report" / "eval.md"), data_dir=folder / "user-index"
    )
    return Run(code, out, err, folder)


def test_an_unseen_corpus_and_qa_file_are_evaluated_end_to_end(run: Run) -> None:
    assert run.code == 0, run.err
    data = json.loads((run.folder / "out.json").read_text(encoding="utf-8"))
    assert (data["questions"], data["answerable"], data["unanswerable"]) == (4, 3, 1)
    for section, keys in KEYS.items():
        assert keys <= set(data[section]), section
        assert all(isinstance(data[section][k], float) for k in keys)
    for key in set().union(*(KEYS[s] for s in ("retrieval", "citations", "refusal"))):
        section = next(s for s, keys in KEYS.items() if key in keys)
        assert 0.0 <= data[section][key] <= 1.0
    assert data["retrieval"]["hit@10"] == 1.0  # three tiny articles: every passage is retrieved
    assert data["citations"]["valid"] == 1.0
    assert data["latency_ms"]["p95"] >= data["latency_ms"]["p50"] > 0
    for failure in data["failures"]:
        assert set(failure) >= {"id", "question", "kind", "got", "expected"}
        assert failure["kind"] in FAILURE_KINDS


def test_the_run_prints_a_table_and_skips_the_gate(run: Run) -> None:
    assert "retrieval.hit@1" in run.out and "latency_ms.p95" in run.out
    assert "failures:" in run.out
    assert "gate: not applied" in run.out


def test_the_users_index_is_never_touched(run: Run) -> None:
    assert not (run.folder / "user-index").exists()
    assert sorted(p.name for p in (run.folder / "news").iterdir()) == sorted(ARTICLES)


def test_the_report_has_its_chart_beside_it(run: Run) -> None:
    report = (run.folder / "report" / "eval.md").read_text(encoding="utf-8")
    chart = run.folder / "report" / "eval.png"
    assert "| retrieval.hit@1 |" in report and "![" in report and "(eval.png)" in report
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_malformed_qa_line_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    corpus, qa = make_set(tmp_path)
    lines = qa.read_text(encoding="utf-8").splitlines()
    lines[2] = json.dumps({**QUESTIONS[2], "answers": "Mira Okafor"})
    qa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = newsqa("eval", "--corpus", str(corpus), "--qa", str(qa), data_dir=tmp_path)
    assert code == 2
    assert str(qa) in err and "line 3" in err and "'answers'" in err


def test_evidence_missing_from_its_doc_exits_2(tmp_path: Path) -> None:
    corpus, qa = make_set(tmp_path)
    (corpus / "chess.txt").write_text("Rewritten.\n\nNothing about chess now.\n", encoding="utf-8")
    code, _, err = newsqa("eval", "--corpus", str(corpus), "--qa", str(qa), data_dir=tmp_path)
    assert code == 2 and "t3" in err and "verbatim" in err


def test_only_the_default_set_can_update_the_baseline(tmp_path: Path) -> None:
    corpus, qa = make_set(tmp_path)
    before = BASELINE.read_bytes() if BASELINE.exists() else None
    argv = ("eval", "--corpus", str(corpus), "--qa", str(qa), "--update-baseline")
    code, _, err = newsqa(*argv, data_dir=tmp_path)
    assert code == 2 and "--update-baseline" in err
    assert (BASELINE.read_bytes() if BASELINE.exists() else None) == before


def test_defaults_are_the_regression_set_over_seeds_from_any_folder() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([])
    assert (args.qa, args.corpus, args.json, args.report) == (
        DEFAULT_QA,
        DEFAULT_CORPUS,
        None,
        None,
    )
    assert DEFAULT_QA.is_file() and DEFAULT_CORPUS.is_dir() and DEFAULT_QA.is_absolute()
    assert args.update_baseline is False


def test_evaluate_is_usable_from_python(tmp_path: Path, model: Any) -> None:
    from assistant.factory import assistant_for

    corpus, qa = make_set(tmp_path)
    settings, store = build_index(tmp_path / "index", corpus, model)
    result = evaluate(assistant_for(store, settings), load_qa(qa), corpus, k=3)
    assert len(result.outcomes) == 4
    assert result.to_dict()["answerable"] == 3
    assert all(0 <= o.rank <= 3 for o in result.outcomes)
