"""Shared fixtures: the real model, real Chroma in tmp paths, and no network but loopback."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

configure_offline()


def _loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Any:
    """Any connection off this machine fails the test that makes it."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(address: Any) -> None:
        if not _loopback(address):
            raise RuntimeError(f"network access blocked in tests: {address!r}")

    def connect(self: socket.socket, address: Any) -> Any:
        guard(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        guard(address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def model() -> Any:
    from index.embedding import MiniLMEmbedding

    return MiniLMEmbedding()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the seed articles, free to edit."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(assistant: Any, settings: Any) -> Iterator[tuple[str, Any]]:
    """The real UI for ``assistant`` on a free loopback port; yields its base URL
    (``http://127.0.0.1:PORT``) and the Gradio app, and closes the server afterwards."""
    import ui

    app = ui.build_app(assistant, settings)
    port = free_port()
    ui.launch_app(app, settings, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        app.close()


def invented_assistant(root: Path, articles: dict[str, str], model: Any) -> tuple[Any, Path]:
    """An assistant over ``articles`` (file name -> text) written into ``root/corpus`` and
    indexed in ``root/data``, and that corpus folder."""
    from assistant.factory import assistant_for

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings, store = build_index(root / "data", corpus, model)
    return assistant_for(store, settings), corpus


def assert_exact_quotes(answer: Any, corpus: Path) -> None:
    """Every citation's quote is the article's text at its span."""
    for c in answer.citations:
        assert (corpus / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote


def build_index(data_dir: Path, corpus_dir: Path, model: Any) -> tuple[Any, Any]:
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    settings = Settings(data_dir=data_dir, corpus_dir=corpus_dir, chroma_url=None)
    store = open_store(settings, model, create=True)
    ingest(corpus_dir, store, bar=False)
    return settings, store


@pytest.fixture(scope="session")
def seed_assistant(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Any:
    """One assistant over an index of seeds/, shared by read-only tests."""
    from assistant.factory import assistant_for

    settings, store = build_index(tmp_path_factory.mktemp("seed-index"), SEEDS, model)
    return assistant_for(store, settings)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Path:
    """One index of a copy of the seeds for the hostile-input tests (tests/hostile.py); cases
    copy it (``world``) rather than embed the seeds again, and never change it."""
    root = tmp_path_factory.mktemp("hostile-base")
    shutil.copytree(SEEDS, root / "corpus")
    build_index(root / "data", root / "corpus", model)
    return root


@pytest.fixture
def world(pristine: Path, tmp_path: Path) -> dict[str, Path]:
    """A private copy of ``pristine``: its corpus and index folders, under tmp_path."""
    shutil.copytree(pristine / "corpus", tmp_path / "corpus", symlinks=True)
    shutil.copytree(pristine / "data", tmp_path / "data")
    return {"root": tmp_path, "corpus": tmp_path / "corpus", "data": tmp_path / "data"}
