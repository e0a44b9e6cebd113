"""Several processes on one data dir (issue 21): a long-lived reader follows CLI ingests
and rebuilds, writers are serialised by the file lock, and an ask never waits for an
ingest but answers from the last committed version until the new one commits."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS
from tests.test_scale import FIRST, SECOND, TARGET

SEED_QUESTION = "Who invited Wang Yi to Moscow?"
FIRST_QUESTION = "Who opened the Quenfarrow reservoir?"
SECOND_QUESTION = "Who will build the electric buses that replace the Velmora trams?"


def newsqa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextlib.contextmanager
def _chroma(kind: str, tmp_path: Path) -> Iterator[str | None]:
    if kind == "embedded":
        yield None
        return
    from tests.chroma_server import running_chroma

    with running_chroma(tmp_path / "server") as url:
        yield url


def _cites(answer: Any, article: str, words: str, corpus: Path) -> None:
    assert not answer.refused and words in answer.text, answer.text
    assert answer.citations[0].article == article
    for c in answer.citations:
        assert (corpus / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote


@pytest.mark.parametrize("kind", ["embedded", "server"])
def test_a_long_lived_assistant_follows_cli_ingests_and_a_rebuild(
    kind: str, tmp_path: Path, model: Any
) -> None:
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.library import delete_article
    from index.settings import Settings

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEEDS, corpus)
    with _chroma(kind, tmp_path) as url:
        settings = Settings(data_dir=data, corpus_dir=corpus, chroma_url=url)
        env = {"NEWSQA_DATA_DIR": str(data), "NEWSQA_CORPUS_DIR": str(corpus)}
        env |= {"NEWSQA_CHROMA_URL": url} if url else {}
        ingest(corpus, open_store(settings, model, create=True), bar=False)
        assistant = assistant_for(open_store(settings, model), settings)
        assert "Shoigu" in assistant.ask(SEED_QUESTION).text

        (corpus / TARGET).write_text(FIRST, encoding="utf-8")  # another process adds it
        added = newsqa("ingest", str(corpus), env=env)
        assert added.returncode == 0 and "added 1" in added.stdout, added.stderr
        _cites(assistant.ask(FIRST_QUESTION), TARGET, "Drannoch", corpus)

        (corpus / TARGET).write_text(SECOND, encoding="utf-8")  # ... and changes it
        changed = newsqa("ingest", str(corpus), env=env)
        assert changed.returncode == 0 and "updated 1" in changed.stdout, changed.stderr
        _cites(assistant.ask(SECOND_QUESTION), TARGET, "Harnwick", corpus)
        assert all(p.article != TARGET for p in assistant.ask(FIRST_QUESTION).citations)

        rebuilt = newsqa("ingest", str(corpus), "--rebuild", env=env)
        assert rebuilt.returncode == 0 and "added 6" in rebuilt.stdout, rebuilt.stderr
        _cites(assistant.ask(SECOND_QUESTION), TARGET, "Harnwick", corpus)
        assert "Shoigu" in assistant.ask(SEED_QUESTION).text
        assert TARGET in assistant.store.articles()

        # a writer in this process (the UI's) can delete what the CLI indexed
        writer = open_store(settings, model)
        delete_article(corpus, TARGET, writer, tmp_path / "trash")
        assert TARGET not in assistant.ask(SECOND_QUESTION).passages[0].article
        assert TARGET not in assistant.store.articles()
        checked = newsqa("ingest", "--check", env=env)
        assert checked.returncode == 0 and "index consistent" in checked.stdout


def test_a_second_writer_says_so_in_one_line_and_waits(tmp_path: Path, model: Any) -> None:
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEEDS, corpus)
    store = open_store(Settings(data_dir=data, corpus_dir=corpus), model, create=True)
    ingest(corpus, store, bar=False)
    (corpus / TARGET).write_text(FIRST, encoding="utf-8")
    env = {**os.environ, "NEWSQA_DATA_DIR": str(data), "NEWSQA_CORPUS_DIR": str(corpus)}
    with store.lock.held():  # this process is writing
        second = subprocess.Popen(
            [sys.executable, "-m", "cli", "ingest", str(corpus)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        line = second.stderr.readline()  # blocks until the second writer has said it
        assert line.startswith(f"newsqa: newsqa process {os.getpid()} is changing the index")
        assert line.rstrip().endswith("waiting for it to finish")
        assert second.poll() is None  # it waits rather than racing
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0 and "added 1" in out, err
    assert "Traceback" not in err


def test_an_ask_during_an_ingest_answers_from_the_committed_version(
    tmp_path: Path, model: Any
) -> None:
    """The writer is stopped after writing its chunks into Chroma (an injected step, not a
    timer): a reader's ask neither waits nor sees them; after the commit it does."""
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEEDS, corpus)
    settings = Settings(data_dir=data, corpus_dir=corpus)
    ingest(corpus, open_store(settings, model, create=True), bar=False)
    reader = assistant_for(open_store(settings, model), settings)
    writer = open_store(settings, model)
    (corpus / TARGET).write_text(FIRST, encoding="utf-8")
    written, go_on = threading.Event(), threading.Event()

    def pause(step: str) -> None:
        if step == "upserted":
            written.set()
            go_on.wait()

    writer.on_step = pause
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(ingest(corpus, writer, bar=False)))
    thread.start()
    try:
        written.wait()
        during = reader.ask(FIRST_QUESTION)  # the writer holds the lock and waits meanwhile
        assert all(p.article != TARGET for p in during.passages)
        assert "Shoigu" in reader.ask(SEED_QUESTION).text and not done
    finally:
        go_on.set()
        thread.join()
    assert done[0].added == 1
    _cites(reader.ask(FIRST_QUESTION), TARGET, "Drannoch", corpus)


