"""The neural reader measured (``train.reader``): the int8 ONNX model's scores, the fusion
with the feature ranker fitted on rtqa-train's held-out weeks, top-1 / top-3 on rtqa-dev with
a paired (McNemar) test, and the latency of scoring a few candidates. numpy, tokenizers and
onnxruntime only (the runtime's own dependencies)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from train.collect import ReaderCase
from train.fit import HAND
from train.reader_model import encode, tokenizer

TOP = 5  # the fused reader re-scores the feature ranker's top TOP sentences
ALONE = 20  # the reader alone orders the ranker's top ALONE (scoring all ~150 costs minutes)
Scorer = Callable[[str, Sequence[str]], np.ndarray]
SCALES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)  # the ranker score's weight
READER = tuple(round(0.1 * i, 1) for i in range(31))  # the reader score's weight


def _session(path: Path, threads: int = 2) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_scorer(path: Path, max_length: int) -> Scorer:
    """Scores of (question, sentences) from the int8 model, 16 sentences a batch."""
    session, tok = _session(path), tokenizer(max_length)

    def score(question: str, texts: Sequence[str]) -> np.ndarray:
        out = [
            session.run(["score"], encode(tok, question, texts[i : i + 16]))[0]
            for i in range(0, len(texts), 16)
        ]
        return np.concatenate(out) if out else np.zeros(0)

    return score


def _top(ranker: Any, case: ReaderCase) -> np.ndarray:
    """The feature ranker's TOP candidates, best first."""
    return np.argsort(-ranker.score(case.x), kind="stable")[:TOP]


def _fused_order(r: np.ndarray, n: np.ndarray, top: np.ndarray, a: float, b: float) -> np.ndarray:
    """The ranker's top re-ordered by ``a * ranker + b * reader``, then the rest in ranker
    order."""
    s = a * r[top] + b * n
    head = top[np.argsort(-s, kind="stable")]
    taken = set(top.tolist())
    rest = [i for i in np.argsort(-r, kind="stable") if i not in taken]
    return np.concatenate([head, np.asarray(rest, dtype=np.int64)])


def fit_fusion(cases: Sequence[ReaderCase], ranker: Any, score: Scorer) -> dict[str, Any]:
    """The weights (a, b) that maximise the held-out questions' listwise log-likelihood of
    an answer sentence among the ranker's top (grid; ties to the smaller reader weight)."""
    rows = []
    for c in cases:
        if not len(c.y):
            continue
        top = _top(ranker, c)
        if c.y[top].max() > 0:
            texts = [c.texts[i] for i in top]
            rows.append((ranker.score(c.x)[top], score(c.question, texts), c.y[top] > 0))
    best = (-math.inf, 0.0, 0.0)
    for a in SCALES:
        for b in READER:
            ll = 0.0
            for r, n, pos in rows:
                s = a * r + b * n
                s = s - s.max()
                ll += float(np.log(np.exp(s[pos]).sum()) - np.log(np.exp(s).sum()))
            if ll > best[0] + 1e-9:
                best = (ll, a, b)
    return {
        "ranker": best[1],
        "reader": best[2],
        "questions": len(rows),
        "loglik": round(best[0], 3),
    }


def mcnemar(a: Sequence[bool], b: Sequence[bool]) -> dict[str, Any]:
    """Exact two-sided McNemar test of paired right/wrong outcomes."""
    only_a = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    n = only_a + only_b
    tail = sum(math.comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2**n if n else 1.0
    return {"only_first": only_a, "only_second": only_b, "p": round(min(1.0, 2 * tail), 4)}


def compare(
    cases: Sequence[ReaderCase], ranker: Any, score: Scorer, weights: dict[str, Any]
) -> dict[str, Any]:
    """Top-1 and top-3 (a sentence holding a gold answer) on every case, for the hand-set
    weights, the feature ranker, the reader alone (ordering the ranker's top ALONE, and its
    top TOP) and the fusion; McNemar of each against the ranker."""
    orders: dict[str, list[np.ndarray]] = {k: [] for k in _VARIANTS}
    for c in cases:
        if not len(c.y):
            for k in orders:
                orders[k].append(np.zeros(0, dtype=np.int64))
            continue
        r = ranker.score(c.x)
        wide = np.argsort(-r, kind="stable")[:ALONE]
        n = np.full(len(r), -np.inf)
        n[wide] = score(c.question, [c.texts[i] for i in wide])
        top = _top(ranker, c)
        # int8 activations are quantised per batch: score the top as the answerer would, alone
        nt = score(c.question, [c.texts[i] for i in top])
        hand = sum(w * c.x[:, _col(f)] for f, w in HAND.items())
        orders["hand-set"].append(np.argsort(-hand, kind="stable"))
        orders["feature ranker"].append(np.argsort(-r, kind="stable"))
        orders["reader alone (ranker's top 20)"].append(np.argsort(-n, kind="stable"))
        orders["reader re-ranks the ranker's top"].append(_fused_order(r, nt, top, 0.0, 1.0))
        orders["fused"].append(_fused_order(r, nt, top, weights["ranker"], weights["reader"]))
    out: dict[str, Any] = {
        "questions": len(cases),
        "any_candidate_right": _at(cases, orders["feature ranker"], 10**6),
    }
    base = _hits(cases, orders["feature ranker"], 1)
    for k, o in orders.items():
        out[k] = {"top1": _at(cases, o, 1), "top3": _at(cases, o, 3)}
        if k != "feature ranker":
            out[k]["mcnemar_top1_vs_ranker"] = mcnemar(_hits(cases, o, 1), base)
    return out


_VARIANTS = (
    "hand-set",
    "feature ranker",
    "reader alone (ranker's top 20)",
    "reader re-ranks the ranker's top",
    "fused",
)


def _col(name: str) -> int:
    from assistant.answer.features import SENTENCE_FEATURES

    return SENTENCE_FEATURES.index(name)


def _hits(cases: Sequence[ReaderCase], orders: Sequence[np.ndarray], k: int) -> list[bool]:
    return [bool(len(o) and c.y[o[:k]].max() > 0) for c, o in zip(cases, orders, strict=True)]


def _at(cases: Sequence[ReaderCase], orders: Sequence[np.ndarray], k: int) -> float:
    return round(float(np.mean(_hits(cases, orders, k))), 4)


def latency(path: Path, max_length: int, cases: Sequence[ReaderCase]) -> dict[str, float]:
    """Median ms to score the first N candidates of the dev questions (N = 5, 10), one
    batch, two threads, after a warm-up."""
    session, tok = _session(path), tokenizer(max_length)
    out = {}
    for n in (5, 10):
        times = []
        for c in [c for c in cases if len(c.texts) >= n][:60]:
            feeds = encode(tok, c.question, c.texts[:n])
            session.run(["score"], feeds)
            started = time.perf_counter()
            session.run(["score"], feeds)
            times.append(1000 * (time.perf_counter() - started))
        out[f"p50_{n}"] = round(float(np.median(times)), 1)
        out[f"p95_{n}"] = round(float(np.percentile(times, 95)), 1)
    return out
