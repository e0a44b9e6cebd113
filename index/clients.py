"""The Chroma client a process shares among its stores, renewed when another process wrote.

An embedded Chroma client keeps its vector index in memory and does not see what another
process writes into the same folder; a fresh client reads it from disk. So every store of
one folder in this process shares one ``ClientSource``, and a store that finds a commit
written by another client (the generation stamp names its writer) renews the source once
for that commit. A Chroma server is always current: its source is never renewed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

_SOURCES: dict[str, ClientSource] = {}
_REGISTRY = threading.RLock()  # ``first`` may fail and forget its key meanwhile


class ClientSource:
    """A Chroma client and the id that commits written through it carry."""

    def __init__(self, make: Callable[[], Any], renewable: bool, client: Any = None) -> None:
        self._make = make
        self.renewable = renewable
        self.client = client if client is not None else make()
        self.id = uuid.uuid4().hex
        self._renewed_for: str | None = None
        self._lock = threading.Lock()

    def renew(self, commit: str) -> None:
        """A fresh client that sees ``commit`` (once per commit, whoever asks first)."""
        with self._lock:
            if not self.renewable or self._renewed_for == commit:
                return
            self._renewed_for = commit
            self.client = self._make()
            self.id = uuid.uuid4().hex


def source_for(
    key: str, first: Callable[[], Any], renew: Callable[[], Any], renewable: bool
) -> ClientSource:
    """The one source of ``key`` (a Chroma folder or server URL) in this process: its client
    from ``first``, later ones (when renewed) from ``renew``."""
    with _REGISTRY:
        source = _SOURCES.get(key)
        if source is None:
            source = _SOURCES[key] = ClientSource(renew, renewable, first())
        return source


def forget_source(key: str) -> None:
    with _REGISTRY:
        _SOURCES.pop(key, None)
