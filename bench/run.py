"""`make bench`: ingest and embedding throughput, warm query latency, cold `newsqa ask`.

All figures come from this one run, on this machine, so the ratios are fair; the
absolute numbers move with the machine's load. Peak memory is the maximum resident
set size, as /usr/bin/time reports it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
COPIES = 12  # seeds x 12 = 60 distinct articles


def _corpus(folder: Path) -> Path:
    """60 distinct articles: each seed 12 times, each copy with its own first line."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for i in range(COPIES):
            (folder / f"{seed.stem}-{i:02d}.txt").write_text(
                f"Copy {i} of the report.\n\n{text}", "utf-8"
            )
    return folder


def _questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "qa.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def bench_ingest(work: Path) -> dict[str, float]:
    from assistant.factory import assistant_for
    from index.articles import load_articles
    from index.chunking import chunk_article
    from index.embedding import MiniLMEmbedding
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    began = time.perf_counter()
    model = MiniLMEmbedding()
    load_s = time.perf_counter() - began
    corpus = _corpus(work / "corpus")
    settings = Settings(data_dir=work / "data", corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, model, create=True)
    report = ingest(corpus, store, bar=False)
    texts = [c.text for a in load_articles(corpus).articles for c in chunk_article(a)]
    began = time.perf_counter()
    model.embed(texts)
    raw_s = time.perf_counter() - began
    assistant = assistant_for(store, settings)
    questions = _questions()
    assistant.ask(questions[0])  # warm-up
    latencies = []
    for q in questions:
        began = time.perf_counter()
        assistant.ask(q)
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    return {
        "articles": report.added,
        "chunks": report.chunks,
        "model_load_s": load_s,
        "ingest_chunks_per_s": report.chunks / report.seconds,
        "embed_chunks_per_s": len(texts) / raw_s,
        "queries": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }


def bench_cold_ask(work: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `newsqa ask` in a fresh process. The RSS comes
    from ``wait4`` for that child alone: ``RUSAGE_CHILDREN`` would report this process's own
    peak, which a forked child inherits until it execs."""
    env = {
        **os.environ,
        "NEWSQA_DATA_DIR": str(work / "data"),
        "NEWSQA_CORPUS_DIR": str(work / "corpus"),
    }
    cmd = [sys.executable, "-m", "cli", "ask", "Who invited Wang Yi to Moscow?", "--json"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)  # page cache warm
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"newsqa ask exited with {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    configure_offline()
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        work = Path(tmp)
        f = bench_ingest(work)
        in_process_peak = _peak_mb(resource.RUSAGE_SELF)
        cold, cold_peak = bench_cold_ask(work)
    ratio = f["ingest_chunks_per_s"] / f["embed_chunks_per_s"]
    print(f"newsqa bench  ({os.cpu_count()} cores; one run, figures measured together)")
    print(f"  model load                 {f['model_load_s']:8.2f} s")
    print(
        f"  ingest ({f['articles']:.0f} articles, {f['chunks']:.0f} chunks) "
        f"{f['ingest_chunks_per_s']:8.1f} chunks/s"
    )
    print(f"  embedding model alone      {f['embed_chunks_per_s']:8.1f} chunks/s")
    print(f"  ingest / model alone       {ratio:8.2f}")
    print(f"  warm query p50 ({f['queries']:.0f} q)      {f['p50_ms']:8.1f} ms")
    print(f"  warm query p95             {f['p95_ms']:8.1f} ms")
    print(f"  cold `newsqa ask`          {cold:8.2f} s")
    print(f"  peak RSS, ingest + queries {in_process_peak:8.0f} MB  (Maximum resident set size)")
    print(f"  peak RSS, cold ask         {cold_peak:8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
