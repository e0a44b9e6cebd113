"""Cross-validation and fitting of the ranker and confidence models (see train/train.py).

Folds are grouped by quiz week. Ranker probabilities used to build the confidence model's
inputs are always out-of-fold, and each fold's refusal threshold is chosen on the other
folds only: a low percentile of their answerable questions' confidence, the largest of
REFUSAL_QUANTILES whose pooled out-of-fold false refusals stay within MAX_FALSE_REFUSALS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.answer.extractive import Tuning
from assistant.answer.features import CONFIDENCE_FEATURES, SENTENCE_FEATURES, confidence_row
from assistant.answer.ranker import LogisticModel, fit_logistic, fit_pairwise
from assistant.answer.short_answer import PHRASE_FEATURES, SHORT_THRESHOLD, best_index
from train.collect import Case
from train.retrieval_cv import retrieval_figures

MAX_FALSE_REFUSALS = 0.05
REFUSAL_QUANTILES = (0.05, 0.045, 0.04, 0.035, 0.03, 0.025, 0.02)
L2_RANKER, L2_CONFIDENCE, L2_PHRASE = 10000.0, 1.0, 1.0
COL = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
HAND = {"cov_sent": 0.30, "cos_sent": 0.35, "passage_score": 0.10, "type_any": 0.20}
OLD_WITHIN = 0.8  # the old answerer's second-sentence rule


def folds_of(cases: Sequence[Case], k: int) -> list[int]:
    weeks = sorted({c.group for c in cases})
    fold = {w: i % k for i, w in enumerate(weeks)}
    return [fold[c.group] for c in cases]


def fit_ranker(cases: Sequence[Case]) -> LogisticModel:
    """Pairwise logistic ranker, shrunk towards the hand-set weights (HAND)."""
    groups = [(c.x, c.y) for c in cases if c.answerable and len(c.y) and c.y.max() > 0]
    prior = np.zeros(len(SENTENCE_FEATURES))
    for name, weight in HAND.items():
        prior[COL[name]] = weight
    return fit_pairwise(groups, SENTENCE_FEATURES, prior, L2_RANKER)


def fit_phrase(cases: Sequence[Case]) -> LogisticModel:
    """The short answer's model: is this candidate phrase a gold answer?"""
    rows = [c for c in cases if c.answerable and len(c.phrase_y)]
    x = np.vstack([c.phrase_x for c in rows])
    y = np.concatenate([np.asarray(c.phrase_y, dtype=np.float64) for c in rows])
    return fit_logistic(x, y, PHRASE_FEATURES, L2_PHRASE)


def pick_phrase(phrase_p: np.ndarray | None) -> int | None:
    """The row of the short answer among a case's phrase probabilities, as the answerer
    picks it."""
    return None if phrase_p is None else best_index(phrase_p)


def choose(
    probs: np.ndarray,
    words: Sequence[int],
    terms: Sequence[int] | None,
    within: float | None = None,
) -> list[int]:
    """The sentences the answerer would quote (mirrors ExtractiveAnswerer.select: a further
    sentence must add a question term, ``terms`` being each one's question terms as a bit
    mask; None: the old answerer's rule, which did not ask that)."""
    t = Tuning()
    within = t.second_within if within is None else within
    order = np.argsort(-probs, kind="stable")
    chosen = [int(order[0])]
    total = words[chosen[0]]
    covered = terms[chosen[0]] if terms is not None else 0
    for i in order[1:]:
        if len(chosen) == t.max_sentences or probs[i] < within * probs[order[0]]:
            break
        adds = terms is None or terms[i] & ~covered
        if adds and total + words[i] <= t.max_words:
            chosen.append(int(i))
            total += words[i]
            covered |= terms[i] if terms is not None else 0
    return chosen


def confidence_inputs(case: Case, probs: np.ndarray) -> np.ndarray:
    best = int(np.argmax(probs))
    return confidence_row(probs, case.x, best, np.asarray(case.level), case.ent_article[best])


def quoted(
    case: Case, chosen: list[int], probs: np.ndarray, phrase_p: np.ndarray | None
) -> list[int]:
    """The sentences quoted once the short answer's sentence leads and a lone quote has
    taken a runner-up that holds a likely phrase (mirrors ``ExtractiveAnswerer._lead_with``
    and ``_with_runner_up``)."""
    t, pick = Tuning(), pick_phrase(phrase_p)
    shown = chosen
    if pick is not None:
        lead = case.phrase_sentence[pick]
        rest = [i for i in chosen if i != lead][:1]
        fits = rest and case.words[lead] + case.words[rest[0]] <= t.max_words
        shown = [lead, *rest] if fits else [lead]
    order = np.argsort(-probs, kind="stable")
    if phrase_p is None or len(shown) != 1 or len(order) < 2 or int(order[1]) in shown:
        return shown
    runner_up = int(order[1])
    rows = [j for j, s in enumerate(case.phrase_sentence) if s == runner_up]
    likely = any(phrase_p[j] >= t.second_phrase for j in rows)
    if likely and case.words[shown[0]] + case.words[runner_up] <= t.max_words:
        return [*shown, runner_up]
    return shown


