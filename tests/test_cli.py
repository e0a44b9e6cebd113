"""The `newsqa` command as a user runs it: output, JSON, exit codes, error lines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def newsqa(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An index of a copy of the seeds, built by the first `newsqa ask` (index missing)."""
    import shutil

    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    env = {"NEWSQA_DATA_DIR": str(root / "data"), "NEWSQA_CORPUS_DIR": str(corpus)}
    first = newsqa("ask", "Who invited Wang Yi to Moscow?", env=env)
    assert first.returncode == 0, first.stderr
    assert "no index yet; indexing" in first.stderr and "added 5" in first.stderr
    assert "Shoigu" in first.stdout and "Sources:" in first.stdout and "[1]" in first.stdout
    # issue 19: the confidence as a label, and a lead title for an article without a headline
    assert re.search(
        r"\(confidence: (high|medium|uncertain — check the source), 0\.\d\d\)", first.stdout
    )
    assert "[1] Russian Foreign Minister Sergey Lavrov and his Chinese counterpart Wang Yi…" in (
        first.stdout
    )
    return env


def test_ask_json_is_one_object_whose_citations_hold(indexed: dict[str, str]) -> None:
    out = newsqa(
        "ask",
        "Which anniversary of diplomatic relations did they mark?",
        "--json",
        "-k",
        "3",
        env=indexed,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["passages"]) == 3 and not data["refused"]
    assert data["confidence_label"] in {"high", "medium", "uncertain"}
    for c in data["citations"] + data["passages"]:  # issue 19: a readable title, and whence
        assert c["title"] and c["title_source"] in {"headline", "sidecar", "lead"}
    corpus = Path(indexed["NEWSQA_CORPUS_DIR"])
    for c in data["citations"]:
        assert (corpus / c["article"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c[
            "quote"
        ]
    assert {int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])} == {
        c["n"] for c in data["citations"]
    }


def test_batch_keeps_order_and_accepts_jsonl_and_plain_lines(
    indexed: dict[str, str], tmp_path: Path
) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"question": "Where did Lavrov and Wang Yi meet on the sidelines of ASEAN events?"}\n'
        "Who won the football World Cup in 2022?\n\n"
        '{"id": "x", "question": "Who invited Wang Yi to Moscow?"}\n',
        encoding="utf-8",
    )
    out = newsqa("ask", "--batch", str(batch), env=indexed)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"][:10] for r in rows] == ["Where did ", "Who won th", "Who invite"]
    assert [r["refused"] for r in rows] == [False, True, False]
    stdin = newsqa("ask", "--batch", "-", env=indexed, stdin="Who invited Wang Yi to Moscow?\n")
    assert json.loads(stdin.stdout)["citations"]


def test_refusal_lists_closest_passages_not_sources(indexed: dict[str, str]) -> None:
    out = newsqa("ask", "What is the boiling point of mercury?", env=indexed)
    assert out.returncode == 0
    assert out.stdout.startswith("Not found in the articles.")
    assert "Closest passages:" in out.stdout and "Sources:" not in out.stdout


def test_ingest_twice_changes_nothing(indexed: dict[str, str]) -> None:
    out = newsqa("ingest", env=indexed)
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(
        r"added 0, updated 0, removed 0, unchanged 5, skipped 0, chunks \d+, [\d.]+ s\n", out.stdout
    )


def test_ingest_warns_about_bad_files_by_name(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("The summit was held in Astana on Monday.\n", encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\xfa not utf8")
    out = newsqa("ingest", str(corpus), env={"NEWSQA_DATA_DIR": str(tmp_path / "d")})
    assert out.returncode == 0
    assert "skipped broken.txt: not UTF-8" in out.stderr
    assert out.stdout.startswith("added 1, updated 0, removed 0, unchanged 0, skipped 1,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "newsqa: error: the question is empty\n"),
        (
            ["ask", "x" * 2001],
            "newsqa: error: the question is 2001 characters long; the limit is 2000\n",
        ),
        (["ingest", "/no/such/folder"], "newsqa: error: /no/such/folder is not a folder\n"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = newsqa(*args, env={"NEWSQA_DATA_DIR": str(tmp_path / "d")})
    assert (out.returncode, out.stderr, out.stdout) == (2, message, "")


def test_unknown_option_gets_the_usage_error(tmp_path: Path) -> None:
    out = newsqa("ask", "--frobnicate", "q", env={"NEWSQA_DATA_DIR": str(tmp_path / "d")})
    assert out.returncode == 2
    assert (
        out.stderr.startswith("usage: newsqa ask")
        and "unrecognized arguments: --frobnicate" in out.stderr
    )


def test_index_from_an_older_chunker_says_to_reindex(tmp_path: Path) -> None:
    import chromadb

    data = tmp_path / "d"
    client = chromadb.PersistentClient(path=str(data / "chroma"))
    client.create_collection(
        "articles",
        metadata={"embed_model": "all-MiniLM-L6-v2-onnx-int8", "dimension": 384, "chunker": "old"},
    )
    del client
    out = newsqa("ask", "Who invited Wang Yi?", env={"NEWSQA_DATA_DIR": str(data)})
    assert out.returncode == 2
    assert "newsqa ingest --rebuild" in out.stderr and len(out.stderr.splitlines()) == 1


def test_version_prints_the_installed_version() -> None:
    import tomllib

    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = newsqa("--version", env={})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"newsqa {wanted}"
