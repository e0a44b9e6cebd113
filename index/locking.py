"""One writer per data dir: an OS file lock (``fcntl.flock``) on ``DATA_DIR/write.lock``.

Readers never take it. Writers (``newsqa ingest``, UI uploads and deletions, a rebuild of
the local BM25 index) hold it for a whole change; a second writer, in this process or
another, waits and says so once. Within a process the lock is re-entrant for the thread
that holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from index.errors import StoreError

Say = Callable[[str], None]
_LOCKS: dict[str, WriteLock] = {}
_REGISTRY = threading.Lock()


class WriteLock:
    """The write lock of one data dir (``lock_for`` gives the one instance per folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def holder(self) -> str:
        """Who holds the lock, as written into the file by its holder."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or "another process"
        except OSError:
            return "another process"

    @contextlib.contextmanager
    def held(self, say: Say | None = None) -> Iterator[None]:
        """Hold the lock; when another writer has it, ``say`` one line, then wait."""
        if not self._thread.acquire(blocking=False):
            if say:
                where = self.path.parent
                say(f"another writer in this process is changing the index in {where}; waiting")
            self._thread.acquire()
        try:
            if self._depth == 0:
                self._lock_file(say)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()
        finally:
            self._thread.release()

    def _lock_file(self, say: Say | None) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"no permission to read and write the index in {self.path.parent} "
                f"({self.path.name}: {exc.strerror or exc})"
            ) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if say:
                    say(
                        f"{self.holder()} is changing the index in {self.path.parent}; "
                        "waiting for it to finish"
                    )
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"newsqa process {os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _unlock_file(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lock_for(data_dir: Path) -> WriteLock:
    """The one ``WriteLock`` of ``data_dir`` in this process."""
    path = (Path(data_dir) / "write.lock").absolute()
    with _REGISTRY:
        return _LOCKS.setdefault(str(path), WriteLock(path))
