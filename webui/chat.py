"""The chat's events and the ``/ask`` API: an answer streamed into this session's chat one
cited sentence at a time (the LLM's text as it arrives), with its source cards."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.conversation import Turn
from assistant.domain import Answer
from assistant.serialization import answer_to_dict
from index.errors import NewsqaError
from webui.backend import Backend
from webui.errors import notice, unchanged, user_error
from webui.render import answer_markdown, esc, sources_html
from webui.viewer import Viewer

if TYPE_CHECKING:
    from index.library import ArticleFilter

Step = tuple[Any, list, list[Answer], Any, Any]  # question box, chat, answers, cards, viewer


def parse_filter(sources: Sequence[str] | None, date_from: str, date_to: str) -> ArticleFilter:
    from index.library import ArticleFilter

    dates = []
    for label, value in (("From", date_from), ("To", date_to)):
        value = (value or "").strip()
        try:
            dates.append(dt.date.fromisoformat(value).isoformat() if value else None)
        except ValueError as exc:
            raise NewsqaError(f"{label} date must look like 2024-05-31, not {value!r}") from exc
    return ArticleFilter(frozenset(sources or ()), dates[0], dates[1])


class Chat:
    """Per-session values (the chat, its answers) come in as arguments; only the backend is
    shared."""

    def __init__(self, backend: Backend, viewer: Viewer, stream_delay: float = 0.12) -> None:
        self.backend, self.viewer, self.stream_delay = backend, viewer, stream_delay

    def ask_api(self, question: str, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question from the indexed articles: the JSON of `newsqa ask --json`.

        ``history``: the conversation's earlier questions, oldest first (optional)."""
        b = self.backend
        try:
            if history is not None and not (
                isinstance(history, list) and all(isinstance(q, str) for q in history)
            ):
                raise NewsqaError("history must be a list of earlier questions (strings)")
            answer = b.ask(question, history=history or (), answerer=b.default_answerer)
            return answer_to_dict(answer)
        except NewsqaError as exc:
            raise user_error(exc) from exc

    def respond(
        self,
        question: str,
        history: list,
        answers: list[Answer],
        k: float,
        sources: list[str] | None,
        date_from: str,
        date_to: str,
        answerer: str | None = None,
    ) -> Iterator[Step]:
        """Stream the answer into this session's chat, one cited sentence at a time."""
        b = self.backend
        try:
            flt = parse_filter(sources, date_from, date_to)
            earlier = [
                Turn(a.question, a.text, tuple(c.article for c in a.citations)) for a in answers
            ]
            if (answerer or b.default_answerer) == "llm":
                answer = yield from self.stream_llm(question, history, answers, int(k), flt)
            else:
                answer = b.ask(question or "", int(k), flt, earlier)
        except Exception as exc:  # shown beside the chat; the chat itself stays as it was
            notice(exc)
            yield unchanged(5)
            return
        yield from self._show(answer, history, answers)

    def _show(self, answer: Answer, history: list, answers: list[Answer]) -> Iterator[Step]:
        """The answer's sentences one by one after the user's question, and its cards."""
        import gradio as gr

        turn, answers = len(answers), [*answers, answer]
        history = [*history, {"role": "user", "content": esc(answer.question)}]
        steps = len(answer.sentences())
        for shown in range(1, steps + 1):
            reply = {"role": "assistant", "content": answer_markdown(answer, turn, shown)}
            cleared = "" if shown == 1 else gr.skip()  # keep what the user types meanwhile
            viewer = self.viewer.follow(answers) if shown == 1 else gr.skip()
            yield cleared, [*history, reply], answers, sources_html(answer, turn), viewer
            if shown < steps:
                time.sleep(self.stream_delay)

    def stream_llm(
        self, question: str, history: list, answers: list[Answer], k: int, flt: ArticleFilter
    ) -> Generator[Step, None, Answer]:
        """issue 9: the LLM's text as it arrives (unverified, marked so); returns the Answer."""
        import queue

        import gradio as gr

        pieces: queue.Queue[str | None] = queue.Queue()
        result: list[Answer | NewsqaError] = []

        def work() -> None:
            try:
                result.append(
                    self.backend.ask(
                        question or "",
                        k,
                        flt,
                        answerer="llm",
                        history=[a.question for a in answers],
                        on_text=pieces.put,
                    )
                )
            except NewsqaError as exc:
                result.append(exc)
            finally:
                pieces.put(None)

        threading.Thread(target=work, daemon=True).start()
        user = {"role": "user", "content": esc(question or "")}
        text, first = "", True
        while (piece := pieces.get()) is not None:
            text += piece
            draft = f"{esc(text)}<p class='newsqa-notice'>checking against the sources …</p>"
            reply = {"role": "assistant", "content": draft}
            yield ("" if first else gr.skip()), [*history, user, reply], answers, *unchanged(2)
            first = False
        if isinstance(result[0], NewsqaError):
            raise result[0]
        return result[0]