def _outcome(
    case: Case, probs: np.ndarray, within: float | None = None, phrase_p: np.ndarray | None = None
) -> dict[str, Any]:
    if not len(probs):
        return {
            "correct": False,
            "top1": False,
            "words": 0,
            "short": -1,
            "conf_x": np.zeros(len(CONFIDENCE_FEATURES)),
        }
    chosen = choose(probs, case.words, case.terms if within is None else None, within)
    shown = quoted(case, chosen, probs, phrase_p)
    pick = pick_phrase(phrase_p)
    return {
        "correct": bool(case.answerable and any(case.y[i] > 0 for i in shown)),
        "top1": bool(case.answerable and case.y[chosen[0]] > 0),
        "words": sum(case.words[i] for i in shown),
        "short": -1 if pick is None else case.phrase_y[pick],
        "conf_x": confidence_inputs(case, probs),
    }


def _threshold(conf: np.ndarray, answerable: np.ndarray, quantile: float) -> float:
    values = np.sort(conf[answerable])
    if not len(values):
        return 0.0
    cut = int(np.floor(quantile * len(values)))
    return float(values[cut]) - 1e-9


def _hand_probs(case: Case) -> np.ndarray:
    if not len(case.y):
        return np.zeros(0)
    return sum(w * case.x[:, COL[f]] for f, w in HAND.items())


def _hand_refuses(case: Case, probs: np.ndarray) -> bool:
    """The old rule: a name the corpus never mentions, mostly unknown words, or too little
    of the question's idf mass in the quoted article."""
    if not len(probs):
        return True
    best = int(np.argmax(probs))
    ent_missing, unknown = case.level[0], case.level[1]
    return ent_missing > 0 or unknown >= 0.6 or case.x[best, COL["cov_article"]] < 0.25


def out_of_fold(
    cases: Sequence[Case], fold: np.ndarray, k: int
) -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray]:
    """Each case answered by a ranker fitted on the other folds: the outcomes, and the
    confidence model's inputs and labels."""
    oof: list[np.ndarray] = [np.zeros(0)] * len(cases)
    phrase_p: list[np.ndarray | None] = [None] * len(cases)
    for f in range(k):
        train = [c for c, g in zip(cases, fold, strict=True) if g != f]
        model, phrases = fit_ranker(train), fit_phrase(train)
        for i in np.flatnonzero(fold == f):
            oof[i] = model.softmax(cases[i].x) if len(cases[i].y) else np.zeros(0)
            if len(cases[i].phrase_y):
                phrase_p[i] = phrases.predict(cases[i].phrase_x)
    outcomes = [_outcome(c, p, None, q) for c, p, q in zip(cases, oof, phrase_p, strict=True)]
    xc = np.vstack([o["conf_x"] for o in outcomes])
    yc = np.asarray([float(o["correct"]) for o in outcomes])
    return outcomes, xc, yc


