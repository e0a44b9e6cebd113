"""The generation stamp: written last on every commit, read by every reader before it answers.

``DATA_DIR/bm25/<collection>/GENERATION`` holds the token of the committed version (also in
the manifest) and the id of the Chroma client that wrote it. A reader whose loaded token
differs reloads; one whose client is not the writer's opens a fresh client first (an
embedded Chroma does not see another client's writes otherwise; ``index.clients``).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

NAME = "GENERATION"


@dataclass(frozen=True)
class Stamp:
    token: str | None = None  # None: nothing committed (or an index older than stamps)
    writer: str | None = None


def read_stamp(folder: Path) -> Stamp:
    try:
        data = json.loads((folder / NAME).read_text(encoding="utf-8"))
        return Stamp(str(data["token"]), str(data.get("writer") or "") or None)
    except (OSError, ValueError, KeyError, TypeError):
        return Stamp()


def write_stamp(folder: Path, token: str, writer: str) -> None:
    """Atomically: a reader sees the old stamp or the new one, never a torn one."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f"{NAME}.{uuid.uuid4().hex[:8]}.tmp"
    data = {"token": token, "writer": writer, "pid": os.getpid()}
    staging.write_text(json.dumps(data), encoding="utf-8")
    staging.replace(folder / NAME)
