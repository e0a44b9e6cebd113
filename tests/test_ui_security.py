"""The app's edges with plain HTTP: every route behind the login when NEWSQA_UI_AUTH is set,
nothing of the corpus served as a file, and errors that leave the chat as it was."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SEEDS, build_index, serving
from tests.test_ui import SEED_QUESTION
from webui import auth
from webui.backend import Backend
from webui.chat import Chat
from webui.viewer import Viewer

AUTH = ("reader", "s3cret")


def _routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route the server has, the API router's included."""
    found: list[tuple[str, str]] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        if hasattr(route, "original_router"):  # FastAPI's included router
            pending.extend(route.original_router.routes)
            continue
        for method in getattr(route, "methods", None) or {"GET"}:
            if method != "HEAD" and getattr(route, "path", None):
                found.append((method, route.path))
    return sorted(set(found))


def _concrete(path: str) -> str:
    """A path template with each ``{param}`` filled by something plausible."""
    import re

    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[dict[str, Any]]:
    from assistant.factory import assistant_for

    root = tmp_path_factory.mktemp("locked")
    shutil.copytree(SEEDS, root / "corpus")
    settings, store = build_index(root / "data", root / "corpus", model)
    settings = settings.model_copy(update={"ui_auth": ":".join(AUTH)})
    with serving(assistant_for(store, settings), settings) as (base, _app):
        yield {"url": base, "app": _app, "corpus": root / "corpus"}


def test_every_route_but_the_login_page_needs_the_login(locked: dict[str, Any]) -> None:
    public = auth.LoginWall.PUBLIC | {auth.LoginWall.STARTUP}
    routes = _routes(locked["app"].server_app)
    assert ("POST", "/gradio_api/call/{api_name}") in routes and len(routes) > 40
    open_routes = []
    with httpx.Client(base_url=locked["url"], timeout=10) as http:
        for method, path in routes:
            if path in public or path.startswith(auth.LoginWall.PUBLIC_PREFIXES):
                continue
            response = http.request(method, _concrete(path))
            if response.status_code != 401:
                open_routes.append((method, path, response.status_code))
    assert open_routes == []


def test_ask_files_and_uploads_need_the_login_over_plain_http(locked: dict[str, Any]) -> None:
    corpus_file = locked["corpus"] / "000_a9c536138ddd3905.txt"
    with httpx.Client(base_url=locked["url"], timeout=30) as http:
        for method, path, body in [
            ("POST", "/gradio_api/call/ask", {"data": [SEED_QUESTION]}),
            ("POST", "/gradio_api/call/v2/ask", {"question": SEED_QUESTION}),
            ("POST", "/gradio_api/queue/join", {"data": [SEED_QUESTION], "fn_index": 0}),
            ("POST", "/gradio_api/run/ask", {"data": [SEED_QUESTION]}),
            ("GET", f"/gradio_api/file={corpus_file}", None),
            ("GET", "/gradio_api/info", None),
            ("GET", "/config", None),
            ("GET", "/openapi.json", None),
            ("POST", "/gradio_api/upload", None),
        ]:
            response = http.request(method, path, json=body)
            assert response.status_code == 401, (path, response.text[:200])
            assert "Shoigu" not in response.text
        assert http.post("/login", data={"username": "reader", "password": "wrong"}).is_error
        assert http.post("/gradio_api/call/ask", json={"data": ["x"]}).status_code == 401
        login = http.post("/login", data={"username": AUTH[0], "password": AUTH[1]})
        assert login.status_code == 200, login.text
        # raw HTTP passes every input (gradio_client fills the optional history itself)
        call = http.post("/gradio_api/call/ask", json={"data": [SEED_QUESTION, []]})
        assert call.status_code == 200, call.text
        stream = http.get(f"/gradio_api/call/ask/{call.json()['event_id']}")
        data = [line[6:] for line in stream.text.splitlines() if line.startswith("data: ")]
        payload = json.loads(data[-1])
        assert isinstance(payload, list), stream.text[:500]
        assert "Shoigu" in payload[0]["answer"]


def test_without_a_login_the_corpus_is_still_not_served_as_files(
    tmp_path: Path, model: Any
) -> None:
    from assistant.factory import assistant_for

    shutil.copytree(SEEDS, tmp_path / "corpus")
    settings, store = build_index(tmp_path / "data", tmp_path / "corpus", model)
    with serving(assistant_for(store, settings), settings) as (base, _app):
        for path in [
            tmp_path / "corpus" / "000_a9c536138ddd3905.txt",
            Path("/etc/passwd"),
            tmp_path / "data" / "chroma" / "chroma.sqlite3",
        ]:
            for route in (f"/gradio_api/file={path}", f"/gradio_api/file/{path}"):
                response = httpx.get(base + route, timeout=10)
                assert response.status_code in (403, 404), (route, response.status_code)


def test_an_error_leaves_the_chat_and_the_viewer_as_they_were(
    seed_assistant: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import gradio as gr

    backend = Backend(seed_assistant, seed_assistant_settings(seed_assistant))
    chat = Chat(backend, Viewer(backend), stream_delay=0)
    history = [{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "a"}]
    for question, date_from in (("   ", ""), (SEED_QUESTION, "May 2024"), ("x" * 5000, "")):
        with pytest.warns(UserWarning) as shown:
            steps = list(chat.respond(question, history, [], 5, [], date_from, ""))
        assert len(steps) == 1 and all(isinstance(v, type(gr.skip())) for v in steps[0])
        assert shown and str(shown[0].message)
    with pytest.warns(UserWarning, match="no longer available"):
        assert isinstance(Viewer(backend).open_article([], {"t": 3, "c": 1}), type(gr.skip()))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def seed_assistant_settings(assistant: Any) -> Any:
    from index.settings import Settings

    return Settings(data_dir=Path("unused"), corpus_dir=SEEDS)


def test_a_refused_library_action_reports_why_and_keeps_the_library(
    locked: dict[str, Any],
) -> None:
    from gradio_client import Client

    client = Client(locked["url"] + "/", auth=AUTH, verbose=False)
    status, table, *_ = client.predict("../../etc/passwd", api_name="/delete")
    assert "Not done" in status and "is not an article in the library" in status
    assert len(table["data"]) == 5
    status, table, *_ = client.predict("", api_name="/delete")
    assert "choose the article to delete first" in status and len(table["data"]) == 5
    assert not client.predict(SEED_QUESTION, api_name="/ask")["refused"]
