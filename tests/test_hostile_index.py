"""A damaged index, through the CLI: one line naming the folder and `newsqa ingest --rebuild`,
or a BM25 index rebuilt from Chroma with a warning; never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.hostile import (
    GOOD,
    SEED_NAMES,
    SEED_QUESTION,
    assert_seeds_answerable,
    newsqa,
    settings_for,
)

# --- a broken index, through the CLI ----------------------------------------------------


def _corrupt_header(data: Path) -> str:
    db = data / "chroma" / "chroma.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[:16] = b"not sqlite at al"
    db.write_bytes(bytes(raw))
    return "file is not a database"


def _corrupt_pages(data: Path) -> str:
    db = data / "chroma" / "chroma.sqlite3"
    raw = db.read_bytes()
    db.write_bytes(raw[:100] + b"\xff" * 4096 + raw[4196:])
    return "malformed"


def _truncate_npy(data: Path) -> str:
    for npy in (data / "bm25").rglob("*.npy"):
        npy.write_bytes(b"")
    return ""


def _garbage_ids(data: Path) -> str:
    next((data / "bm25").rglob("manifest.json")).write_text("{not json", encoding="utf-8")
    return ""


def _half_npy(data: Path) -> str:
    for npy in (data / "bm25").rglob("*.npy"):
        npy.write_bytes(npy.read_bytes()[:90])
    return ""


BROKEN_INDEX = [
    ("chroma-not-a-database", _corrupt_header),
    ("chroma-malformed", _corrupt_pages),
    ("bm25-npy-empty", _truncate_npy),
    ("bm25-npy-truncated", _half_npy),
    ("bm25-ids-garbage", _garbage_ids),
]


@pytest.mark.parametrize("name,damage", BROKEN_INDEX, ids=[b[0] for b in BROKEN_INDEX])
def test_a_damaged_index_is_one_line_and_rebuild_recovers_it(
    name: str, damage: Callable[[Path], str], world: dict[str, Path]
) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    expected = damage(world["data"])
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert "Traceback" not in asked.stderr
    if asked.returncode != 0:  # a one-line error naming the folder and the way out
        lines = asked.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("newsqa: error: "), asked.stderr
        assert str(world["data"]) in lines[0] and "newsqa ingest --rebuild" in lines[0]
        assert expected in lines[0]
        rebuilt = newsqa("ingest", "--rebuild", str(world["corpus"]), env=env)
        assert rebuilt.returncode == 0 and "added 5" in rebuilt.stdout, rebuilt.stderr
        assert "Traceback" not in rebuilt.stderr
        assert list(world["data"].glob("damaged-*/chroma"))  # set aside, not deleted
        asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout, asked.stderr


@pytest.mark.parametrize("damage", [_truncate_npy, _half_npy], ids=["npy-empty", "npy-half"])
def test_a_damaged_bm25_index_is_rebuilt_from_chroma_with_a_warning(
    damage: Callable[[Path], str], world: dict[str, Path]
) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    damage(world["data"])
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout, asked.stderr
    assert "BM25" in asked.stderr and "rebuil" in asked.stderr


def test_no_embedding_function_warning_after_changes(world: dict[str, Path]) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    (world["corpus"] / "harbour.txt").write_text(GOOD, encoding="utf-8")
    first = newsqa("ingest", str(world["corpus"]), env=env)
    again = newsqa("ask", SEED_QUESTION, env=env)
    for run in (first, again):
        assert run.returncode == 0, run.stderr
        assert "Could not reconstruct embedding function" not in run.stderr


# --- issue 21: a crash at any commit step leaves nothing stale -------------------------------


def _clean_ids(corpus: Path) -> set[str]:
    """The chunk ids a clean index of ``corpus`` holds (chunked here, nothing embedded)."""
    from index.articles import load_articles
    from index.ingest import _chunked

    return {c.id for a in load_articles(corpus).articles for c in _chunked(a)}


def _change_corpus(corpus: Path) -> None:
    """One article changed, one added, one removed: every kind of commit."""
    first = sorted(SEED_NAMES)[0]
    with (corpus / first).open("a", encoding="utf-8") as out:
        out.write("\nThe talks were extended by a day, the ministry said on Friday.\n")
    (corpus / "harbour.txt").write_text(GOOD, encoding="utf-8")
    (corpus / sorted(SEED_NAMES)[-1]).unlink()


@pytest.mark.parametrize(
    "step", ["upserted", "manifest", "generation", "deleted", "generation:2", "deleted:2"]
)
def test_a_crash_at_each_commit_step_is_repaired_by_the_next_ingest(
    step: str, world: dict[str, Path], model: Any
) -> None:
    from index.consistency import check
    from index.factory import open_store
    from index.ingest import ingest
    from tests.crash_ingest import CRASHED

    _change_corpus(world["corpus"])
    crashed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.crash_ingest",
            str(world["data"]),
            str(world["corpus"]),
            step,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode == CRASHED, crashed.stderr
    store = open_store(settings_for(world), model)
    found = check(store)
    if step.startswith(("upserted", "manifest", "generation")):  # stray chunks left behind
        assert not found.ok and found.stray, found
    report = ingest(world["corpus"], store, bar=False)
    clean = _clean_ids(world["corpus"])
    assert set(store.chroma_ids()) == clean and set(store.lexical.chunk_ids()) == clean
    assert report.chunks == len(clean) and check(store).ok
    assert sum(r.chunks for r in store.articles().values()) == len(clean)
    assert bool(report.repaired) == (not found.ok)
    assert_seeds_answerable(store, settings_for(world), world["corpus"], seeds=4)


def _env(world: dict[str, Path]) -> dict[str, str]:
    return {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}


def test_ingest_check_reports_only_and_ingest_repairs(world: dict[str, Path]) -> None:
    _change_corpus(world["corpus"])
    args = [str(world["data"]), str(world["corpus"]), "generation"]
    crash = subprocess.run(
        [sys.executable, "-m", "tests.crash_ingest", *args], cwd=ROOT, timeout=300
    )
    assert crash.returncode != 0
    checked = newsqa("ingest", "--check", env=_env(world))
    assert checked.returncode == 1, checked.stderr
    assert "in Chroma that the article table does not hold" in checked.stdout
    assert "index inconsistent" in checked.stdout and "`newsqa ingest` repairs it" in checked.stdout
    again = newsqa("ingest", "--check", env=_env(world))
    assert again.stdout == checked.stdout  # it changed nothing
    repaired = newsqa("ingest", str(world["corpus"]), env=_env(world))
    assert repaired.returncode == 0 and "repaired: deleted" in repaired.stderr, repaired.stderr
    final = newsqa("ingest", "--check", env=_env(world))
    assert final.returncode == 0 and final.stdout.startswith("index consistent"), final.stdout
