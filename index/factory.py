"""Wire the real index components from settings; a broken or unreadable index becomes one line."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.clients import ClientSource, forget_source, source_for
from index.embedding import MiniLMEmbedding
from index.errors import DamagedIndexError, NewsqaError, StoreError
from index.settings import Settings, check_url
from index.store import ChunkStore

log = logging.getLogger(__name__)
_NO_PERMISSION = ("permission denied", "readonly database", "read-only file system")


def chroma_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "chroma"


def _problem(settings: Settings, exc: Exception) -> StoreError:
    """What went wrong with the index, as one line naming the folder (or server)."""
    log.debug("opening the index failed", exc_info=exc)
    where = settings.chroma_url or str(chroma_dir(settings))
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    if settings.chroma_url:
        return StoreError(f"the Chroma server at {where} failed: {reason}")
    if isinstance(exc, PermissionError) or any(s in reason.lower() for s in _NO_PERMISSION):
        path = getattr(exc, "filename", None) or where
        return StoreError(f"no permission to read and write the index in {path} ({reason})")
    return DamagedIndexError(
        f"the index in {where} is damaged or unreadable ({reason}): "
        "run `newsqa ingest --rebuild` to build it again"
    )


def _forget_client(path: Path) -> None:
    """Chroma caches a client per folder even when it failed to start; drop that one."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def make_client(settings: Settings) -> Any:
    """An embedded Chroma under ``data_dir``, or a Chroma server when ``chroma_url`` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        try:  # settings built in code skip the environment's validation
            url = urlparse(check_url(settings.chroma_url) or "")
        except ValueError as exc:
            raise StoreError(
                f"NEWSQA_CHROMA_URL must look like http://host:port, not {settings.chroma_url!r}"
            ) from exc
        try:
            return chromadb.HttpClient(
                host=url.hostname or "",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain exceptions for connection errors
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url}: {exc}"
            ) from exc
    path = chroma_dir(settings)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb's own, sqlite's and the file system's errors
        _forget_client(path)
        forget_source(str(path.absolute()))
        raise _problem(settings, exc) from exc


def _set_aside(settings: Settings) -> Path:
    """Move a damaged local index out of the way (kept, never deleted) for a rebuild."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = Path(settings.data_dir) / f"damaged-{stamp}"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("chroma", "bm25"):
        source = Path(settings.data_dir) / name
        if source.exists():
            source.rename(target / name)
    _forget_client(chroma_dir(settings))
    forget_source(str(chroma_dir(settings).absolute()))
    return target


def client_source(settings: Settings) -> ClientSource:
    """The Chroma client this process shares among the stores of ``settings``' index."""
    if settings.chroma_url:
        make = lambda: make_client(settings)  # noqa: E731
        return source_for(settings.chroma_url, make, make, renewable=False)
    path = chroma_dir(settings).absolute()

    def fresh() -> Any:  # a new embedded client reads what other processes wrote
        _forget_client(chroma_dir(settings))
        return make_client(settings)

    return source_for(str(path), lambda: make_client(settings), fresh, renewable=True)


def _open(settings: Settings, model: MiniLMEmbedding, create: bool, rebuild: bool) -> ChunkStore:
    source = client_source(settings)
    store = ChunkStore(source.client, model, settings.data_dir, settings.collection, source=source)
    try:
        if rebuild:
            store.drop()
        return store.open(create=create or rebuild)
    except NewsqaError:
        raise
    except Exception as exc:  # a damaged collection, segment or BM25 file
        if not settings.chroma_url:
            _forget_client(chroma_dir(settings))
            forget_source(str(chroma_dir(settings).absolute()))
        raise _problem(settings, exc) from exc


def open_store(
    settings: Settings,
    model: MiniLMEmbedding | None = None,
    *,
    create: bool = False,
    rebuild: bool = False,
) -> ChunkStore:
    """The index named by ``settings``; ``rebuild`` deletes it first (even one built by
    another model or chunker, or a damaged one, which is moved to ``DATA_DIR/damaged-*``),
    ``create`` makes an empty one when there is none."""
    model = model or MiniLMEmbedding()
    try:
        return _open(settings, model, create, rebuild)
    except DamagedIndexError:
        if not rebuild:
            raise
    kept = _set_aside(settings)
    log.warning("the damaged index was moved to %s; building a new one", kept)
    return _open(settings, model, create, rebuild)
