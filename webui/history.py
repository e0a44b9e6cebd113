"""Conversations kept in the browser (issue 19): each reader's past conversations live in
their own browser's localStorage (Gradio's ``BrowserState``, encrypted with this server's
secret), never on the server and never sent anywhere else. A reload or a new tab on the
same browser lists them; each reopens with its answers, source cards and working [n]
markers, and can be deleted; "New conversation" starts a fresh context."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.domain import Answer
from assistant.serialization import answer_from_dict, answer_to_dict
from webui.render import NO_ARTICLE, NO_SOURCES, answer_markdown, esc, sources_html

STORAGE_KEY = "newsqa-conversations"
MAX_CONVERSATIONS = 30  # localStorage holds about 5 MB per site; newest kept
TITLE_CHARS = 60
Kept = list[dict[str, Any]]  # newest first: {"id", "title", "saved", "answers": [...]}


def browser_secret(data_dir: Path) -> str:
    """This server's key for the browser's copy, kept in ``data_dir`` so that a restart can
    still read what browsers hold (made on first use, readable by its owner only)."""
    path = Path(data_dir) / "browser-secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(24)
        path.write_text(secret, encoding="utf-8")
        path.chmod(0o600)
        return secret


def _stored(answer: Answer) -> dict[str, Any]:
    """What is kept of an answer: all but the passages of an answered question (its cards
    are its citations) and the timings."""
    data = answer_to_dict(answer)
    data["passages"] = data["passages"][:5] if answer.refused else []
    data.pop("timings_ms", None)
    return data


def _choices(kept: Kept) -> list[tuple[str, str]]:
    return [(f"{c['title']} ({c['saved']})", c["id"]) for c in kept]


def _valid(kept: Any) -> Kept:
    """The browser's value, or nothing when it is not what this app wrote."""
    if not isinstance(kept, list):
        return []
    return [c for c in kept if isinstance(c, dict) and {"id", "title", "answers"} <= set(c)]


def listed(kept: Any) -> Any:
    """The conversations menu on page load."""
    import gradio as gr

    return gr.update(choices=_choices(_valid(kept)), value=None)


def save(kept: Any, current: str | None, answers: list[Answer]) -> tuple[Kept, str | None, Any]:
    """This conversation, as it is now, first in the browser's list."""
    import gradio as gr

    kept = _valid(kept)
    if not answers:
        return kept, current, gr.skip()
    current = current or uuid.uuid4().hex[:12]
    question = answers[0].question
    title = question if len(question) <= TITLE_CHARS else question[: TITLE_CHARS - 1] + "…"
    entry = {
        "id": current,
        "title": title,
        "saved": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "answers": [_stored(a) for a in answers],
    }
    kept = [entry, *(c for c in kept if c["id"] != current)][:MAX_CONVERSATIONS]
    return kept, current, gr.update(choices=_choices(kept), value=current)


def kept(respond: Callable[..., Iterator[tuple[Any, ...]]]) -> Callable[..., Iterator[Any]]:
    """``respond`` whose every step also saves the conversation in the browser, so that the
    answer on screen is the answer kept (outputs: the steps', then kept, id, menu)."""
    from webui.errors import unchanged

    def respond_and_keep(*inputs: Any) -> Iterator[tuple[Any, ...]]:
        *asked, browser, current = inputs
        for step in respond(*asked):
            answers = step[2]
            saved = save(browser, current, answers) if isinstance(answers, list) else None
            yield (*step, *(saved or unchanged(3)))

    return respond_and_keep


def reopen(kept: Any, chosen: str | None) -> tuple[Any, ...]:
    """The chosen conversation: its chat, answers, the last answer's cards, the viewer's
    placeholder, and its id (so that the next question continues it)."""
    entry = next((c for c in _valid(kept) if c["id"] == chosen), None)
    if entry is None:
        return fresh()[:-1]
    try:
        answers = [answer_from_dict(a) for a in entry["answers"]]
    except (KeyError, TypeError, ValueError):  # written by another version: start afresh
        return fresh()[:-1]
    chat: list[dict[str, str]] = []
    for turn, answer in enumerate(answers):
        chat.append({"role": "user", "content": esc(answer.question)})
        chat.append({"role": "assistant", "content": answer_markdown(answer, turn)})
    cards = sources_html(answers[-1], len(answers) - 1) if answers else NO_SOURCES
    return chat, answers, cards, NO_ARTICLE, entry["id"]


def fresh() -> tuple[Any, ...]:
    """A new conversation: empty chat and answers, placeholders, no id, nothing chosen."""
    import gradio as gr

    return [], [], NO_SOURCES, NO_ARTICLE, None, gr.update(value=None)


def forget(kept: Any, current: str | None) -> tuple[Any, ...]:
    """Forget the current conversation in this browser and start a new one."""
    import gradio as gr

    kept = [c for c in _valid(kept) if c["id"] != current]
    *rest, _ = fresh()
    return kept, *rest, gr.update(choices=_choices(kept), value=None)