def _fold_confidences(
    xc: np.ndarray, yc: np.ndarray, fold: np.ndarray
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Out-of-fold confidences, and per fold: its rows, its training rows and the training
    rows' confidences (what that fold's threshold is set on)."""
    conf = np.zeros(len(yc))
    folds = []
    for f in sorted(set(fold.tolist())):
        train = np.flatnonzero(fold != f)
        model = fit_logistic(xc[train], yc[train], CONFIDENCE_FEATURES, L2_CONFIDENCE)
        test = np.flatnonzero(fold == f)
        conf[test] = model.predict(xc[test])
        folds.append((test, train, model.predict(xc[train])))
    return conf, folds


def _refusals(conf, folds, answerable: np.ndarray, quantile: float) -> np.ndarray:
    """Each fold refused below the ``quantile`` threshold set on the other folds."""
    refused = np.zeros(len(conf), dtype=bool)
    for test, train, train_conf in folds:
        refused[test] = conf[test] < _threshold(train_conf, answerable[train], quantile)
    return refused


def cross_validate(cases: Sequence[Case], k: int) -> dict[str, Any]:
    fold = np.asarray(folds_of(cases, k))
    outcomes, xc, yc = out_of_fold(cases, fold, k)
    answerable = np.asarray([c.answerable for c in cases])
    conf, folds = _fold_confidences(xc, yc, fold)
    for quantile in REFUSAL_QUANTILES:  # the largest that keeps false refusals within 5%
        refused = _refusals(conf, folds, answerable, quantile)
        if refused[answerable].mean() <= MAX_FALSE_REFUSALS:
            break
    after = _figures(cases, outcomes, refused, conf)
    hand = [_hand_probs(c) for c in cases]
    hand_outcomes = [_outcome(c, p, OLD_WITHIN) for c, p in zip(cases, hand, strict=True)]
    hand_refused = np.asarray([_hand_refuses(c, p) for c, p in zip(cases, hand, strict=True)])
    before = _figures(cases, hand_outcomes, hand_refused, np.zeros(len(cases)))
    # The hand-set answerer's short answer was a rule that no longer exists (eval/README.md).
    before["short_given"] = before["short_exact"] = None
    return {
        "folds": k,
        "weeks": len({c.group for c in cases}),
        "refusal_quantile": quantile,
        "learned": after,
        "hand_set": before,
        "retrieval": retrieval_figures(cases),
    }


def _figures(cases, outcomes, refused, conf) -> dict[str, float]:
    real = np.asarray([c.answerable for c in cases])
    unans = np.asarray([not c.answerable and not c.counterfactual for c in cases])
    cf = np.asarray([c.counterfactual for c in cases])
    correct = np.asarray([o["correct"] for o in outcomes])
    shorts = np.asarray([o["short"] for o in outcomes])
    answered = real & ~refused
    with_short = answered & (shorts >= 0)
    return {
        "answerable": int(real.sum()),
        "unanswerable": int(unans.sum()),
        "counterfactual": int(cf.sum()),
        "accuracy": round(float((correct & answered).sum() / max(real.sum(), 1)), 4),
        "accuracy_if_answered": round(float(correct[real].mean()) if real.any() else 0.0, 4),
        "top_sentence_right": round(
            float(np.mean([o["top1"] for o, r in zip(outcomes, real, strict=True) if r])), 4
        ),
        "mean_words": round(float(np.mean([o["words"] for o in outcomes])), 1),
        "unanswerable_refused": round(float(refused[unans].mean()) if unans.any() else 0.0, 4),
        "counterfactual_refused": round(float(refused[cf].mean()) if cf.any() else 0.0, 4),
        "answerable_refused": round(float(refused[real].mean()) if real.any() else 0.0, 4),
        "short_given": int(with_short.sum()),
        "short_exact": round(
            float((shorts[with_short] == 1).mean()) if with_short.any() else 0.0, 4
        ),
    }


def fit_final(
    cases: Sequence[Case], quantile: float = MAX_FALSE_REFUSALS
) -> tuple[LogisticModel, LogisticModel, LogisticModel]:
    """The three models on every case; the threshold, at the cross-validated ``quantile``,
    from out-of-fold confidences."""
    ranker = fit_ranker(cases)
    _, xc, yc = out_of_fold(cases, np.asarray(folds_of(cases, 5)), 5)
    confidence = fit_logistic(xc, yc, CONFIDENCE_FEATURES, L2_CONFIDENCE)
    answerable = np.asarray([c.answerable for c in cases])
    threshold = _threshold(confidence.predict(xc), answerable, quantile)
    ranker = LogisticModel(*list(vars(ranker).values())[:5], {"trained_on": "rtqa-dev"})
    confidence = LogisticModel(
        *list(vars(confidence).values())[:5],
        {"threshold": round(threshold, 6), "trained_on": "rtqa-dev"},
    )
    phrase = fit_phrase(cases)
    phrase = LogisticModel(
        *list(vars(phrase).values())[:5],
        {"threshold": SHORT_THRESHOLD, "trained_on": "rtqa-dev"},
    )
    return ranker, confidence, phrase


def print_figures(figures: dict[str, Any]) -> None:
    print(f"cross-validation: {figures['folds']} folds grouped by quiz week ({figures['weeks']})")
    print(f"  refusal threshold: confidence quantile {figures['refusal_quantile']}")
    keys = list(figures["learned"])
    print(f"  {'':24}{'hand-set':>10}{'learned':>10}")
    for key in keys:
        hand = figures["hand_set"][key]
        print(f"  {key:24}{'–' if hand is None else hand:>10}{figures['learned'][key]:>10}")
    print("retrieval (answerable questions, top 10):")
    for name, r in figures["retrieval"].items():
        print(f"  {name:12} hit@1 {r['hit@1']:.3f}  mrr@10 {r['mrr@10']:.3f}")
