"""`newsqa eval`: index a corpus afresh in a temporary folder, ask every question, score, gate.

From Python (e.g. to tune on the dev split)::

    items = load_qa(Path("eval/dev.jsonl"))
    result = evaluate(assistant, items, Path("seeds"))   # any Assistant over an index of seeds/
    result.to_dict()["answer"]["accuracy"]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval import report
from eval.baseline import BASELINE, previous_baseline, read_baseline, write_baseline
from eval.dataset import QAItem, load_qa, validate_qa
from eval.errors import EvalError, QAValidationError
from eval.gate import compare
from eval.outcome import score
from eval.results import EvalResult
from eval.summary import summarise

if TYPE_CHECKING:
    from assistant.assistant import Assistant
    from index.embedding import MiniLMEmbedding
    from index.ingest import IngestReport
    from index.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QA = PROJECT_ROOT / "eval" / "qa.jsonl"
DEFAULT_CORPUS = PROJECT_ROOT / "seeds"
EVAL_K = 10  # every question is asked once with k=10; see eval/README.md
WARM_UP = "What is this article about?"


class ArticleTexts:
    """Article texts of a corpus folder, read once each; None for a missing or unreadable file."""

    def __init__(self, corpus_dir: Path) -> None:
        self._dir = Path(corpus_dir)
        self._texts: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self._texts:
            path = self._dir / name
            try:
                ok = Path(name).name == name and path.is_file()
                self._texts[name] = path.read_text(encoding="utf-8") if ok else None
            except (OSError, UnicodeDecodeError):
                self._texts[name] = None
        return self._texts[name]


def evaluate(
    assistant: Assistant,
    items: Sequence[QAItem],
    corpus_dir: Path,
    k: int = EVAL_K,
    *,
    bar: bool = False,
    answerer: str = "extractive",
) -> EvalResult:
    """Ask every question once with ``k`` passages and score it; one warm-up ask first.

    A dialogue's lines are asked in file order, each with its conversation's earlier
    questions and answers as history.
    """
    from assistant.conversation import Turn

    texts = ArticleTexts(corpus_dir)
    assistant.ask(WARM_UP, k=k)
    outcomes, answers = [], []
    histories: dict[str, list[Turn]] = {}
    for item in _progress(items, bar):
        history = histories.setdefault(item.conversation, []) if item.conversation else []
        began = time.perf_counter()
        answer = assistant.ask(item.question, k=k, history=list(history), answerer=answerer)
        latency = (time.perf_counter() - began) * 1000
        history.append(Turn(item.question, answer.text, tuple(c.article for c in answer.citations)))
        outcomes.append(score(item, answer, texts, round(latency, 2)))
        answers.append(answer)
    summary = summarise(outcomes)
    if answerer == "llm":  # issue 9: what verification kept of the LLM's sentences
        summary["verification"] = verification_summary(answers)
    return EvalResult(summary, tuple(outcomes))


def verification_summary(answers: Sequence[Any]) -> dict[str, Any]:
    """Sentences the LLM wrote, kept and dropped; answers shown from the LLM or the fallback."""
    checked = [a.verification for a in answers if a.verification is not None]
    sentences = sum(v.sentences for v in checked)
    kept = sum(v.kept for v in checked)
    return {
        "sentences": sentences,
        "kept": kept,
        "dropped": sentences - kept,
        "kept_share": round(kept / sentences, 4) if sentences else 0.0,
        "llm_answers": sum(a.answerer == "llm" for a in answers),
        "fallbacks": sum(a.answerer != "llm" for a in answers),
        "notices": sorted({a.notice.split(":")[0] for a in answers if a.notice}),
    }


def _progress(items: Sequence[QAItem], bar: bool) -> Iterator[QAItem]:
    if not bar:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc="asking", unit="question", leave=False)


@contextmanager
def fresh_assistant(
    corpus: Path, settings: Settings, model: MiniLMEmbedding, keep: Path | None = None
) -> Iterator[tuple[Assistant, IngestReport]]:
    """An assistant over an index of ``corpus`` alone: in a temporary folder deleted
    afterwards, or in ``keep`` (reused next time: ingest brings it in line with the folder,
    by content hash). The user's own index is never opened."""
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="newsqa-eval-", ignore_cleanup_errors=True) as tmp:
        where = Path(keep) if keep else Path(tmp)
        temp = settings.model_copy(
            update={"data_dir": where, "chroma_url": None, "corpus_dir": corpus}
        )
        store = open_store(temp, model, create=True)
        ingested = ingest(corpus, store)
        print(f"indexed {corpus}: {ingested.summary()}", file=sys.stderr)
        if not store.count():
            raise EvalError(f"no usable articles in {corpus}")
        yield assistant_for(store, temp), ingested


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--qa", type=Path, default=DEFAULT_QA, metavar="FILE", help="Q&A file (JSON Lines)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, metavar="DIR", help="article folder"
    )
    parser.add_argument(
        "--k",
        type=int,
        default=EVAL_K,
        metavar="N",
        help=f"passages retrieved per question (default {EVAL_K}; the gate uses {EVAL_K})",
    )
    parser.add_argument(
        "--index",
        type=Path,
        metavar="DIR",
        help="keep the corpus's index in DIR and reuse it next time (default: a temporary one)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures as JSON")
    parser.add_argument(
        "--report", type=Path, metavar="OUT.md", help="write a Markdown report and a PNG chart"
    )
    parser.add_argument(
        "--answerer",
        choices=("extractive", "llm"),
        default="extractive",
        help="who writes the answers; llm needs NEWSQA_LLM_URL and is not gated",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help=f"accept this run's figures: rewrite {BASELINE.relative_to(PROJECT_ROOT)}",
    )


