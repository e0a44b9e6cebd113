"""In a real headless Chromium (issue 19): the viewer follows the latest answer, and
conversations kept in the browser survive a reload, reopen with working citations, and can
be deleted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.conversation import Turn
from tests.test_browser import WAIT_MS, app_server, ask, browser, session
from tests.test_ui import UNANSWERABLE

pytestmark = pytest.mark.browser
__all__ = ["app_server", "browser", "session"]  # fixtures shared with test_browser

JULY = "Where did Lavrov and Wang Yi meet in July?"
CONCERT = "How many people died in the shooting at the concert venue near Moscow?"


def test_the_viewer_follows_the_latest_answer(
    session: tuple[Any, list[str]], app_server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page, _ = session
    one = app_server["assistant"].ask(JULY)
    before = Turn(JULY, one.text, tuple(c.article for c in one.citations))
    two = app_server["assistant"].ask(CONCERT, history=[before])  # as the chat asks it
    assert one.citations[0].article != two.citations[0].article  # two different articles
    ask(page, JULY)
    first = page.locator('#newsqa-chat [data-testid="bot"]').first  # (ask gives the last)
    first.locator(".newsqa-marker", has_text="[1]").click()
    viewer = page.locator("#newsqa-viewer")
    expect(viewer.locator("mark[data-n='1']")).to_have_text(one.citations[0].quote)
    ask(page, CONCERT)
    # the new answer's first citation, never the first answer's highlight
    expect(viewer).to_contain_text("Source of answer 2", timeout=WAIT_MS)
    expect(viewer.locator("mark[data-n='1']")).to_have_text(two.citations[0].quote)
    assert one.citations[0].quote not in viewer.locator("mark").all_text_contents()
    # a marker of the earlier answer opens that answer's source, saying which it is
    first.locator(".newsqa-marker", has_text="[1]").click()
    expect(viewer).to_contain_text("Source of answer 1", timeout=WAIT_MS)
    expect(viewer).to_contain_text("an earlier answer")
    expect(viewer.locator("mark[data-n='1']")).to_have_text(one.citations[0].quote)
    ask(page, UNANSWERABLE)  # a refusal: back to the placeholder
    expect(viewer).to_contain_text("Click a [n] marker", timeout=WAIT_MS)
    expect(viewer.locator("mark")).to_have_count(0)


def _choose(page: Any, title: str) -> None:
    page.locator("#newsqa-conversations input").click()
    page.get_by_role("option", name=re.compile(re.escape(title))).click()


def test_conversations_survive_a_reload_and_reopen(
    browser: Any, app_server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_server["url"])
    ask(page, JULY)
    may = ask(page, "And in May?")
    expect(may).to_contain_text("Astana")
    page.reload()
    bots = page.locator('#newsqa-chat [data-testid="bot"]')
    expect(bots).to_have_count(0)  # a reload starts with an empty chat ...
    _choose(page, JULY)  # ... and lists the conversation, which reopens whole
    expect(bots).to_have_count(2, timeout=WAIT_MS)
    expect(bots.last).to_contain_text("Astana")
    expect(page.locator("#newsqa-sources")).to_contain_text("MOSCOW, May 20")
    bots.last.locator(".newsqa-marker", has_text="[1]").click()
    cited = app_server["assistant"].ask("And in May?", history=[JULY]).citations[0]
    expect(page.locator("#newsqa-viewer mark[data-n='1']")).to_have_text(cited.quote)
    again = ask(page, "What did they discuss there?")  # the reopened context goes on
    expect(again).to_contain_text("Searched for")
    second = context.new_page()  # a second tab of the same browser lists it too
    second.goto(app_server["url"])
    _choose(second, JULY)
    expect(second.locator('#newsqa-chat [data-testid="bot"]')).to_have_count(3, timeout=WAIT_MS)
    other = browser.new_context().new_page()  # another browser does not
    other.goto(app_server["url"])
    other.locator("#newsqa-conversations input").click()
    expect(other.get_by_role("option", name=re.compile("Lavrov"))).to_have_count(0)
    other.context.close()
    second.locator("#newsqa-forget").click()  # deleted, it is gone after a reload
    expect(second.locator('#newsqa-chat [data-testid="bot"]')).to_have_count(0, timeout=WAIT_MS)
    page.reload()
    page.locator("#newsqa-conversations input").click()
    expect(page.get_by_role("option", name=re.compile("Lavrov"))).to_have_count(0)
    context.close()


def test_new_conversation_starts_a_fresh_context(session: tuple[Any, list[str]]) -> None:
    from playwright.sync_api import expect

    page, _ = session
    ask(page, JULY)
    page.locator("#newsqa-new").click()
    expect(page.locator('#newsqa-chat [data-testid="bot"]')).to_have_count(0, timeout=WAIT_MS)
    fresh = ask(page, "And in May?")  # nothing to follow: asked as typed
    assert "Searched for" not in fresh.inner_text()


def test_the_confidence_label_has_its_value_in_a_tooltip(session: tuple[Any, list[str]]) -> None:
    page, _ = session
    answer = ask(page, JULY)
    label = answer.locator(".newsqa-confidence")
    assert re.fullmatch(
        r"(high|medium|uncertain — check the source) confidence", label.inner_text().strip()
    )
    assert re.fullmatch(r"confidence 0\.\d\d|confidence 1\.00", label.get_attribute("title") or "")
