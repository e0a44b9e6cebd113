"""Confidence people can read (issue 19): three labels from the calibrated probability, with
thresholds chosen on dev answers and kept in one file."""

from __future__ import annotations

import pytest

from assistant.confidence_labels import ConfidenceLabels, shown
from assistant.errors import ModelError
from train.confidence_labels import choose, cross_validate


def test_labels_split_the_answers_the_refusal_threshold_left() -> None:
    labels = ConfidenceLabels(high=0.7, medium=0.4)
    assert [labels.label(c) for c in (0.95, 0.7, 0.69, 0.4, 0.39, 0.05)] == [
        "high",
        "high",
        "medium",
        "medium",
        "uncertain",
        "uncertain",
    ]
    assert labels.label(0.99, refused=True) is None
    assert shown("uncertain") == "uncertain — check the source" and shown(None) == ""


def test_the_committed_thresholds_load_and_are_ordered() -> None:
    labels = ConfidenceLabels.load()
    assert 0.0 < labels.medium < labels.high < 1.0
    with pytest.raises(ModelError):
        ConfidenceLabels(high=0.3, medium=0.6)


def test_thresholds_are_the_lowest_that_keep_each_band_accurate_enough() -> None:
    # 20 answers at 0.9 (18 right), 20 at 0.6 (13 right), 20 at 0.2 (4 right), 4 weeks
    scored = [(0.9, i < 18, f"w{i % 4}") for i in range(20)]
    scored += [(0.6, i < 13, f"w{i % 4}") for i in range(20)]
    scored += [(0.2, i < 4, f"w{i % 4}") for i in range(20)]
    assert choose(scored) == (0.9, 0.6)
    cv = cross_validate(scored)  # every answer labelled once, by thresholds chosen without it
    assert sum(f["answers"] for f in cv.values()) == 60
    assert cv["high"]["accuracy"] > cv["medium"]["accuracy"] > cv["uncertain"]["accuracy"]
