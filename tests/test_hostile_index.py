"""A damaged index, through the CLI: one line naming the folder and `newsqa ingest --rebuild`,
or a BM25 index rebuilt from Chroma with a warning; never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile import GOOD, SEED_QUESTION, newsqa

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
