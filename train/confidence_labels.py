"""Choose the confidence labels' thresholds on rtqa-dev, cross-validated by quiz week.

    .venv/bin/python -m train.confidence_labels --qa QA --corpus DIR --index DIR [--write]

Asks every question of ``--qa`` that stands alone (rtqa-dev's, e.g. as written by
``python -m train.dev_dialogues``; never eval/qa.jsonl), then over the answers given (an
answered unanswerable question counts as wrong):

- ``high`` is the lowest confidence at which the answers at or above it are right at least
  HIGH_TARGET of the time; ``medium`` the lowest below which they are right at most
  UNCERTAIN_AT_MOST of the time while those from it up to ``high`` are right at least
  MEDIUM_TARGET: below it is "uncertain — check the source". Each band must hold at least
  MIN_ANSWERS answers.
- Five folds by quiz week: thresholds chosen on four, the fifth labelled; the pooled
  out-of-fold accuracy per label is printed, then the thresholds chosen on all.

``--write`` stores them in assistant/models/confidence_labels.json (the one place the
assistant reads them). Re-run whenever the confidence model is refit.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path

HIGH_TARGET = 0.8
MEDIUM_TARGET = 0.65
UNCERTAIN_AT_MOST = 0.6
MIN_ANSWERS = 10
FOLDS = 5
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assistant" / "models" / "confidence_labels.json"
Scored = tuple[float, bool, str]  # confidence, right, quiz week


def _lowest(scored: Sequence[Scored], below: float, target: float) -> float:
    """The lowest confidence t (a value seen) whose band [t, below) is right >= target."""
    band = [(c, ok) for c, ok, _ in scored if c < below]
    for t in sorted({c for c, _ in band}):
        rest = [ok for c, ok in band if c >= t]
        if len(rest) >= MIN_ANSWERS and sum(rest) / len(rest) >= target:
            return round(t, 4)
    return below


def _medium(scored: Sequence[Scored], high: float) -> float:
    """The lowest confidence m (a value seen) such that the answers below it are right at most
    UNCERTAIN_AT_MOST of the time and those from it up to ``high`` at least MEDIUM_TARGET; the
    lowest seen (no uncertain band) when there is none."""
    seen = sorted({c for c, _, _ in scored if c <= high})
    for m in seen:
        below = [ok for c, ok, _ in scored if c < m]
        band = [ok for c, ok, _ in scored if m <= c < high]
        if len(below) < MIN_ANSWERS or len(band) < MIN_ANSWERS:
            continue
        if sum(below) / len(below) <= UNCERTAIN_AT_MOST and sum(band) / len(band) >= MEDIUM_TARGET:
            return round(m, 4)
    return round(seen[0], 4) if seen else high


def choose(scored: Sequence[Scored]) -> tuple[float, float]:
    """(high, medium) for these answers."""
    high = min(_lowest(scored, 1.01, HIGH_TARGET), 1.0)
    return high, min(_medium(scored, high), high)


def _label(c: float, high: float, medium: float) -> str:
    return "high" if c >= high else ("medium" if c >= medium else "uncertain")


def cross_validate(scored: Sequence[Scored]) -> dict[str, dict[str, float]]:
    """Out-of-fold answers and accuracy per label, folds by sorted quiz week."""
    weeks = sorted({w for _, _, w in scored})
    fold = {w: i % FOLDS for i, w in enumerate(weeks)}
    got: dict[str, list[bool]] = {"high": [], "medium": [], "uncertain": []}
    for f in range(FOLDS):
        high, medium = choose([s for s in scored if fold[s[2]] != f])
        for c, ok, w in scored:
            if fold[w] == f:
                got[_label(c, high, medium)].append(ok)
    return {
        k: {"answers": len(v), "accuracy": round(sum(v) / len(v), 4) if v else 0.0}
        for k, v in got.items()
    }


def _week(item_id: str) -> str:
    match = re.search(r"(\d{8})", item_id)
    return match.group(1) if match else item_id


def _scored(args: argparse.Namespace) -> list[Scored]:
    from eval.dataset import load_qa
    from eval.runner import evaluate, fresh_assistant
    from index.embedding import MiniLMEmbedding
    from index.settings import Settings

    items = [i for i in load_qa(args.qa) if i.conversation is None]
    with fresh_assistant(args.corpus, Settings(), MiniLMEmbedding(), args.index) as (asked, _):
        result = evaluate(asked, items, args.corpus, bar=True)
    return [(o.confidence, o.correct, _week(o.id)) for o in result.outcomes if not o.refused]


def main(argv: list[str] | None = None) -> int:
    from index.offline import configure_offline

    configure_offline()
    p = argparse.ArgumentParser(prog="python -m train.confidence_labels", description=__doc__)
    p.add_argument("--qa", type=Path, required=True)
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--index", type=Path, help="a kept index of --corpus (as newsqa eval)")
    p.add_argument("--write", action="store_true", help=f"write {OUT.name}")
    args = p.parse_args(argv)
    scored = _scored(args)
    cv = cross_validate(scored)
    high, medium = choose(scored)
    print(f"{len(scored)} answers; out of fold per label: {json.dumps(cv)}")
    print(f"chosen on all: high >= {high}, medium >= {medium}")
    if args.write:
        data = {
            "high": high,
            "medium": medium,
            "chosen_on": f"{args.qa.name}: {len(scored)} answered rtqa-dev questions",
            "targets": {
                "high_at_least": HIGH_TARGET,
                "medium_at_least": MEDIUM_TARGET,
                "uncertain_at_most": UNCERTAIN_AT_MOST,
            },
            "out_of_fold": cv,
        }
        OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
