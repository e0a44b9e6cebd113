"""Reproduce the tuning of chunking, fusion and sentence selection on the DEV split only.

    .venv/bin/python -m eval.tune            # prints one line per setting; ~2 minutes

eval/qa.jsonl (the regression set) is never read here. The chosen values live in
index/chunking.py (CHUNK_TOKENS, OVERLAP_SENTENCES), assistant/retrieval.py
(BM25_WEIGHT) and assistant/extractive.py (Tuning); eval/README.md has the figures.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval" / "dev.jsonl"


def _objective(summary: dict[str, Any]) -> float:
    refusal = summary["refusal"]
    return (
        summary["answer"]["accuracy"]
        + refusal["unanswerable_refused"]
        - refusal["answerable_refused"]
    )


def _line(label: str, summary: dict[str, Any]) -> str:
    r, a, f = summary["retrieval"], summary["answer"], summary["refusal"]
    return (
        f"{label:38} hit@1 {r['hit@1']:.3f} hit@5 {r['hit@5']:.3f} mrr {r['mrr@10']:.3f} "
        f"acc {a['accuracy']:.3f} refused(unans) {f['unanswerable_refused']:.3f} "
        f"refused(ans) {f['answerable_refused']:.3f} objective {_objective(summary):.3f}"
    )


def _with_chunker(budget: int, overlap: int) -> Callable[[], None]:
    """Make ingest chunk with these numbers; returns the undo."""
    import index.ingest as ingest_module
    from index.chunking import chunk_article

    original = ingest_module.chunk_article
    ingest_module.chunk_article = lambda article: chunk_article(article, budget, overlap)

    def undo() -> None:
        ingest_module.chunk_article = original

    return undo


def main() -> int:
    configure_offline()
    from assistant.extractive import Tuning
    from assistant.retrieval import Fusion
    from eval.dataset import load_qa
    from eval.runner import evaluate, fresh_assistant
    from index.embedding import MiniLMEmbedding
    from index.settings import Settings

    items, model, seeds = load_qa(DEV), MiniLMEmbedding(), ROOT / "seeds"
    for budget, overlap in itertools.product([64, 96, 128, 192], [0, 1]):
        undo = _with_chunker(budget, overlap)
        with fresh_assistant(seeds, Settings(), model) as (assistant, _):
            for weight in (0.4, 0.6, 0.8, 1.0):
                assistant.retriever.fusion = Fusion(bm25_weight=weight)
                summary = evaluate(assistant, items, seeds).summary
                print(_line(f"chunk {budget} o{overlap} bm25 {weight}", summary), flush=True)
        undo()
    with fresh_assistant(seeds, Settings(), model) as (assistant, _):
        grid = itertools.product(
            [0.3, 0.45, 0.6], [0.2, 0.35, 0.5], [0.1, 0.2, 0.3], [0.2, 0.25, 0.3]
        )
        for lexical, semantic, kind, coverage in grid:
            assistant.answerer.tuning = replace(
                Tuning(),
                lexical=lexical,
                semantic=semantic,
                answer_type=kind,
                min_coverage=coverage,
            )
            summary = evaluate(assistant, items, seeds).summary
            label = f"lex {lexical} sem {semantic} type {kind} cov {coverage}"
            print(_line(label, summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
