"""The hostile-input tests' shared world: a seed question, a good article, and the checks
every case ends with (the seeds still answerable, no traceback), plus `newsqa` as a user runs it.

The index they start from is the `pristine` fixture (conftest.py): one index of a copy of the
seeds, which every case copies (`world`) rather than embed the seeds again.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS

SEED_QUESTION = "Who invited Wang Yi to Moscow for his December visit?"
GOOD = "Harbour reopens\n\nThe harbour of Tallinn reopened on Monday after storm repairs.\n"
MB = 1024 * 1024
NOBODY = 65534
SEED_NAMES = frozenset(p.name for p in SEEDS.iterdir())


def settings_for(world: dict[str, Path]) -> Any:
    from index.settings import Settings

    return Settings(data_dir=world["data"], corpus_dir=world["corpus"], chroma_url=None)


def assert_seeds_answerable(store: Any, settings: Any, corpus: Path, seeds: int = 5) -> None:
    from assistant.factory import assistant_for

    answer = assistant_for(store, settings).ask(SEED_QUESTION)
    assert not answer.refused and "Shoigu" in answer.text
    for c in answer.citations:
        assert (corpus / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote
    assert {f"{i:03d}" for i in range(seeds)} <= {a[:3] for a in store.articles()}


def no_traceback(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err + caplog.text
    loud = [r for r in caplog.records if r.exc_info and r.levelno >= logging.INFO]
    assert not loud, [r.getMessage() for r in loud]


def outside_file(corpus: Path) -> Path:
    secret = corpus.parent / "secret-notes.txt"
    secret.write_text("Private\n\nThe vault code is 4711, said nobody in Tallinn.\n", "utf-8")
    return secret


def newsqa(*args: str, env: dict[str, str], user: int | None = None) -> Any:
    prefix = (
        [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    )
    return subprocess.run(
        [*prefix, sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
