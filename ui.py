"""The browser app: cited answers, source cards, an article viewer and the article library.

The entry point (``python ui.py``, ``newsqa serve``): it builds the Blocks from the parts in
``webui/`` (rendering, handlers, layout, login wall) and serves them. It sits on the
``Assistant`` API and adds no retrieval or answering logic of its own. Gradio is imported
where it is used, so entry points run ``configure_offline`` before it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import NewsqaError
from index.settings import Settings, load_settings
from webui import history
from webui.auth import check_binding, parse_auth, wall
from webui.backend import Backend
from webui.chat import Chat
from webui.layout import CSS, chat_tab, library_tab
from webui.library import Library
from webui.viewer import Viewer

if TYPE_CHECKING:
    import gradio as gr

    from assistant.assistant import Assistant


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The whole app, wired to ``assistant``; nothing is read or started here."""
    import gradio as gr

    backend = Backend(assistant, settings)
    viewer = Viewer(backend)
    chat, library = Chat(backend, viewer), Library(backend)
    with gr.Blocks(title="newsqa", analytics_enabled=False) as app:
        gr.Markdown("## newsqa: answers quoted from your news articles")
        answers = gr.State([])  # this session's answers, for its [n] markers
        kept = gr.BrowserState(  # this browser's conversations (issue 19), never the server's
            [], storage_key=history.STORAGE_KEY, secret=history.browser_secret(settings.data_dir)
        )
        with gr.Tab("Chat"):
            follow, menu = chat_tab(chat, viewer, settings, answers, kept)
        with gr.Tab("Library"):
            refresh = library_tab(library, settings, follow)
        app.load(library.refresh, None, refresh, api_visibility="private")
        app.load(history.listed, [kept], [menu], api_visibility="private")
        gr.api(chat.ask_api, api_name="ask")
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
        serve(load_settings(), host=args.host, port=args.port)
    except NewsqaError as exc:  # one line and exit 2, as the CLI
        print(f"newsqa: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
