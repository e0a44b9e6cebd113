"""Confidence people can read: the calibrated probability of an answer as one of three labels.

The thresholds live in ``assistant/models/confidence_labels.json`` (chosen on rtqa-dev by
``python -m train.confidence_labels``; re-choose them whenever the confidence model is refit).
A refused answer has no label: the refusal threshold already decided it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from assistant.errors import ModelError

LABELS = ("high", "medium", "uncertain")
SHOWN = {"high": "high", "medium": "medium", "uncertain": "uncertain — check the source"}


@dataclass(frozen=True)
class ConfidenceLabels:
    """``high`` and ``medium``: the lowest confidence that earns each label."""

    high: float
    medium: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.medium <= self.high <= 1.0:
            raise ModelError(
                f"confidence labels need 0 <= medium <= high <= 1, not {self.medium}, {self.high}"
            )

    @classmethod
    def load(cls, name: str = "confidence_labels") -> ConfidenceLabels:
        """The committed thresholds, ``assistant/models/NAME.json``."""
        path = resources.files("assistant").joinpath("models", f"{name}.json")
        try:
            data: dict[str, Any] = json.loads(path.read_text("utf-8"))
            return cls(float(data["high"]), float(data["medium"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read the confidence labels {name}.json: {exc}") from exc

    def label(self, confidence: float, refused: bool = False) -> str | None:
        """ "high", "medium" or "uncertain"; None for a refusal."""
        if refused:
            return None
        if confidence >= self.high:
            return "high"
        return "medium" if confidence >= self.medium else "uncertain"


def shown(label: str | None) -> str:
    """The label as a reader sees it: "uncertain — check the source" for "uncertain"."""
    return SHOWN.get(label or "", "")
