"""The layout of the app's two tabs, wired to the handlers, and what runs in the browser:
the style sheet, the click listener of markers and cards, and the viewer's scrolling."""

from __future__ import annotations

from typing import Any

from assistant.domain import Answer
from index.settings import Settings
from webui import history
from webui.chat import Chat
from webui.library import Library
from webui.render import NO_ARTICLE, NO_SOURCES
from webui.viewer import Viewer

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
.newsqa-confidence { cursor: help; }
.newsqa-conf-high { color: #15803d; }
.newsqa-conf-uncertain { color: #b45309; font-weight: 600; }
.newsqa-turn { font-style: italic; }
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


def chat_column(settings: Settings) -> tuple[Any, ...]:
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


def conversations_row() -> tuple[Any, Any, Any]:
    """The conversations kept in this browser: a menu, "New conversation", "Delete"."""
    import gradio as gr

    with gr.Row(equal_height=True):
        menu = gr.Dropdown(
            [],
            value=None,
            label="Conversations (kept in this browser only)",
            scale=4,
            elem_id="newsqa-conversations",
        )
        new = gr.Button("New conversation", scale=1, elem_id="newsqa-new")
        forget = gr.Button("Delete conversation", scale=1, elem_id="newsqa-forget")
    return menu, new, forget


def chat_tab(
    chat: Chat, opener: Viewer, settings: Settings, answers: Any, kept: Any
) -> tuple[list[Any], Any]:
    """The chat and its sources; returns the components that follow the library, and the
    conversations menu (filled on page load from ``kept``, the browser's copy)."""
    import gradio as gr

    current = gr.State(None)  # the id of this conversation in the browser's list
    with gr.Row():
        with gr.Column(scale=3):
            menu, new, forget = conversations_row()
            chatbot, question, ask, k, *filters, dates_note = chat_column(settings)
            answerer = gr.Radio(  # issue 9: shown only when an LLM is configured
                [("Quoted sentences", "extractive"), ("LLM, verified", "llm")],
                value=chat.backend.default_answerer,
                label="Answerer",
                visible=chat.backend.default_answerer == "llm",
                elem_id="newsqa-answerer",
            )
        with gr.Column(scale=2):
            cards = gr.HTML(NO_SOURCES, js_on_load=OPEN_JS, elem_id="newsqa-sources")
            viewer = gr.HTML(NO_ARTICLE, js_on_load=SCROLL_JS, elem_id="newsqa-viewer")
    inputs = [question, chatbot, answers, k, *filters, answerer, kept, current]
    outputs = [question, chatbot, answers, cards, viewer, kept, current, menu]
    respond = history.kept(chat.respond)  # the answer shown is the answer kept
    for event in (question.submit, ask.click):
        event(respond, inputs, outputs, api_visibility="private", show_progress="minimal")
    shown = [chatbot, answers, cards, viewer, current]
    menu.input(history.reopen, [kept, menu], shown, api_visibility="private")
    new.click(history.fresh, None, [*shown, menu], api_visibility="private")
    forget.click(history.forget, [kept, current], [kept, *shown, menu], api_visibility="private")

    def open_article(answers: list[Answer], evt: gr.EventData) -> str:
        return opener.open_article(answers, dict(evt._data or {}))

    open_article.__annotations__["evt"] = gr.EventData  # gradio is not a module global here
    cards.click(open_article, [answers], [viewer], api_visibility="private")
    chatbot.clear(history.fresh, None, [chatbot, *shown[1:], menu], api_visibility="private")
    return [filters[0], dates_note], menu


def library_tab(library: Library, settings: Settings, follow: list[Any]) -> list[Any]:
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
    reload = gr.Button("Reload the library (e.g. after `newsqa ingest`)", size="sm")
    refresh = [table, article, *follow]

    def upload(files: list[str] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return library.upload(files, progress)

    # Uploads and deletions queue on their own (one at a time), never in the asks' slots.
    writes = {"concurrency_limit": 1, "concurrency_id": "library"}
    add.click(upload, [files], [status, *refresh], api_name="upload", **writes).then(
        lambda: None, None, [files], api_visibility="private"
    )
    delete.click(library.delete, [article], [status, *refresh], api_name="delete", **writes)
    reload.click(library.refresh, None, refresh, api_visibility="private")
    return refresh
