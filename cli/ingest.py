"""`newsqa ingest`: index a folder under the data dir's write lock, or only check the index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.parser import PROG
from index.errors import NewsqaError
from index.settings import Settings


def _say(line: str) -> None:
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Index a folder (checking and repairing the index first); ``--check``: only check."""
    from index.factory import open_store
    from index.ingest import ingest
    from index.locking import lock_for

    if args.check:
        if args.rebuild or args.dir:
            raise NewsqaError("--check takes no folder and no --rebuild")
        return _check(open_store(settings))
    with lock_for(settings.data_dir).held(say=_say):  # one writer per data dir
        store = open_store(settings, create=True, rebuild=args.rebuild)
        folder = args.dir or store.corpus_dir or settings.corpus_dir
        if not Path(folder).is_dir():
            raise NewsqaError(f"{folder} is not a folder")
        report = ingest(Path(folder), store, say=_say)
    print(report.summary())
    return 0


def _check(store: Any) -> int:
    """Report, change nothing: exit 0 when the index is consistent, 1 when it needs repair."""
    from index.consistency import check

    with store.lock.held(say=_say):  # the committed version, not a change half written
        store.refresh()
        report = check(store)
    for line in report.lines():
        print(line)
    print(report.summary() + ("" if report.ok else "; `newsqa ingest` repairs it"))
    return 0 if report.ok else 1
