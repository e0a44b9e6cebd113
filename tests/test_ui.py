"""The browser app through gradio_client against a live server on 127.0.0.1, plus its pure parts."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ui
from assistant.domain import Answer, Citation, Passage
from index.errors import NewsqaError
from index.metadata import Metadata
from tests.conftest import ROOT, build_index, free_port, serving
from webui import auth, render
from webui.backend import Backend
from webui.chat import Chat, parse_filter
from webui.errors import BindingError
from webui.viewer import Viewer

SEED_QUESTION = "Who invited Wang Yi to Moscow for his December visit?"
UNANSWERABLE = "What is the capital of Peru?"
NEW_QUESTION = "Who opened the Zorblatt Observatory in Tartu?"
NEW_ARTICLE = (
    "Zorblatt Observatory opens in Tartu\n\n"
    "TARTU, March 3, 2031. /ERR/. The Zorblatt Observatory in Tartu was opened on Monday by "
    "astronomer Maris Kallaste, who said its telescope will map comets for a decade.\n\n"
    "The observatory cost 12 million euros and was built in two years.\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[dict[str, Any]]:
    """A real app over a real index of a copy of the seeds, served on a free loopback port."""
    import shutil

    from assistant.factory import assistant_for
    from tests.conftest import SEEDS

    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(SEEDS, root / "corpus")
    settings, store = build_index(root / "data", root / "corpus", model)
    app_assistant = assistant_for(store, settings)
    with serving(app_assistant, settings) as (base, _app):
        yield {
            "url": f"{base}/",
            "corpus": root / "corpus",
            "root": root,
            "assistant": app_assistant,
            "settings": settings,
        }


@pytest.fixture(scope="module")
def client(server: dict[str, Any]) -> Any:
    from gradio_client import Client

    return Client(server["url"], verbose=False)


def assert_offsets_hold(result: dict[str, Any], corpus: Path) -> None:
    for c in result["citations"]:
        text = (corpus / c["article"]).read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_endpoint_returns_the_cli_json_with_exact_citations(
    client: Any, server: dict[str, Any]
) -> None:
    result = client.predict(SEED_QUESTION, api_name="/ask")
    assert set(result) == {
        "question", "interpreted", "answer", "refused", "citations", "passages", "timings_ms",
        "confidence", "confidence_label", "short", "focus", "answerer", "verification", "notice",
    }  # fmt: skip
    assert result["answerer"] == "extractive" and result["verification"] is None
    assert not result["refused"] and "Shoigu" in result["answer"]
    assert result["citations"] and "[1]" in result["answer"]
    assert_offsets_hold(result, server["corpus"])


def test_unanswerable_question_is_refused(client: Any) -> None:
    result = client.predict(UNANSWERABLE, api_name="/ask")
    assert result["refused"] is True and result["citations"] == []
    assert result["passages"]  # the closest passages still come back


def test_empty_question_is_a_user_message(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client.predict("   ", api_name="/ask")


def test_only_the_documented_endpoints_are_public(client: Any) -> None:
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(named) == {"/ask", "/upload", "/delete"}


def test_upload_then_delete_changes_what_can_be_answered(
    client: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    assert client.predict(NEW_QUESTION, api_name="/ask")["refused"] is True
    upload = tmp_path / "zorblatt.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")
    status, table, *_ = client.predict([handle_file(str(upload))], api_name="/upload")
    assert "Added zorblatt.txt" in status
    assert "zorblatt.txt" in [row[0] for row in table["data"]]
    answered = client.predict(NEW_QUESTION, api_name="/ask")
    assert not answered["refused"] and "Maris Kallaste" in answered["answer"]
    assert {c["article"] for c in answered["citations"]} == {"zorblatt.txt"}
    assert_offsets_hold(answered, server["corpus"])

    again, *_ = client.predict([handle_file(str(upload))], api_name="/upload")
    assert "same content as zorblatt.txt" in again
    assert sorted(p.name for p in server["corpus"].glob("zorblatt*")) == ["zorblatt.txt"]

    status, table, *_ = client.predict("zorblatt.txt", api_name="/delete")
    assert "Deleted zorblatt.txt" in status
    assert "zorblatt.txt" not in [row[0] for row in table["data"]]
    assert client.predict(NEW_QUESTION, api_name="/ask")["refused"] is True
    assert not (server["corpus"] / "zorblatt.txt").exists()
    assert list((server["root"] / "data" / "trash").glob("*zorblatt.txt"))


def test_binary_upload_is_refused_by_name_and_nothing_is_lost(
    client: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    before = client.predict(SEED_QUESTION, api_name="/ask")
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin.md"
    latin.write_bytes("Caf\xe9 au lait".encode("latin-1"))
    files = [handle_file(str(bad)), handle_file(str(latin))]
    status, table, *_ = client.predict(files, api_name="/upload")
    assert "photo.txt: binary file" in status and "latin.md: not UTF-8" in status
    assert not (server["corpus"] / "photo.txt").exists()
    assert len(table["data"]) == 5
    after = client.predict(SEED_QUESTION, api_name="/ask")
    assert after["answer"] == before["answer"] and after["citations"] == before["citations"]


def test_filters_narrow_the_articles_that_can_be_cited(server: dict[str, Any]) -> None:
    from index.library import ArticleFilter

    backend = Backend(server["assistant"], server["settings"])
    question = "What did Lavrov and Wang Yi discuss?"
    tass = server["assistant"].store.articles()
    allowed = {name for name, r in tass.items() if r.meta.source == "TASS"}
    answer = backend.ask(question, 5, ArticleFilter(frozenset({"TASS"})))
    assert answer.passages and {p.article for p in answer.passages} <= allowed
    assert {c.article for c in answer.citations} <= allowed
    with pytest.raises(NewsqaError, match="no article matches"):
        backend.ask(question, 5, ArticleFilter(date_from="2020-01-01", date_to="2020-01-31"))
    with pytest.raises(NewsqaError, match="must look like"):
        parse_filter([], "May 2024", "")


def test_respond_streams_sentences_and_keeps_history_per_call(server: dict[str, Any]) -> None:
    backend = Backend(server["assistant"], server["settings"])
    chat = Chat(backend, Viewer(backend), stream_delay=0)
    history: list[Any] = []
    answers: list[Answer] = []
    steps = list(chat.respond(SEED_QUESTION, history, answers, 5, [], "", ""))
    assert len(steps) == len(steps[-1][2][0].sentences()) >= 1
    first, last = steps[0][1][-1]["content"], steps[-1][1][-1]["content"]
    assert "newsqa-c1" in first and len(first) < len(last)
    assert history == [] and answers == []  # the caller's session values are not shared
    key = {"t": 0, "c": 1}
    view = Viewer(backend).open_article(steps[-1][2], key)
    quote = steps[-1][2][0].citations[0].quote
    assert "newsqa-focus" in view and html.escape(quote, quote=False) in view


def test_non_loopback_binding_needs_auth() -> None:
    with pytest.raises(BindingError, match="NEWSQA_UI_AUTH"):
        auth.check_binding("0.0.0.0", None)
    with pytest.raises(BindingError):
        auth.check_binding("example.org", None)
    auth.check_binding("0.0.0.0", "reader:secret")
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        auth.check_binding(host, None)
    assert auth.parse_auth("reader:se:cret") == ("reader", "se:cret")
    with pytest.raises(BindingError):
        auth.parse_auth("reader")


def test_python_ui_py_refuses_a_public_address_and_says_why(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path / "data")}
    env.pop("NEWSQA_UI_AUTH", None)
    run = subprocess.run(
        [sys.executable, "ui.py", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "refusing to listen on 0.0.0.0" in run.stderr and "NEWSQA_UI_AUTH" in run.stderr
    assert not (tmp_path / "data").exists()


def test_a_password_protects_the_app_when_auth_is_set(server: dict[str, Any]) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    settings = server["settings"].model_copy(update={"ui_auth": "reader:s3cret"})
    with serving(server["assistant"], settings) as (base, _app):
        url = f"{base}/"
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False).predict(SEED_QUESTION, api_name="/ask")
        client = Client(url, auth=("reader", "s3cret"), verbose=False)
        assert not client.predict(SEED_QUESTION, api_name="/ask")["refused"]


def test_serve_refuses_a_public_address_before_loading_anything(tmp_path: Path) -> None:
    from index.settings import Settings

    settings = Settings(data_dir=tmp_path / "never", ui_auth=None)
    with pytest.raises(BindingError, match=r"0\.0\.0\.0"):
        ui.serve(settings, host="0.0.0.0", port=free_port())
    assert not (tmp_path / "never").exists()


def _answer() -> Answer:
    c1 = Citation(1, "a.txt", "Title <A>", "2024-05-01", "TASS", 4, 8, "<b>x", 0.81)
    c2 = Citation(2, "a.txt", "Title <A>", "2024-05-01", "TASS", 11, 14, "y*z", 0.5)
    return Answer("q?", "<b>x [1] y*z [2]", False, (c1, c2))


def test_answer_markers_sources_and_viewer_are_escaped_and_exact() -> None:
    answer = _answer()
    md = render.answer_markdown(answer, turn=3)
    assert "&lt;b&gt;x" in md and "y\\*z" in md
    assert "newsqa-t3 newsqa-c1'>[1]</span>" in md and "newsqa-c2'>[2]</span>" in md
    assert "[2]" not in render.answer_markdown(answer, turn=3, parts=1)
    cards = render.sources_html(answer, turn=3)
    assert "Title &lt;A&gt;" in cards and "TASS · 2024-05-01" in cards and "0.81" in cards
    text = "0123<b>x--\ny*z rest"
    spans = [render.Span(4, 8, 1, "<b>x"), render.Span(11, 14, 2, "y*z")]
    view = render.viewer_html(text, "a.txt", Metadata(title="T"), spans, focus=1)
    assert "<mark class='' data-n='1'>&lt;b&gt;x</mark>" in view
    assert "<mark class='newsqa-focus' data-n='2'>y*z</mark>" in view
    edited = render.viewer_html("0123<b>X--\ny*z", "a.txt", Metadata(), spans, focus=0)
    assert "data-n='1'" not in edited and "[1] not found: the file changed" in edited


def test_refusal_shows_closest_passages_unnumbered() -> None:
    p = Passage("b.txt", 0, 5, "Some closest text", 0.2, title=None)
    answer = Answer("q?", "Not found in the articles.", True, (), (p,))
    md = render.answer_markdown(answer, turn=0)
    assert "Not found in the articles." in md and "Closest passages" in md
    assert "newsqa-refusal" in md and "[1]" not in md
    cards = render.sources_html(answer, turn=0)
    assert "Closest passages" in cards and "[1]" not in cards
    assert not re.search(r"newsqa-c\d", cards + md)  # nothing opens as a citation
    article, spans, focus = render.spans_for(answer, {"t": 0, "p": 0})
    assert (article, spans, focus) == ("b.txt", [render.Span(0, 5, None, "Some closest text")], 0)
