"""Unusable folders and links out of the folder: a folder without permission, a missing
corpus or a file given as one is named in one line; a link out of the folder is never
followed by the viewer or the library, and what it held before loses its chunks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.hostile import (
    GOOD,
    NOBODY,
    SEED_QUESTION,
    assert_seeds_answerable,
    newsqa,
    outside_file,
    settings_for,
)


@pytest.fixture
def shared_world(tmp_path: Path, pristine: Path) -> Iterator[dict[str, Path]]:
    """A copy of the index where another user can reach it (tmp_path is root's alone)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run newsqa as an unprivileged user")
    root = Path(tempfile.mkdtemp(prefix="newsqa-perm-"))
    os.chmod(root, 0o755)
    shutil.copytree(pristine / "corpus", root / "corpus")
    shutil.copytree(pristine / "data", root / "data")
    for path in [root, *root.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    try:
        with _searchable_by_others(ROOT):
            yield {"root": root, "corpus": root / "corpus", "data": root / "data"}
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _searchable_by_others(folder: Path) -> Iterator[None]:
    """Lets the unprivileged user reach the checkout (and its .venv) for the test's span,
    even in a clone under a private folder such as `mktemp -d`: adds search permission
    where it is missing on the way there, and puts the modes back afterwards."""
    changed = []
    for path in [*reversed(folder.resolve().parents), folder.resolve()]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(path, stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((path, stat.S_IMODE(mode)))
    try:
        yield
    finally:
        for path, mode in changed:
            os.chmod(path, mode)


PERMISSIONS = [
    ("corpus-unreadable", "corpus", ("ingest",), "cannot be listed (Permission denied)"),
    ("data-read-only", "data", ("ingest",), "no permission to read and write the index"),
    ("chroma-read-only", "data/chroma", ("ingest",), "no permission to read and write"),
    ("data-unreadable-ask", "data", ("ask", SEED_QUESTION), "Permission denied"),
]


@pytest.mark.parametrize("name,folder,args,message", PERMISSIONS, ids=[p[0] for p in PERMISSIONS])
def test_a_folder_without_permission_is_named_in_one_line(
    name: str, folder: str, args: tuple[str, ...], message: str, shared_world: dict[str, Path]
) -> None:
    target = shared_world["root"] / folder
    env = {
        "HOME": str(shared_world["root"]),
        "NEWSQA_DATA_DIR": str(shared_world["data"]),
        "NEWSQA_CORPUS_DIR": str(shared_world["corpus"]),
    }
    mode = 0o000 if "unreadable" in name else 0o555
    for path in [target, *([p for p in target.rglob("*")] if mode == 0o555 else [])]:
        os.chmod(path, mode if path.is_dir() or mode == 0o000 else 0o444)
    if args[0] == "ingest":
        args = (*args, str(shared_world["corpus"]))
    run = newsqa(*args, env=env, user=NOBODY)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert str(target) in lines[0] or str(shared_world["data"]) in lines[0]
    for path in [target, *target.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    ok = newsqa("ask", SEED_QUESTION, env=env, user=NOBODY)
    assert ok.returncode == 0 and "Shoigu" in ok.stdout, ok.stderr


def test_missing_corpus_and_a_file_as_corpus_are_one_line(world: dict[str, Path]) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"])}
    for folder, message in (
        (world["root"] / "nope", "is not a folder"),
        (world["corpus"] / "000_a9c536138ddd3905.txt", "is not a folder"),
    ):
        run = newsqa("ingest", str(folder), env=env)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert message in run.stderr and "Traceback" not in run.stderr
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout


def test_the_viewer_never_follows_an_indexed_name_swapped_for_a_link_out(
    world: dict[str, Path], model: Any
) -> None:
    from index.errors import ArticleError
    from index.factory import open_store
    from index.library import article_text, delete_article

    store = open_store(settings_for(world), model)
    name = "000_a9c536138ddd3905.txt"
    secret = outside_file(world["corpus"])
    (world["corpus"] / name).unlink()
    os.symlink(secret, world["corpus"] / name)  # after indexing: the id is still known
    with pytest.raises(ArticleError, match="outside the article folder"):
        article_text(world["corpus"], name, store.articles().keys())
    for bad in ("../secret-notes.txt", str(secret), "secret-notes.txt"):
        with pytest.raises(ArticleError, match="not an article in the library"):
            delete_article(world["corpus"], bad, store, world["root"] / "trash")
    delete_article(world["corpus"], name, store, world["root"] / "trash")
    assert secret.read_text(encoding="utf-8").startswith("Private")  # the link went, not it
    assert name not in store.articles()


def test_an_article_that_becomes_a_link_out_of_the_folder_loses_its_chunks(
    world: dict[str, Path], model: Any
) -> None:
    """What an earlier index took from a name that is now a link leaving the folder (or a
    device) is dropped; a file that merely cannot be read keeps its chunks."""
    from index.factory import open_store
    from index.ingest import ingest

    corpus = world["corpus"]
    (corpus / "harbour.txt").write_text(GOOD, encoding="utf-8")
    store = open_store(settings_for(world), model)
    assert ingest(corpus, store, bar=False).added == 1
    (corpus / "harbour.txt").unlink()
    (corpus / "harbour.txt").symlink_to(outside_file(corpus))
    report = ingest(corpus, store, bar=False)
    assert [e.name for e in report.skipped] == ["harbour.txt"]
    assert "outside the article folder" in report.skipped[0].reason
    assert report.removed == 1 and "harbour.txt" not in store.articles()
    assert store.lexical.chunk_ids({"harbour.txt"}) == []
    assert_seeds_answerable(store, settings_for(world), corpus)
