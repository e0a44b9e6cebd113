"""The library tab's events: the table of indexed articles and the choices that depend on
it, uploads and deletion. Each refusal is said in the status and as a notice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import ArticleError, NewsqaError
from webui.backend import Backend
from webui.errors import notice
from webui.render import dates_note, esc, library_rows

if TYPE_CHECKING:
    from index.library import UploadReport


class Library:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def refresh(self) -> tuple[Any, ...]:
        """The library table and every choice that depends on what is indexed."""
        import gradio as gr

        from index.library import dates_of, partial_dates_of, sources_of

        records = self.backend.articles().values()
        dates, partial = dates_of(records), partial_dates_of(records)
        return (
            library_rows(records),
            gr.Dropdown(choices=[r.id for r in records], value=None),
            gr.Dropdown(choices=sources_of(records)),
            dates_note(records, dates, partial),
        )

    def upload(self, files: list[str] | None, progress: Any) -> tuple[Any, ...]:
        """Save and index uploaded files; each refusal is reported with the file's name."""
        from index.library import read_upload

        if not files:
            return self._refusal(NewsqaError("choose one or more .txt, .md or .html files first"))
        limit, uploads, refused = self.backend.settings.max_upload_bytes, [], []
        for path in map(Path, files):
            try:
                uploads.append((path.name, read_upload(path, limit)))
            except (ArticleError, OSError) as exc:
                refused.append(str(exc))
        try:
            report = self._add(uploads, progress)
        except Exception as exc:  # e.g. the corpus folder is not writable: say so, keep the page
            return self._refusal(exc)
        lines = [f"Added {name}" for name in report.saved]
        lines += [f"Refused {msg}" for msg in [*refused, *map(str, report.refused)]]
        lines += [f"Not indexed {err}" for err in (report.ingest.skipped if report.ingest else [])]
        lines += [f"Note: {note}" for note in (report.ingest.warnings if report.ingest else [])]
        return ("\n".join(f"- {esc(line)}" for line in lines), *self.refresh())

    def _add(self, uploads: list[tuple[str, bytes]], progress: Any) -> UploadReport:
        """Save and index the files that were read, beside the asks: under the data dir's
        write lock (another writer first: the progress says so), with the writer store."""
        from index.library import add_uploads

        b = self.backend
        writer = b.writer()

        def waiting(line: str) -> None:
            progress(0, desc=f"waiting: {line}")

        def indexed(done: int, total: int, name: str) -> None:
            progress((done, total), desc=f"indexing {name}", unit="chunks")

        with writer.lock.held(say=waiting):  # saving and indexing are one change
            return add_uploads(
                b.corpus_dir,
                uploads,
                writer,
                max_bytes=b.settings.max_upload_bytes,
                progress=indexed,
            )

    def delete(self, article: str | None) -> tuple[Any, ...]:
        """Delete an article from the index; its file goes to the trash folder."""
        from index.library import delete_article

        b = self.backend
        trash = Path(b.settings.data_dir) / "trash"
        try:
            if not article:
                raise NewsqaError("choose the article to delete first")
            delete_article(b.corpus_dir, article, b.writer(), trash)  # under the write lock
        except Exception as exc:
            return self._refusal(exc)
        return (f"Deleted {esc(article)}; the file is kept in {esc(str(trash))}", *self.refresh())

    def _refusal(self, exc: Exception) -> tuple[Any, ...]:
        """A library action that failed: a notice, the reason in the status (API callers read
        it there) and the library as it is now."""
        notice(exc)
        reason = str(exc) if isinstance(exc, NewsqaError) else f"failed ({type(exc).__name__})"
        return (f"- Not done: {esc(reason)}", *self.refresh())