def test_newsqa_chat_answers_from_an_article_another_process_indexed(tmp_path: Path) -> None:
    """`newsqa chat` keeps running while `newsqa ingest` adds an article; its next answer
    quotes it. Each step waits for the chat's answer line, not for a time."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEEDS, corpus)
    env = {"NEWSQA_DATA_DIR": str(data), "NEWSQA_CORPUS_DIR": str(corpus)}
    assert newsqa("ingest", str(corpus), env=env).returncode == 0
    chat = subprocess.Popen(
        [sys.executable, "-m", "cli", "chat"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert chat.stdin is not None and chat.stdout is not None

    def ask(question: str) -> str:
        chat.stdin.write(question + "\n")  # type: ignore[union-attr]
        chat.stdin.flush()  # type: ignore[union-attr]
        lines = []
        while not (line := chat.stdout.readline()).startswith("(confidence"):  # type: ignore[union-attr]
            assert line, "the chat ended"
            lines.append(line)
        return "".join(lines)

    try:
        assert "Shoigu" in ask(SEED_QUESTION)
        (corpus / TARGET).write_text(FIRST, encoding="utf-8")
        assert newsqa("ingest", str(corpus), env=env).returncode == 0
        assert "Drannoch" in ask(FIRST_QUESTION)
    finally:
        chat.stdin.close()
        chat.wait(timeout=120)
    assert chat.returncode == 0


def test_the_ui_follows_the_cli_and_answers_while_an_upload_waits(
    tmp_path: Path, model: Any
) -> None:
    """The UI answers from an article `newsqa ingest` added, deletes it, survives a CLI
    `--rebuild`; an upload that waits for another writer (this test holds the lock) never
    holds up an ask, and is answerable once it is indexed."""
    from gradio_client import Client, handle_file

    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings
    from tests.conftest import serving

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEEDS, corpus)
    settings = Settings(data_dir=data, corpus_dir=corpus)
    env = {"NEWSQA_DATA_DIR": str(data), "NEWSQA_CORPUS_DIR": str(corpus)}
    ingest(corpus, open_store(settings, model, create=True), bar=False)
    assistant = assistant_for(open_store(settings, model), settings)
    with serving(assistant, settings) as (url, _app):
        client = Client(url, verbose=False)
        assert "Shoigu" in client.predict(SEED_QUESTION, api_name="/ask")["answer"]
        (corpus / TARGET).write_text(FIRST, encoding="utf-8")
        assert newsqa("ingest", str(corpus), env=env).returncode == 0
        found = client.predict(FIRST_QUESTION, api_name="/ask")
        assert found["citations"][0]["article"] == TARGET and "Drannoch" in found["answer"]
        status, *_ = client.predict(TARGET, api_name="/delete")
        assert status.replace("\\", "").startswith(f"Deleted {TARGET}"), status  # Markdown
        rebuilt = newsqa("ingest", str(corpus), "--rebuild", env=env)
        assert rebuilt.returncode == 0 and "added 5" in rebuilt.stdout, rebuilt.stderr
        assert "Shoigu" in client.predict(SEED_QUESTION, api_name="/ask")["answer"]

        upload = tmp_path / "tramway.txt"
        upload.write_text(SECOND, encoding="utf-8")
        with assistant.store.lock.held():  # another writer: the upload must wait for it
            job = client.submit([handle_file(str(upload))], api_name="/upload")
            for _ in range(6000):  # polls the job's progress (at most 5 minutes)
                if _says_waiting(job):
                    break
                assert not job.done(), job.result()
                time.sleep(0.05)
            assert _says_waiting(job), "the upload never said it waits for the other writer"
            answer = client.predict(SEED_QUESTION, api_name="/ask")  # not held up
            assert "Shoigu" in answer["answer"] and not job.done()
        status, *_ = job.result(timeout=300)
        assert "Added tramway.txt" in status, status
        found = client.predict(SECOND_QUESTION, api_name="/ask")
        assert found["citations"][0]["article"] == "tramway.txt" and "Harnwick" in found["answer"]


def _says_waiting(job: Any) -> bool:
    progress = job.status().progress_data
    return bool(progress) and "waiting" in (progress[0].desc or "")
