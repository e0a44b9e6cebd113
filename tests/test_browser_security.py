"""Hostile text in a real headless Chromium: nothing in an article, a title, a file name or a
question executes or loads, and it all still shows literally; no request leaves loopback;
errors leave the chat as it was; an upload of exactly the size limit is accepted cleanly."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import SEEDS, build_index, serving
from tests.test_browser import WAIT_MS, ask, browser  # noqa: F401  (browser is a fixture)
from tests.test_ui import SEED_QUESTION

pytestmark = pytest.mark.browser

TITLE = 'Quixley harbour <img src=x onerror="window.__xss=1"> reopens'
SCRIPT = "<script>window.__xss=2</script>"
LINK = "[the harbour page](javascript:window.__xss=3)"
IMAGE = "![map](http://evil.example/map.png)"
ANCHOR = '<a href="javascript:window.__xss=4">plan</a>'
HOSTILE = (
    f"{TITLE}\n\n"
    f"The Quixley harbour was reopened by mayor Ilse Varnik {SCRIPT} on Monday morning.\n\n"
    f"Visitors can read about it at {LINK} and see {IMAGE} for the new piers.\n\n"
    f"The harbour master called the {ANCHOR} a success and $$x^2$$ **bold** claims.\n"
)
QUESTION = "Who reopened the Quixley harbour? <img src=y onerror=window.__xss=5> **q** $$x^2$$"
FILE_NAME = "<img src=z onerror=window.__xss=6>.txt"
LIMIT = 4096


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[Any]:
    from assistant.factory import assistant_for

    root = tmp_path_factory.mktemp("xss")
    shutil.copytree(SEEDS, root / "corpus")
    (root / "corpus" / FILE_NAME).write_text(HOSTILE, encoding="utf-8")
    settings, store = build_index(root / "data", root / "corpus", model)
    settings = settings.model_copy(update={"max_upload_bytes": LIMIT})
    with serving(assistant_for(store, settings), settings) as (base, _app):
        yield {"url": f"{base}/", "root": root}


@pytest.fixture
def page(browser: Any, hostile_server: dict[str, Any]) -> Iterator[Any]:  # noqa: F811
    """A fresh page that records every request, dialog and page error; nothing leaves."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    seen: dict[str, list[str]] = {"requests": [], "outside": [], "dialogs": [], "errors": []}

    def guard(route: Any) -> None:
        url = route.request.url
        seen["requests"].append(url)
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in ("127.0.0.1",):
            route.continue_()
        else:
            seen["outside"].append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.seen = seen
    page.goto(hostile_server["url"])
    yield page
    context.close()


def _executed(page: Any) -> Any:
    return page.evaluate("window.__xss")


def test_no_request_leaves_loopback_while_the_page_loads(page: Any) -> None:
    page.locator("#newsqa-question textarea").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # the page keeps an event stream open: no "network idle"
    requests = page.seen["requests"]
    assert len(requests) > 5  # the page, its scripts, styles, fonts and config were seen
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requests if "127.0.0.1" not in u)
    assert page.seen["outside"] == []


def test_hostile_article_title_name_and_question_show_literally_and_run_nothing(
    page: Any,
) -> None:
    from playwright.sync_api import expect

    answer = ask(page, QUESTION)
    expect(answer).to_contain_text("Ilse Varnik", timeout=WAIT_MS)
    expect(answer).to_contain_text(SCRIPT)  # shown as text, not run
    user = page.locator('#newsqa-chat [data-testid="user"]').last
    expect(user).to_contain_text("<img src=y onerror=window.__xss=5> **q** $$x^2$$")
    cards = page.locator("#newsqa-sources")
    expect(cards).to_contain_text(TITLE)
    answer.locator(".newsqa-marker").first.click()
    viewer = page.locator("#newsqa-viewer")
    expect(viewer.locator("mark").first).to_be_visible(timeout=WAIT_MS)
    for literal in (TITLE, SCRIPT, LINK, IMAGE, ANCHOR, "$$x^2$$ **bold**", FILE_NAME):
        expect(viewer).to_contain_text(literal)
    page.get_by_role("tab", name="Library").click()
    table = page.locator("#newsqa-library")
    expect(table).to_contain_text(FILE_NAME, timeout=WAIT_MS)
    expect(table).to_contain_text(TITLE)
    page.wait_for_timeout(500)  # give anything injected a chance to fire
    assert _executed(page) is None
    assert page.seen["dialogs"] == [] and page.seen["outside"] == []
    injected = page.locator(
        "#newsqa-chat img, #newsqa-sources img, #newsqa-viewer img, #newsqa-library img, "
        "a[href^='javascript'], #newsqa-chat script, #newsqa-viewer script, .katex"
    )
    assert injected.count() == 0
    assert not any("evil.example" in u for u in page.seen["requests"])


def test_an_error_shows_beside_the_chat_and_keeps_the_conversation(
    page: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    from playwright.sync_api import expect

    answer = ask(page, SEED_QUESTION)
    expect(answer).to_contain_text("Shoigu", timeout=WAIT_MS)
    chat = page.locator("#newsqa-chat")
    before = chat.inner_text()
    page.fill("#newsqa-question textarea", "   ")
    page.click("#newsqa-ask")
    toast = page.get_by_text("empty", exact=False).last
    expect(toast).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("button", name="Settings").click()
    page.get_by_label("From date").fill("<b>May</b> 2024")
    page.fill("#newsqa-question textarea", SEED_QUESTION)
    page.click("#newsqa-ask")
    expect(page.get_by_text("<b>May</b> 2024", exact=False).last).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    assert chat.inner_text() == before and "Shoigu" in before
    assert chat.get_by_text("Error", exact=True).count() == 0
    assert page.seen["errors"] == []
    out, err = capfd.readouterr()  # the server runs in this process
    assert "Traceback" not in out + err


def test_an_upload_of_exactly_the_limit_is_added_cleanly(
    page: Any, hostile_server: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    text = "Limit harbour news\n\n" + "The pier of Limitville opened on Tuesday. " * 200
    article = tmp_path / "limit.txt"
    article.write_bytes(text.encode()[: LIMIT - 1] + b"\n")
    assert article.stat().st_size == LIMIT
    over = tmp_path / "over.txt"
    over.write_bytes(text.encode()[:LIMIT] + b"\n")
    page.get_by_role("tab", name="Library").click()
    page.locator("#newsqa-upload input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_text("Added limit.txt")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#newsqa-library")).to_contain_text("limit.txt")
    page.wait_for_timeout(500)
    assert page.get_by_text("Error", exact=True).count() == 0
    assert page.seen["errors"] == []
    assert (hostile_server["root"] / "corpus" / "limit.txt").stat().st_size == LIMIT


def test_a_hostile_upload_name_is_reported_literally(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    name = "<img src=q onerror=window.__xss=7> $$x^2$$ [a](javascript:b).txt"
    bad = tmp_path / name
    bad.write_bytes(b"\x00\x01binary")
    page.get_by_role("tab", name="Library").click()
    page.locator("#newsqa-upload input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Add to the library").click()
    # Gradio itself drops <, >, $ and : from uploaded names; the rest must show as typed.
    refusal = page.get_by_text("binary file, not text")
    expect(refusal).to_be_visible(timeout=WAIT_MS)
    assert "onerror=window.__xss=7" in refusal.inner_text()
    assert "x^2 [a](javascriptb).txt" in refusal.inner_text()
    page.wait_for_timeout(500)
    assert _executed(page) is None and page.seen["outside"] == []
    assert page.locator("img[src='q'], a[href^='javascript'], .katex").count() == 0
