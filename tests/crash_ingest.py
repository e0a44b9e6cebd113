"""A child process for the crash test: ingest FOLDER into DATA and die at the commit step STEP.

    python -m tests.crash_ingest DATA FOLDER STEP[:N]

The hook (``ChunkStore.on_step``) ends the process with ``os._exit`` the N-th time (default
the first) the store reaches STEP: nothing is flushed, closed or cleaned up, as after a
kill -9.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CRASHED = 86


def main(data: str, folder: str, step: str) -> None:
    from index.factory import open_store
    from index.ingest import ingest
    from index.offline import configure_offline
    from index.settings import Settings
    from index.store import STEPS

    step, _, nth = step.partition(":")
    assert step in STEPS, step
    left = [int(nth or 1)]
    configure_offline()
    settings = Settings(data_dir=Path(data), corpus_dir=Path(folder), chroma_url=None)
    store = open_store(settings)

    def crash(reached: str) -> None:
        if reached == step:
            left[0] -= 1
            if not left[0]:
                os._exit(CRASHED)

    store.on_step = crash
    ingest(Path(folder), store, bar=False)
    sys.exit(0)  # the step was never reached: the test fails on this code


if __name__ == "__main__":
    main(*sys.argv[1:4])
