"""The steps of `make bench-scale` (bench/scale.py), each run in a child process so that its
peak RSS is its own: ``python -m bench.scale_steps STEP JSON`` prints the step's result as one
JSON line. Steps: ``_ingest`` (fill the store), ``_raw`` (the raw model on sampled chunk
texts), ``_warm`` (a warm assistant's latencies), ``_change`` (add one article, delete it)."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

QUESTIONS = (
    "What did the Federal Reserve decide about interest rates?",
    "Who won the Super Bowl?",
    "What caused the wildfires in California?",
    "How many people died in the earthquake?",
    "What did the Supreme Court rule?",
    "Which company announced layoffs?",
    "What happened at the NATO summit?",
    "Who was elected president?",
    "What did scientists discover about the new virus variant?",
    "How much did gas prices rise?",
    "What did the United Nations say about the war in Ukraine?",
    "Which team won the World Series?",
    "What new law did Congress pass?",
    "Where did the hurricane make landfall?",
    "What did Elon Musk announce?",
    "Who died at the age of 90?",
    "What is the price of bitcoin?",
    "Why did the airline cancel flights?",
    "What did the report say about climate change?",
    "Which country hosted the Olympic Games?",
)
STANDIN = "stand-in"
MODEL = "model"


def place_articles(files: Iterable[Path], folder: Path) -> None:
    """Put ``files`` into ``folder`` as hard links (copies on another file system). Not
    symlinks: ingest skips a symlink that leads out of the folder it indexes (a rule for the
    user's folders and uploads), so a symlinked subset was an empty index."""
    import os
    import shutil

    for f in files:
        target = folder / f.name
        try:
            os.link(f.resolve(), target)
        except OSError:  # another file system, or links not allowed there
            shutil.copyfile(f, target)


def _settings(job: dict[str, Any]) -> Any:
    from index.settings import Settings

    return Settings(data_dir=job["data"], corpus_dir=job["corpus"], chroma_url=job.get("url"))


def step_ingest(job: dict[str, Any]) -> dict[str, Any]:
    from index.factory import make_client
    from index.ingest import ingest
    from index.store import ChunkStore

    settings = _settings(job)
    if job["fill"] == STANDIN:
        from bench.standin import HashedEmbedding

        model: Any = HashedEmbedding()
    else:
        from index.embedding import MiniLMEmbedding

        model = MiniLMEmbedding()
    store = ChunkStore(make_client(settings), model, settings.data_dir, settings.collection)
    cpu = time.process_time()
    report = ingest(Path(job["corpus"]), store.open(create=True), bar=False)
    return {
        "chunks": report.chunks,
        "embedded": report.embedded,
        "seconds": report.seconds,
        "cpu_seconds": time.process_time() - cpu,
    }


def step_raw(job: dict[str, Any]) -> dict[str, Any]:
    """The raw model on every n-th chunk text of the corpus (the length mix is kept)."""
    from index.articles import load_articles
    from index.chunking import chunk_article
    from index.embedding import MiniLMEmbedding

    texts = [c.text for a in load_articles(Path(job["corpus"])).articles for c in chunk_article(a)]
    every = max(1, len(texts) // job["sample"])
    sample = texts[::every]
    model = MiniLMEmbedding()
    began, cpu = time.perf_counter(), time.process_time()
    model.embed(sample)
    return {
        "texts": len(sample),
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
    }


def step_warm(job: dict[str, Any]) -> dict[str, Any]:
    from assistant.factory import build_assistant

    assistant = build_assistant(_settings(job))
    assistant.ask(QUESTIONS[0])
    latencies = []
    for question in QUESTIONS:
        began = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    return {"p50": statistics.median(latencies), "p95": latencies[int(0.95 * len(latencies))]}


def step_change(job: dict[str, Any]) -> dict[str, Any]:
    """Add one article (real model) and delete it again, each through `ingest`."""
    from index.articles import load_articles
    from index.factory import open_store
    from index.ingest import ingest

    store = open_store(_settings(job))
    corpus, extra = Path(job["corpus"]), Path(job["extra"])
    place_articles([extra], corpus)
    report = ingest(corpus, store, bar=False)
    added = report.seconds
    (corpus / extra.name).unlink()
    report = ingest(corpus, store, bar=False)
    began = time.perf_counter()
    load_articles(corpus)
    scan = time.perf_counter() - began
    return {"add": added, "delete": report.seconds, "scan": scan}


STEPS = {"_ingest": step_ingest, "_raw": step_raw, "_warm": step_warm, "_change": step_change}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in STEPS:
        sys.exit(f"usage: python -m bench.scale_steps {{{','.join(STEPS)}}} JSON")
    from index.offline import configure_offline

    configure_offline()
    print(json.dumps(STEPS[sys.argv[1]](json.loads(sys.argv[2]))))
