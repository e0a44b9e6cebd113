"""The app's errors, and how an error becomes a message at this edge: a warning toast beside
the chat (outputs left as they were) or, for an API caller, a ``gr.Error`` with its message."""

from __future__ import annotations

import html
import logging
from typing import Any

from index.errors import NewsqaError

log = logging.getLogger(__name__)


class BindingError(NewsqaError):
    """The app would listen beyond this machine without a password."""


def user_error(exc: Exception) -> Exception:
    """An error for the API caller: its message only; the traceback goes to the debug log."""
    import gradio as gr

    log.debug("request refused: %s", exc, exc_info=exc)
    return gr.Error(str(exc), print_exception=False)


def notice(exc: Exception) -> None:
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


def unchanged(count: int) -> tuple[Any, ...]:
    """What a handler returns after a notice: each of its ``count`` outputs as it was."""
    import gradio as gr

    return tuple(gr.skip() for _ in range(count))
