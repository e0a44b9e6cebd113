"""The browser app: cited answers, source cards, an article viewer and the article library.

It sits on the ``Assistant`` API and adds no retrieval or answering logic of its own.
Gradio is imported where it is used, so entry points run ``configure_offline`` before it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import logging
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.conversation import Turn
from assistant.domain import Answer
from assistant.serialization import answer_to_dict
from index.errors import ArticleError, NewsqaError
from index.settings import Settings
from webui.auth import check_binding, parse_auth, wall
from webui.render import (
    NO_ARTICLE,
    NO_SOURCES,
    answer_markdown,
    dates_note,
    esc,
    sources_html,
    spans_for,
    viewer_html,
)

if TYPE_CHECKING:
    import gradio as gr

    from assistant.assistant import Assistant
    from index.library import ArticleFilter

log = logging.getLogger(__name__)
MB = 1024 * 1024
CSS = """
.newsqa-open { cursor: pointer; }
.newsqa-marker { color: var(--color-accent); font-weight: 600; padding: 0 2px; }
.newsqa-marker:hover, .newsqa-card:hover { text-decoration: underline; }
.newsqa-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 10px; margin: 0 0 8px; }
.newsqa-card blockquote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #f5c542; }
.newsqa-meta { color: var(--body-text-color-subdued); font-size: 0.9em; }
.newsqa-refusal { border-left: 4px solid #d97706; padding: 4px 10px; background: #fff7ed; }
.newsqa-closest { border-style: dashed; }
.newsqa-article { white-space: pre-wrap; line-height: 1.5; max-height: 45vh; overflow-y: auto;
  position: relative; }
.newsqa-article mark { background: #fde68a; }
.newsqa-article mark.newsqa-focus { background: #fbbf24; outline: 2px solid #d97706; }
.newsqa-label { font-weight: 700; color: #b45309; }
.newsqa-notice { color: var(--body-text-color-subdued); font-size: 0.9em; font-style: italic; }
"""
# Markers and cards name their turn and number in classes (the chat's HTML sanitiser keeps
# classes, not data attributes); one document-level listener turns a click into an event.
OPEN_JS = """
if (window.newsqaOpen) document.removeEventListener('click', window.newsqaOpen, true);
window.newsqaOpen = (event) => {
  const el = event.target.closest ? event.target.closest('.newsqa-open') : null;
  if (!el) return;
  event.preventDefault();
  const key = {};
  for (const name of el.classList) {
    const m = /^newsqa-([tcp])(\\d+)$/.exec(name);
    if (m) key[m[1]] = Number(m[2]);
  }
  trigger('click', key);
};
document.addEventListener('click', window.newsqaOpen, true);
"""
SCROLL_JS = """
watch('value', () => {
  const mark = element.querySelector('mark.newsqa-focus') || element.querySelector('mark');
  if (!mark) return;
  const box = mark.closest('.newsqa-article');
  box.scrollTop = mark.offsetTop - box.clientHeight / 3;
  mark.scrollIntoView({block: 'nearest'});
});
"""


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


def _user_error(exc: Exception) -> Exception:
    """An error for the API caller: its message only; the traceback goes to the debug log."""
    import gradio as gr

    log.debug("request refused: %s", exc, exc_info=exc)
    return gr.Error(str(exc), print_exception=False)


def _notice(exc: Exception) -> None:
    """Tell the user beside the chat (a warning toast) and leave every output as it was.

    Raising instead would put an error over the outputs (the whole chat, the viewer)."""
    import gradio as gr

    if isinstance(exc, NewsqaError):  # the toast renders HTML: names and text are escaped
        log.debug("user error: %s", exc, exc_info=exc)
        gr.Warning(html.escape(str(exc)))
        return
    log.error("unexpected %s: %s", type(exc).__name__, exc)
    log.debug("traceback", exc_info=exc)
    gr.Warning(f"Something went wrong ({type(exc).__name__}); the log has the details.")


def _unchanged(count: int) -> tuple[Any, ...]:
    import gradio as gr

    return tuple(gr.skip() for _ in range(count))


class Handlers:
    """What the app's events call. Per-session values (chat, answers) come in as arguments;
    only the assistant, its index and the lock that guards them are shared."""

    def __init__(self, assistant: Assistant, settings: Settings, stream_delay: float = 0.12):
        self.assistant, self.settings, self.stream_delay = assistant, settings, stream_delay
        self.lock = threading.RLock()  # one writer (upload, delete) or one reader at a time

    @property
    def corpus_dir(self) -> Path:
        return self.assistant.store.corpus_dir or Path(self.settings.corpus_dir)

    def ask(
        self,
        question: str,
        k: int | None = None,
        flt: ArticleFilter | None = None,
        history: Sequence[Turn | str] = (),
        **llm: Any,  # answerer, on_text
    ) -> Answer:
        a = self.assistant
        with self.lock:
            if flt is None or not flt.active:
                return a.ask(question, k=k, history=history, **llm)
            allowed = flt.select(a.store.articles())
            if not allowed:
                raise NewsqaError("no article matches the source and date filters")
            return a.ask(question, k=k, articles=allowed, history=history, **llm)

    @property
    def default_answerer(self) -> str:
        """The LLM when one is configured."""
        return "llm" if getattr(self.assistant, "llm", None) is not None else "extractive"

    def ask_api(self, question: str, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question from the indexed articles: the JSON of `newsqa ask --json`.

        ``history``: the conversation's earlier questions, oldest first (optional)."""
        try:
            if history is not None and not (
                isinstance(history, list) and all(isinstance(q, str) for q in history)
            ):
                raise NewsqaError("history must be a list of earlier questions (strings)")
            answer = self.ask(question, history=history or (), answerer=self.default_answerer)
            return answer_to_dict(answer)
        except NewsqaError as exc:
            raise _user_error(exc) from exc

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
    ) -> Iterator[tuple[Any, list, list[Answer], str]]:
        """Stream the answer into this session's chat, one cited sentence at a time."""
        import gradio as gr

        try:
            flt = parse_filter(sources, date_from, date_to)
            earlier = [
                Turn(a.question, a.text, tuple(c.article for c in a.citations)) for a in answers
            ]
            if (answerer or self.default_answerer) == "llm":
                answer = yield from self.stream_llm(question, history, answers, int(k), flt)
            else:
                answer = self.ask(question or "", int(k), flt, earlier)
        except Exception as exc:  # shown beside the chat; the chat itself stays as it was
            _notice(exc)
            yield _unchanged(4)
            return
        turn, answers = len(answers), [*answers, answer]
        history = [*history, {"role": "user", "content": esc(answer.question)}]
        steps = len(answer.sentences())
        for shown in range(1, steps + 1):
            reply = {"role": "assistant", "content": answer_markdown(answer, turn, shown)}
            cleared = "" if shown == 1 else gr.skip()  # keep what the user types meanwhile
            yield cleared, [*history, reply], answers, sources_html(answer, turn)
            if shown < steps:
                time.sleep(self.stream_delay)

    def stream_llm(
        self, question: str, history: list, answers: list[Answer], k: int, flt: ArticleFilter
    ) -> Iterator[tuple[Any, list, list[Answer], str]]:
        """issue 9: the LLM's text as it arrives (unverified, marked so); returns the Answer."""
        import queue

        import gradio as gr

        pieces: queue.Queue[str | None] = queue.Queue()
        result: list[Answer | NewsqaError] = []

        def work() -> None:
            try:
                result.append(
                    self.ask(
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
            yield ("" if first else gr.skip()), [*history, user, reply], answers, gr.skip()
            first = False
        if isinstance(result[0], NewsqaError):
            raise result[0]
        return result[0]

    def open_article(self, answers: list[Answer], key: dict[str, int]) -> Any:
        """The viewer for a clicked marker or card of one of this session's answers."""
        from index.library import article_text

        try:
            article, spans, focus = spans_for(answers[key["t"]], key)
            with self.lock:
                records = self.assistant.store.articles()
            text = article_text(self.corpus_dir, article, records.keys())
        except ArticleError as exc:
            _notice(exc)
            return _unchanged(1)[0]
        except (KeyError, IndexError, StopIteration, TypeError) as exc:
            log.debug("unknown source %r", key, exc_info=exc)
            _notice(NewsqaError("that source is no longer available"))
            return _unchanged(1)[0]
        return viewer_html(text, article, records[article].meta, spans, focus)

    def library(self) -> tuple[Any, ...]:
        """The library table and every choice that depends on what is indexed."""
        import gradio as gr

        from index.library import dates_of, partial_dates_of, sources_of

        with self.lock:
            records = self.assistant.store.articles().values()
        rows = [
            [r.id, r.meta.title, r.meta.date, r.meta.dateline, r.meta.source, r.chunks]
            for r in records
        ]
        dates, partial = dates_of(records), partial_dates_of(records)
        return (
            [[cell or "" for cell in row] for row in rows],
            gr.Dropdown(choices=[r.id for r in records], value=None),
            gr.Dropdown(choices=sources_of(records)),
            dates_note(records, dates, partial),
        )

    def upload(self, files: list[str] | None, progress: Any) -> tuple[Any, ...]:
        """Save and index uploaded files; each refusal is reported with the file's name."""
        from index.library import add_uploads, read_upload

        if not files:
            return self._refusal(NewsqaError("choose one or more .txt, .md or .html files first"))
        limit, uploads, refused = self.settings.max_upload_bytes, [], []
        for path in map(Path, files):
            try:
                uploads.append((path.name, read_upload(path, limit)))
            except (ArticleError, OSError) as exc:
                refused.append(str(exc))
        try:
            with self.lock:
                report = add_uploads(
                    self.corpus_dir,
                    uploads,
                    self.assistant.store,
                    max_bytes=limit,
                    progress=lambda done, total, name: progress(
                        (done, total), desc=f"indexing {name}"
                    ),
                )
        except Exception as exc:  # e.g. the corpus folder is not writable: say so, keep the page
            return self._refusal(exc)
        lines = [f"Added {name}" for name in report.saved]
        lines += [f"Refused {msg}" for msg in [*refused, *map(str, report.refused)]]
        lines += [f"Not indexed {err}" for err in (report.ingest.skipped if report.ingest else [])]
        return ("\n".join(f"- {esc(line)}" for line in lines), *self.library())

    def _refusal(self, exc: Exception) -> tuple[Any, ...]:
        """A library action that failed: a notice, the reason in the status (API callers read
        it there) and the library as it is now."""
        _notice(exc)
        reason = str(exc) if isinstance(exc, NewsqaError) else f"failed ({type(exc).__name__})"
        return (f"- Not done: {esc(reason)}", *self.library())

    def delete(self, article: str | None) -> tuple[Any, ...]:
        """Delete an article from the index; its file goes to the trash folder."""
        from index.library import delete_article

        trash = Path(self.settings.data_dir) / "trash"
        try:
            if not article:
                raise NewsqaError("choose the article to delete first")
            with self.lock:
                delete_article(self.corpus_dir, article, self.assistant.store, trash)
        except Exception as exc:
            return self._refusal(exc)
        return (f"Deleted {esc(article)}; the file is kept in {esc(str(trash))}", *self.library())


def _chat_column(settings: Settings) -> tuple[Any, ...]:
    """Chat, question box and the settings: passages (k), sources, date range."""
    import gradio as gr

    chatbot = gr.Chatbot(
        label="Chat",
        height=560,
        elem_id="newsqa-chat",
        placeholder="Ask about the articles in the library. Answers quote them: click a [n] "
        "marker to read the source.",
        feedback_options=None,
        buttons=["copy_all"],
        latex_delimiters=[],  # `$$...$$` in an article or a question stays text
    )
    with gr.Row():
        question = gr.Textbox(
            show_label=False,
            placeholder="Ask a question about the articles",
            scale=5,
            elem_id="newsqa-question",
        )
        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="newsqa-ask")
    with gr.Accordion("Settings", open=False):
        k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages to search (k)")
        sources = gr.Dropdown([], multiselect=True, label="Only these sources")
        with gr.Row():
            date_from = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
            date_to = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
        dates_note = gr.HTML(label="Dates")
    return chatbot, question, ask, k, sources, date_from, date_to, dates_note


def _chat_tab(h: Handlers, settings: Settings, answers: Any) -> list[Any]:
    """The chat and its sources; returns the components that follow the library."""
    import gradio as gr

    with gr.Row():
        with gr.Column(scale=3):
            chatbot, question, ask, k, *filters, dates_note = _chat_column(settings)
            answerer = gr.Radio(  # issue 9: shown only when an LLM is configured
                [("Quoted sentences", "extractive"), ("LLM, verified", "llm")],
                value=h.default_answerer,
                label="Answerer",
                visible=h.default_answerer == "llm",
                elem_id="newsqa-answerer",
            )
        with gr.Column(scale=2):
            cards = gr.HTML(NO_SOURCES, js_on_load=OPEN_JS, elem_id="newsqa-sources")
            viewer = gr.HTML(NO_ARTICLE, js_on_load=SCROLL_JS, elem_id="newsqa-viewer")
    inputs = [question, chatbot, answers, k, *filters, answerer]
    outputs = [question, chatbot, answers, cards]
    for event in (question.submit, ask.click):
        event(h.respond, inputs, outputs, api_visibility="private", show_progress="minimal")

    def open_article(answers: list[Answer], evt: gr.EventData) -> str:
        return h.open_article(answers, dict(evt._data or {}))

    open_article.__annotations__["evt"] = gr.EventData  # gradio is not a module global here
    cards.click(open_article, [answers], [viewer], api_visibility="private")
    chatbot.clear(
        lambda: ([], NO_SOURCES, NO_ARTICLE),
        None,
        [answers, cards, viewer],
        api_visibility="private",
    )
    return [filters[0], dates_note]


def _library_tab(h: Handlers, settings: Settings, follow: list[Any]) -> list[Any]:
    """The indexed articles, uploads and deletion; returns what a library change refreshes."""
    import gradio as gr

    table = gr.Dataframe(
        headers=["File", "Title", "Date", "Dateline", "Source", "Chunks"],
        label="Indexed articles",
        interactive=False,
        elem_id="newsqa-library",
    )
    files = gr.File(
        file_count="multiple",
        file_types=[".txt", ".md", ".html"],
        type="filepath",
        elem_id="newsqa-upload",
        label=f"Upload .txt, .md or .html articles ({settings.max_upload_bytes / MB:g} MB each)",
    )
    add = gr.Button("Add to the library", variant="primary")
    with gr.Row():
        article = gr.Dropdown([], label="Article", scale=3, allow_custom_value=True)
        delete = gr.Button("Delete article", variant="stop", scale=1)
    status = gr.Markdown(label="Status", latex_delimiters=[])
    refresh = [table, article, *follow]

    def upload(files: list[str] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return h.upload(files, progress)

    add.click(upload, [files], [status, *refresh], api_name="upload").then(
        lambda: None, None, [files], api_visibility="private"
    )
    delete.click(h.delete, [article], [status, *refresh], api_name="delete")
    return refresh


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The whole app, wired to ``assistant``; nothing is read or started here."""
    import gradio as gr

    h = Handlers(assistant, settings)
    with gr.Blocks(title="newsqa", analytics_enabled=False) as app:
        gr.Markdown("## newsqa: answers quoted from your news articles")
        answers = gr.State([])  # this session's answers, for its [n] markers
        with gr.Tab("Chat"):
            follow = _chat_tab(h, settings, answers)
        with gr.Tab("Library"):
            refresh = _library_tab(h, settings, follow)
        app.load(h.library, None, refresh, api_visibility="private")
        gr.api(h.ask_api, api_name="ask")
    return app


def launch_app(app: gr.Blocks, settings: Settings, host: str, port: int, block: bool = True) -> Any:
    """Serve ``app``: queue on, no share link, no analytics, every asset from this server."""
    check_binding(host, settings.ui_auth)
    app.queue(default_concurrency_limit=settings.ui_concurrency, max_size=64)
    return app.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=parse_auth(settings.ui_auth),
        max_file_size=settings.max_upload_bytes,
        prevent_thread_lock=not block,
        quiet=not block,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        footer_links=["api"],
        css=CSS,
        app_kwargs=wall(settings),
    )


def open_or_build_store(settings: Settings) -> Any:
    """The index; when there is none yet, it is built from ``settings.corpus_dir`` first."""
    from index.embedding import MiniLMEmbedding
    from index.errors import IndexMissingError
    from index.factory import open_store
    from index.ingest import ingest

    model = MiniLMEmbedding()
    try:
        return open_store(settings, model)
    except IndexMissingError:
        print(f"newsqa: no index yet; indexing {settings.corpus_dir} first", file=sys.stderr)
    store = open_store(settings, model, create=True)
    print(ingest(Path(settings.corpus_dir), store).summary(), file=sys.stderr)
    return store


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Start the app (default http://127.0.0.1:7860) and serve until interrupted."""
    from index.offline import configure_offline

    configure_offline()
    host, port = host or settings.ui_host, port or settings.ui_port
    check_binding(host, settings.ui_auth)
    parse_auth(settings.ui_auth)
    from assistant.factory import assistant_for

    store = open_or_build_store(settings)
    launch_app(build_app(assistant_for(store, settings), settings), settings, host, port)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the newsqa chat UI.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860)")
    args = parser.parse_args(argv)
    try:
        serve(Settings(), host=args.host, port=args.port)
    except NewsqaError as exc:
        sys.exit(f"newsqa: error: {exc}")


if __name__ == "__main__":
    main()
