"""Refusal that travels: the confidence threshold chosen leave-one-corpus-out.

For each labelled corpus (rtqa-train 2023, rtqa-train 2025, rtqa-dev), the confidence model
and its threshold are fitted on the other corpora and measured on it; the refusal quantile is
the largest of ``REFUSAL_QUANTILES`` whose held-out false refusals stay within
``MAX_FALSE_REFUSALS`` on every corpus. Every refusal path the answerer has is counted: the
threshold, and the outright refusals of a name the corpus never mentions and of a question
whose words it mostly never uses. The ranker probabilities read by the confidence model are
out of corpus too (a ranker fitted on the other corpora).

The ranker is validated the same way: fitted on rtqa-train, measured on rtqa-dev.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.answer.extractive import MAX_UNKNOWN
from assistant.answer.features import CONFIDENCE_FEATURES, SENTENCE_FEATURES
from assistant.answer.ranker import LogisticModel, fit_logistic, fit_pairwise
from assistant.answer.short_answer import SHORT_THRESHOLD
from train.collect import Case
from train.fit import (
    HAND,
    L2_CONFIDENCE,
    MAX_FALSE_REFUSALS,
    REFUSAL_QUANTILES,
    _threshold,
    choose,
    fit_phrase,
    fit_ranker,
    out_of_fold,
)

TARGETS = ("rtqa-train-2023", "rtqa-train-2025", "rtqa-dev")
RANKER_L2 = (10.0, 100.0, 1000.0, 10000.0)


def corpus_folds(cases: Sequence[Case]) -> tuple[np.ndarray, list[str]]:
    names = sorted({c.corpus for c in cases})
    return np.asarray([names.index(c.corpus) for c in cases]), names


def outright(cases: Sequence[Case]) -> np.ndarray:
    """Refused whatever the confidence: a name the corpus never mentions, or most of the
    question's words unknown to it (``ExtractiveAnswerer.estimate``)."""
    return np.asarray(
        [bool(c.level) and (c.level[0] > 0 or c.level[1] >= MAX_UNKNOWN) for c in cases]
    )


def leave_one_out(cases: Sequence[Case]) -> dict[str, Any]:
    """The largest refusal quantile whose held-out false refusals stay within the budget on
    every target corpus, with each corpus's held-out figures at it."""
    fold, names = corpus_folds(cases)
    outcomes, xc, yc = out_of_fold(cases, fold, len(names))
    answerable = np.asarray([c.answerable for c in cases])
    hard = outright(cases)
    targets = [n for n in TARGETS if n in names]
    per: dict[str, dict[str, float]] = {}
    for quantile in REFUSAL_QUANTILES:
        per = {}
        for name in targets:
            test = fold == names.index(name)
            model = fit_logistic(xc[~test], yc[~test], CONFIDENCE_FEATURES, L2_CONFIDENCE)
            cut = _threshold(model.predict(xc[~test]), answerable[~test], quantile)
            refused = (model.predict(xc[test]) < cut) | hard[test]
            rows = [c for c, t in zip(cases, test, strict=True) if t]
            per[name] = _held_out(
                rows, [o for o, t in zip(outcomes, test, strict=True) if t], refused, cut
            )
        if all(f["answerable_refused"] <= MAX_FALSE_REFUSALS for f in per.values()):
            break
    return {"quantile": quantile, "per_corpus": per, "outright": _outright_share(cases, hard)}


def _held_out(
    rows: list[Case], outcomes: list[dict[str, Any]], refused: np.ndarray, cut: float
) -> dict[str, float]:
    real = np.asarray([c.answerable for c in rows])
    unans = np.asarray([not c.answerable and not c.counterfactual for c in rows])
    cf = np.asarray([c.counterfactual for c in rows])
    correct = np.asarray([o["correct"] for o in outcomes])

    def share(mask: np.ndarray) -> float:
        return round(float(refused[mask].mean()), 4) if mask.any() else float("nan")

    return {
        "threshold": round(cut, 4),
        "answerable": int(real.sum()),
        "accuracy": round(float((correct & real & ~refused).sum() / max(real.sum(), 1)), 4),
        "answerable_refused": share(real),
        "unanswerable_refused": share(unans),
        "counterfactual_refused": share(cf),
    }


