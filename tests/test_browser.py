"""The app in a real headless Chromium (Debian's, never a downloaded one): ask, click [1],
read the highlighted quote; sessions apart; refusals; uploads; nothing fetched off this machine.

Without CI, a missing /usr/bin/chromium skips these tests (`make chromium` installs it);
under CI=true anything that stops the browser from starting fails them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT, SEEDS, build_index, serving
from tests.test_ui import NEW_ARTICLE, NEW_QUESTION, SEED_QUESTION, UNANSWERABLE

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
WAIT_MS = 30_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip on a developer machine without chromium; fail in CI, where it must run."""
    if in_ci():
        pytest.fail(f"the browser test must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"playwright is not installed ({exc})")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: run `make chromium`")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # playwright raises its own Error types
            pytest.fail(f"{CHROMIUM} is installed but does not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[dict[str, Any]]:
    from assistant.factory import assistant_for

    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(SEEDS, root / "corpus")
    settings, store = build_index(root / "data", root / "corpus", model)
    assistant = assistant_for(store, settings)
    with serving(assistant, settings) as (base, _app):
        yield {"url": f"{base}/", "assistant": assistant, "root": root}


@pytest.fixture
def session(browser: Any, app_server: dict[str, Any]) -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser session (own cookies and storage) whose off-machine requests fail."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def guard(route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(app_server["url"])
    yield page, outside
    context.close()
    assert outside == [], f"the page tried to load assets from elsewhere: {outside}"


def ask(page: Any, question: str) -> Any:
    """Ask in the chat; the last bot message once all of it (each marker, or a refusal) is in."""
    bots = page.locator('#newsqa-chat [data-testid="bot"]')
    before = bots.count()
    page.fill("#newsqa-question textarea", question)
    page.click("#newsqa-ask")
    page.wait_for_function(
        """(before) => {
            const bots = document.querySelectorAll('#newsqa-chat [data-testid="bot"]');
            const last = bots[bots.length - 1];
            if (bots.length <= before || !last) return false;
            if (last.querySelector('.newsqa-refusal')) return true;
            const markers = last.querySelectorAll('.newsqa-marker').length;
            const cards = document.querySelectorAll('#newsqa-sources .newsqa-card').length;
            return markers > 0 && markers === cards;
        }""",
        arg=before,
        timeout=WAIT_MS,
    )
    return bots.last


def test_clicking_marker_one_highlights_citation_ones_quote(
    session: tuple[Any, list[str]], app_server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page, _ = session
    expected = app_server["assistant"].ask(SEED_QUESTION)
    assert not expected.refused
    answer = ask(page, SEED_QUESTION)
    expect(answer).to_contain_text(f"[{len(expected.citations)}]", timeout=WAIT_MS)
    assert "[1]" in answer.inner_text()
    answer.locator(".newsqa-marker", has_text="[1]").click()
    mark = page.locator("#newsqa-viewer mark[data-n='1']")
    expect(mark).to_have_count(1, timeout=WAIT_MS)
    assert mark.text_content() == expected.citations[0].quote
    expect(mark).to_be_in_viewport()
    cited = [c for c in expected.citations if c.article == expected.citations[0].article]
    expect(page.locator("#newsqa-viewer mark")).to_have_count(len(cited))
    cards = page.locator("#newsqa-sources .newsqa-card")
    expect(cards).to_have_count(len(expected.citations))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"))
    if os.environ.get("NEWSQA_README_SCREENSHOT"):  # regenerates docs/screenshot.png
        page.set_viewport_size({"width": 1400, "height": 1100})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))


def test_sessions_have_their_own_history_and_refusals_look_different(
    browser: Any, app_server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    pages = []
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        page.goto(app_server["url"])
        pages.append(page)
    first, second = pages
    ask(first, SEED_QUESTION)
    ask(first, "Which anniversary of diplomatic relations did the two nations mark?")
    first.locator('#newsqa-chat [data-testid="bot"]').first.locator(".newsqa-c1").click()
    expected = app_server["assistant"].ask(SEED_QUESTION).citations[0].quote
    expect(first.locator("#newsqa-viewer mark[data-n='1']")).to_have_text(expected)
    refusal = ask(second, UNANSWERABLE)
    expect(refusal.locator(".newsqa-refusal")).to_contain_text("Not found in the articles")
    expect(refusal).to_contain_text("Closest passages")
    assert refusal.locator(".newsqa-marker").count() == 0
    expect(second.locator("#newsqa-sources")).to_contain_text("Closest passages")
    second.locator("#newsqa-sources .newsqa-card").first.click()
    expect(second.locator("#newsqa-viewer mark[data-passage]")).to_have_count(1)
    assert SEED_QUESTION not in second.locator("#newsqa-chat").inner_text()
    assert UNANSWERABLE not in first.locator("#newsqa-chat").inner_text()
    for page in pages:
        page.context.close()


def test_an_upload_in_the_library_tab_can_then_be_cited(
    session: tuple[Any, list[str]], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page, _ = session
    article = tmp_path / "zorblatt.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    page.get_by_role("tab", name="Library").click()
    page.locator("#newsqa-upload input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_text("Added zorblatt.txt")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#newsqa-library")).to_contain_text("zorblatt.txt")
    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, NEW_QUESTION)
    expect(answer).to_contain_text("Maris Kallaste")
