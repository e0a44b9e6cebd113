"""In a real headless Chromium: a question, then a follow-up that only makes sense after it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import WAIT_MS, app_server, ask, browser, session

pytestmark = pytest.mark.browser
__all__ = ["app_server", "browser", "session"]  # fixtures shared with test_browser


def test_a_follow_up_question_uses_the_conversation(session: tuple[Any, list[str]]) -> None:
    from playwright.sync_api import expect

    page, _ = session
    first = ask(page, "Where did Lavrov and Wang Yi meet in July?")
    expect(first).to_contain_text("Jakarta", timeout=WAIT_MS)
    assert "Searched for" not in first.inner_text()
    follow = ask(page, "And in May?")
    expect(follow).to_contain_text("Searched for: Where did Lavrov and Wang Yi meet in May?")
    expect(follow).to_contain_text("Astana")
    expect(page.locator("#newsqa-sources")).to_contain_text("MOSCOW, May 20")
