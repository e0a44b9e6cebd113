"""`make bench`, the answers side by side: the answerer as it was (the models committed at a
git revision, by default the last before issue 20's refit models, without reading the quote's
neighbourhood or giving names in full) and as it is now,
over the same index and questions, in one run.

    .venv/bin/python -m bench.answers --index DIR --corpus DIR --qa FILE [--before REV]

Figures per answerer: accuracy, near misses (a wrong answer whose gold answer lies within one
sentence of the quote, or in the headline), short answers given and short_exact, false
refusals (answerable refused), unanswerable refused, warm p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
MODELS = ("ranker", "confidence", "phrase")
ISSUE_20 = "79c1a8e"  # the models (fitted on rtqa-dev alone) before issue 20 refit them


def models_at(rev: str) -> dict[str, Any] | None:
    """The committed models at git revision ``rev`` (None when git cannot show them)."""
    from assistant.answer.ranker import LogisticModel

    out = {}
    for name in MODELS:
        try:
            text = subprocess.run(
                ["git", "show", f"{rev}:assistant/models/{name}.json"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        out[name] = LogisticModel.from_json(json.loads(text))
    return out


def models_in(folder: Path) -> dict[str, Any]:
    """The models written by ``train.train --out folder``."""
    from assistant.answer.ranker import LogisticModel

    return {
        name: LogisticModel.from_json(json.loads((folder / f"{name}.json").read_text("utf-8")))
        for name in MODELS
    }


def answerers(store: Any, before: str, candidate: Path | None = None) -> dict[str, Any]:
    """``before`` (its models, no neighbourhood), ``now`` (the committed models) and, with
    ``candidate``, today's answerer with the models in that folder (not committed)."""
    from assistant.answer.extractive import ExtractiveAnswerer, Tuning

    found: dict[str, Any] = {}
    old = models_at(before)
    if old is not None:
        found[f"before ({before})"] = ExtractiveAnswerer(
            old["ranker"],
            old["confidence"],
            Tuning(neighbourhood=False, full_names=False),
            store.model.embed_phrases,
            old["phrase"],
        )
    found["now"] = ExtractiveAnswerer(embed=store.model.embed_phrases)
    if candidate is not None:
        new = models_in(candidate)
        found[f"models in {candidate.name}"] = ExtractiveAnswerer(
            new["ranker"], new["confidence"], None, store.model.embed_phrases, new["phrase"]
        )
    return found


def side_by_side(
    assistant: Any, items: list[Any], corpus: Path, before: str, candidate: Path | None = None
) -> dict[str, Any]:
    """Each answerer's figures over ``items`` with the same assistant (index, retrieval),
    with its failures by kind (``failure_kinds``)."""
    from eval.runner import evaluate

    out, current = {}, assistant.answerer
    for name, answerer in answerers(assistant.store, before, candidate).items():
        assistant.answerer = answerer
        try:
            result = evaluate(assistant, items, corpus)
        finally:
            assistant.answerer = current
        s = result.summary
        out[name] = {
            "accuracy": s["answer"]["accuracy"],
            "near_misses": s["answer"]["near_misses"],
            "short_given": s["answer"]["short_given"],
            "short_exact": s["answer"]["short_exact"],
            "false_refusals": s["refusal"]["answerable_refused"],
            "unanswerable_refused": s["refusal"]["unanswerable_refused"],
            "p50_ms": s["latency_ms"]["p50"],
            "p95_ms": s["latency_ms"]["p95"],
            # refused although confident: another rule than the threshold (the date check)
            "refused_confident": sum(
                1
                for o in result.outcomes
                if o.answerable and o.refused and o.confidence >= answerer.threshold
            ),
            "failures": failure_kinds(result.outcomes),
        }
    return out


def failure_kinds(outcomes: Any, first: int = 50) -> dict[str, dict[str, int]]:
    """The answerable failures by kind, for the first ``first`` in file order and for all:
    near miss (a gold answer within one sentence of the quote), label mismatch (the quote
    names part of a gold answer, e.g. its last word), wrong sentence (a relevant passage was
    retrieved), retrieval miss, false refusal."""
    from eval.metrics import normalise, strip_markers

    kinds = []
    for o in outcomes:
        if not o.answerable or o.correct:
            continue
        got = normalise(strip_markers(o.got))
        words = {w for a in o.answers for w in normalise(a).split() if len(w) > 3}
        if o.refused:
            kinds.append("false_refusal")
        elif o.near_miss:
            kinds.append("near_miss")
        elif any(w in got.split() for w in words):
            kinds.append("label_mismatch")
        elif o.rank:
            kinds.append("wrong_sentence")
        else:
            kinds.append("retrieval_miss")
    names = ("near_miss", "wrong_sentence", "label_mismatch", "retrieval_miss", "false_refusal")
    return {
        f"first {first}": {k: kinds[:first].count(k) for k in names},
        "all": {k: kinds.count(k) for k in names},
    }


def print_table(figures: dict[str, dict[str, Any]], questions: int) -> None:
    keys = [k for k in next(iter(figures.values())) if k != "failures"]
    print(f"\nanswers side by side ({questions} questions)")
    print(f"  {'':16}" + "".join(f"{k:>21}" for k in keys))
    for name, f in figures.items():
        print(f"  {name:16}" + "".join(f"{f[k]:>21}" for k in keys))
    for name, f in figures.items():
        print(f"  failures of {name} by kind: {json.dumps(f['failures'])}")


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    p = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, required=True, help="an index of --corpus (kept)")
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--qa", type=Path, required=True)
    p.add_argument("--before", default=ISSUE_20, help="git revision of the answerer as it was")
    p.add_argument(
        "--models",
        type=Path,
        help="also today's answerer with the models in this folder (train.train --out)",
    )
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    from assistant.factory import assistant_for
    from eval.dataset import load_qa
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    settings = Settings(data_dir=args.index, corpus_dir=args.corpus, chroma_url=None)
    store = open_store(settings, create=True)
    ingest(args.corpus, store)
    items = [i for i in load_qa(args.qa) if i.doc is None or (args.corpus / i.doc).is_file()]
    figures = side_by_side(
        assistant_for(store, settings), items, args.corpus, args.before, args.models
    )
    print_table(figures, len(items))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
