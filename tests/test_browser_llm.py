"""The answerer toggle in a real headless Chromium, against the stub LLM on 127.0.0.1: the
verified LLM answer with its notice, then the quoted answer when the toggle says so."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

import ui
from index.settings import Settings
from tests.conftest import SEEDS, build_index, serving
from tests.stub_llm import Reply, StubLLM
from tests.test_browser import ARGS, ARTIFACTS, CHROMIUM, WAIT_MS, ask, browser, unavailable  # noqa: F401
from tests.test_llm import GOOD, QUESTION, reply

pytestmark = pytest.mark.browser
INVENTED = "The visit lasted 12 days."


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[dict[str, Any]]:
    from assistant.factory import assistant_for

    root = tmp_path_factory.mktemp("browser-llm")
    shutil.copytree(SEEDS, root / "corpus")
    _, store = build_index(root / "data", root / "corpus", model)
    with StubLLM([Reply(reply(f"{GOOD} [{{n}}] {INVENTED} [{{n}}]"))]) as stub:
        settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus", llm_url=stub.url)
        with serving(assistant_for(store, settings), settings) as (base, _app):
            yield {"url": f"{base}/", "stub": stub}


def test_the_toggle_is_hidden_without_an_llm(seed_assistant: Any) -> None:
    app = ui.build_app(seed_assistant, Settings())
    toggle = next(
        c for c in app.config["components"] if c["props"].get("elem_id") == "newsqa-answerer"
    )
    assert toggle["props"]["visible"] is False


def test_the_toggle_switches_between_the_verified_llm_and_quotes(
    browser: Any,  # noqa: F811
    llm_app: dict[str, Any],
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(llm_app["url"])
    toggle = page.locator("#newsqa-answerer")
    expect(toggle).to_be_visible(timeout=WAIT_MS)
    expect(toggle.get_by_label("LLM, verified")).to_be_checked()
    answer = ask(page, QUESTION)
    expect(answer).to_contain_text("1 unsupported sentence removed", timeout=WAIT_MS)
    assert GOOD in answer.inner_text() and INVENTED not in answer.inner_text()
    expect(page.locator("#newsqa-sources .newsqa-card")).to_have_count(1)
    answer.locator(".newsqa-marker", has_text="[1]").click()
    expect(page.locator("#newsqa-viewer mark[data-n='1']")).to_contain_text("Sergey Shoigu")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-llm-answer.png"))
    asked = len(llm_app["stub"].requests)
    assert "Earlier questions" not in llm_app["stub"].prompt()

    toggle.get_by_label("Quoted sentences").check()
    quoted = ask(page, QUESTION)
    expect(quoted).to_contain_text("Wang Yi arrived in Moscow at the invitation")
    assert "unsupported" not in quoted.inner_text() and len(llm_app["stub"].requests) == asked
    page.context.close()