def _outright_share(cases: Sequence[Case], hard: np.ndarray) -> dict[str, float]:
    """Share of each corpus's answerable questions refused outright (whatever the
    confidence)."""
    out = {}
    for name in sorted({c.corpus for c in cases}):
        mask = np.asarray([c.corpus == name and c.answerable for c in cases])
        out[name] = round(float(hard[mask].mean()), 4) if mask.any() else 0.0
    return out


def ranker_on(train: Sequence[Case], l2: float) -> Any:
    groups = [(c.x, c.y) for c in train if c.answerable and len(c.y) and c.y.max() > 0]
    prior = np.zeros(len(SENTENCE_FEATURES))
    for name, weight in HAND.items():
        prior[SENTENCE_FEATURES.index(name)] = weight
    return fit_pairwise(groups, SENTENCE_FEATURES, prior, l2)


def validate_ranker(cases: Sequence[Case]) -> dict[str, dict[str, float]]:
    """Rankers fitted on rtqa-train (both years) at each L2, measured on rtqa-dev: the top
    sentence holds the answer, and the quote would (every question answered)."""
    train = [c for c in cases if c.corpus.startswith("rtqa-train")]
    dev = [c for c in cases if c.corpus == "rtqa-dev" and c.answerable and len(c.y)]
    out: dict[str, dict[str, float]] = {}
    if not train or not dev:
        return out
    hand = {
        "top_sentence_right": _top1(dev, [_hand(c) for c in dev]),
        "quote_right": _quote_right(dev, [_hand(c) for c in dev]),
    }
    out["hand-set"] = hand
    for l2 in RANKER_L2:
        model = ranker_on(train, l2)
        probs = [model.softmax(c.x) for c in dev]
        out[f"pairwise L2 {l2:g}"] = {
            "top_sentence_right": _top1(dev, probs),
            "quote_right": _quote_right(dev, probs),
        }
    return out


def _hand(case: Case) -> np.ndarray:
    return sum(w * case.x[:, SENTENCE_FEATURES.index(f)] for f, w in HAND.items())


def _top1(cases: Sequence[Case], probs: Sequence[np.ndarray]) -> float:
    hits = [c.y[int(np.argmax(p))] > 0 for c, p in zip(cases, probs, strict=True)]
    return round(float(np.mean(hits)), 4)


def _quote_right(cases: Sequence[Case], probs: Sequence[np.ndarray]) -> float:
    right = [
        any(c.y[i] > 0 for i in choose(p, c.words, c.terms))
        for c, p in zip(cases, probs, strict=True)
    ]
    return round(float(np.mean(right)), 4)


def fit_travelling(
    cases: Sequence[Case], quantile: float = MAX_FALSE_REFUSALS
) -> tuple[LogisticModel, LogisticModel, LogisticModel]:
    """The ranker and the short answer's model on every case but rtqa-dev's when rtqa-train
    is there (so that rtqa-dev validates them), else on every case; the confidence model on
    every case, from ranker probabilities out of corpus (a ranker fitted on the other
    corpora, as in ``leave_one_out``), its threshold at ``quantile`` of all those
    confidences."""
    learn = [c for c in cases if c.corpus != "rtqa-dev"]
    if not any(c.corpus.startswith("rtqa-train") for c in learn):
        learn = list(cases)
    ranker = fit_ranker(learn)
    fold, names = corpus_folds(cases)
    _, xc, yc = out_of_fold(cases, fold, len(names))
    confidence = fit_logistic(xc, yc, CONFIDENCE_FEATURES, L2_CONFIDENCE)
    answerable = np.asarray([c.answerable for c in cases])
    threshold = _threshold(confidence.predict(xc), answerable, quantile)
    on = ", ".join(names)
    learned_on = ", ".join(sorted({c.corpus for c in learn}))
    ranker = LogisticModel(*list(vars(ranker).values())[:5], {"trained_on": learned_on})
    confidence = LogisticModel(
        *list(vars(confidence).values())[:5],
        {"threshold": round(threshold, 6), "trained_on": on},
    )
    phrase = fit_phrase(learn)
    phrase = LogisticModel(
        *list(vars(phrase).values())[:5],
        {"threshold": SHORT_THRESHOLD, "trained_on": learned_on},
    )
    return ranker, confidence, phrase
