"""The article viewer: a click on a ``[n]`` marker or a source card opens the article with
every span of that answer in it highlighted, and says which answer that is; a new answer
opens its own first citation (or the placeholder), so no highlight outlives its answer."""

from __future__ import annotations

import logging
from typing import Any

from assistant.domain import Answer
from index.errors import ArticleError, NewsqaError
from webui.backend import Backend
from webui.errors import notice, unchanged
from webui.render import NO_ARTICLE, spans_for, viewer_html

log = logging.getLogger(__name__)


class Viewer:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def open_article(self, answers: list[Answer], key: dict[str, int]) -> Any:
        """The viewer for a clicked marker or card of one of this session's answers."""
        from index.library import article_text

        try:
            article, spans, focus = spans_for(answers[key["t"]], key)
            records = self.backend.articles()
            text = article_text(self.backend.corpus_dir, article, records.keys())
        except ArticleError as exc:
            notice(exc)
            return unchanged(1)[0]
        except (KeyError, IndexError, StopIteration, TypeError) as exc:
            log.debug("unknown source %r", key, exc_info=exc)
            notice(NewsqaError("that source is no longer available"))
            return unchanged(1)[0]
        turn = key["t"]
        note = f"Source of answer {turn + 1}: “{answers[turn].question}”"
        if turn < len(answers) - 1:
            note += f" (an earlier answer; the latest is answer {len(answers)})"
        return viewer_html(text, article, records[article].meta, spans, focus, note)

    def follow(self, answers: list[Answer]) -> Any:
        """The viewer when a new answer arrives: its first citation opened, or (a refusal)
        the placeholder; never a highlight of another answer."""
        latest = answers[-1] if answers else None
        if latest is None or latest.refused or not latest.citations:
            return NO_ARTICLE
        shown = self.open_article(answers, {"t": len(answers) - 1, "c": latest.citations[0].n})
        return shown if isinstance(shown, str) else NO_ARTICLE