def _load_checked(qa: Path, corpus: Path) -> list[QAItem]:
    if not corpus.is_dir():
        raise EvalError(f"the corpus {corpus} is not a folder")
    items = load_qa(qa)
    problems = validate_qa(items, corpus)
    if problems:
        raise QAValidationError(qa, problems)
    return items


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`newsqa eval`: 0 when done (or the gate passed), 1 when the gate failed."""
    from index.embedding import MiniLMEmbedding
    from index.offline import configure_offline

    configure_offline()
    qa, corpus = Path(args.qa).resolve(), Path(args.corpus).resolve()
    if not 1 <= args.k <= 50:
        raise EvalError(f"--k must be between 1 and 50, not {args.k}")
    llm = getattr(args, "answerer", "extractive") == "llm"
    if llm and not settings.llm_url:
        raise EvalError("--answerer llm needs an LLM server: set NEWSQA_LLM_URL")
    # the baseline is extractive, at k=10
    gated = qa == DEFAULT_QA and corpus == DEFAULT_CORPUS and args.k == EVAL_K and not llm
    if args.update_baseline and not gated:
        raise EvalError(
            "--update-baseline only applies to the default eval/qa.jsonl over seeds/, "
            "answered extractively"
        )
    items = _load_checked(qa, corpus)
    baseline = previous_baseline() if args.update_baseline else None
    if gated and not args.update_baseline:
        baseline = read_baseline()
    print(f"indexing {corpus} into a temporary index ...", file=sys.stderr)
    with fresh_assistant(corpus, settings, MiniLMEmbedding(), args.index) as (assistant, ingested):
        result = evaluate(assistant, items, corpus, args.k, bar=True, answerer=args.answerer)
    articles = ingested.added + ingested.updated + ingested.unchanged
    context = report.Context(qa, corpus, args.k, articles, gated, args.update_baseline)
    differences = compare(result.summary, baseline) if baseline else []
    print(report.table(result, differences, baseline, context))
    print(report.failures_text(result.failures))
    if "verification" in result.summary:
        print(verification_text(result.summary["verification"]))
    if args.json:
        report.write_json(Path(args.json), result.to_dict())
    if args.report:
        report.write_markdown(Path(args.report), result, differences, baseline, context)
    if args.update_baseline:
        write_baseline(result, EVAL_K)
    elif baseline and baseline.get("questions") != result.summary["questions"]:
        print(
            f"note: the baseline holds figures for {baseline.get('questions')} questions, this "
            f"run asked {result.summary['questions']}: review, then accept with --update-baseline"
        )
    if llm:
        print("gate: not applied (eval/baseline.json holds extractive figures; LLM runs are not)")
    else:
        print(report.gate_text(differences, gated, args.update_baseline))
    return 1 if gated and not args.update_baseline and any(d.regressed for d in differences) else 0


def verification_text(v: dict[str, Any]) -> str:
    return (
        f"verification: kept {v['kept']} of {v['sentences']} LLM sentences "
        f"(verification.kept_share {v['kept_share']:.2f}), dropped {v['dropped']}; "
        f"{v['llm_answers']} answers from the LLM, {v['fallbacks']} extractive fallbacks"
        + (f" ({'; '.join(v['notices'])})" if v["notices"] else "")
    )
