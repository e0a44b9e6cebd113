"""Small learned models stored as plain JSON: logistic regression over named features.

``eval/train.py`` (``make train``) fits them on the rtqa-dev set; the runtime needs numpy only.
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

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[-1] != len(self.features):
            raise AssistantError(
                f"model expects {len(self.features)} features, got {x.shape[-1]}: retrain it"
            )
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

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
