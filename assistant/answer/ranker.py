"""Small learned models stored as plain JSON: logistic regression over named features.

``train/train.py`` (``make train``) fits them on the rtqa-dev set; the runtime needs numpy only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from assistant.errors import AssistantError


@dataclass(frozen=True)
class LogisticModel:
    """``p = sigmoid(((x - mean) / scale) @ weights + bias)``; ``extra`` holds settings chosen
    with the model (a refusal threshold, say)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    extra: dict[str, Any]

    def score(self, x: np.ndarray) -> np.ndarray:
        """The linear score (log-odds)."""
        if x.shape[-1] != len(self.features):
            raise AssistantError(
                f"model expects {len(self.features)} features, got {x.shape[-1]}: retrain it"
            )
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The probability (sigmoid of the score)."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.score(x), -30, 30)))

    def softmax(self, x: np.ndarray) -> np.ndarray:
        """Scores of a question's candidates as probabilities over them (a ranker's view)."""
        s = self.score(x)
        e = np.exp(s - s.max()) if len(s) else s
        return e / e.sum() if len(s) else e

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "logistic",
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogisticModel:
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["weights"], dtype=np.float64),
            float(data["bias"]),
            dict(data.get("extra", {})),
        )


def load_model(name: str, expected: tuple[str, ...]) -> LogisticModel:
    """A committed model from ``assistant/models/NAME.json``, checked against its features."""
    try:
        text = resources.files("assistant").joinpath("models", f"{name}.json").read_text("utf-8")
        model = LogisticModel.from_json(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssistantError(f"the {name} model cannot be read ({exc}): run `make train`") from exc
    if model.features != expected:
        raise AssistantError(f"the {name} model was trained on other features: run `make train`")
    return model


def _newton(d: np.ndarray, w8: np.ndarray, y: np.ndarray, l2: float, w0: np.ndarray) -> np.ndarray:
    """L2-to-``w0`` regularised logistic regression on rows ``d`` (no intercept)."""
    w = w0.copy()
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(d @ w, -30, 30)))
        grad = d.T @ (w8 * (p - y)) + l2 * (w - w0)
        hess = (d * (w8 * p * (1 - p))[:, None]).T @ d + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_pairwise(
    groups: list[tuple[np.ndarray, np.ndarray]],
    features: tuple[str, ...],
    prior: np.ndarray,
    l2: float,
) -> LogisticModel:
    """A linear ranker from (features, 0/1 labels) per question: logistic regression on the
    differences of every (right, wrong) pair of a question, each question weighing the same,
    shrunk towards ``prior`` (raw-feature weights, rescaled to fit) by ``l2``."""
    x = np.vstack([g[0] for g in groups])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    rows, weights, labels = [], [], []
    for feats, y in groups:
        z = (feats - mean) / scale
        pos, neg = np.flatnonzero(y > 0), np.flatnonzero(y <= 0)
        if not len(pos) or not len(neg):
            continue
        diff = (z[pos][:, None, :] - z[neg][None, :, :]).reshape(-1, z.shape[1])
        rows += [diff, -diff]
        weights.append(np.full(2 * len(diff), 1.0 / len(diff)))
        labels += [np.ones(len(diff)), np.zeros(len(diff))]
    d, w8, y = np.vstack(rows), np.concatenate(weights), np.concatenate(labels)
    direction = prior * scale
    alpha = _newton((d @ direction)[:, None], w8, y, 1e-6, np.zeros(1))[0]
    w = _newton(d, w8, y, l2, alpha * direction)
    return LogisticModel(features, mean, scale, w, 0.0, {})


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    features: tuple[str, ...],
    l2: float = 1.0,
    sample_weight: np.ndarray | None = None,
    iterations: int = 50,
) -> LogisticModel:
    """L2-regularised logistic regression by Newton's method (deterministic)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    sw = np.ones(len(x)) if sample_weight is None else sample_weight
    reg = np.full(z.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (sw * (p - y)) + reg * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticModel(features, mean, scale, w[:-1], float(w[-1]), {})
