"""`make bench-scale`: the store at about 10k, 30k and all chunks of the news-scale corpus,
once embedded and once against a `chroma run` server, side by side.

Each measurement runs in its own process, so peak RSS (``ru_maxrss`` from ``wait4``) is
that step's alone: ingest, a warm `ask` process, a cold `newsqa ask`, adding one article
and deleting one. The smallest size is embedded with the real model, and its ingest
throughput is compared with the raw model on (a sample of) the same chunk texts in the
same run. Larger sizes are filled through the same ingest code with a stand-in embedding
(bench/standin.py, a hashed bag-of-words projection) and labelled "stand-in": they measure
the store's own scaling. Questions, answers and the added article always use the real model.
The corpus texts stay outside the repository; subsets are hard-linked (copied across file
systems) into a work folder: ingest skips symlinks that lead out of the folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.chroma_run import ChromaServer
from bench.scale_steps import MODEL, QUESTIONS, STANDIN, place_articles

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "news-scale" / "articles"
BYTES_PER_CHUNK = 826  # measured on the first 150 articles; only picks the subsets


# -- the parent: run steps, measure, print ---------------------------------------------------
def _run(step: str, job: dict[str, Any]) -> tuple[dict[str, Any], float, float]:
    """A step's JSON result, its peak RSS in MB and its CPU seconds (from wait4)."""
    cmd = [sys.executable, "-m", "bench.scale_steps", step, json.dumps(job)]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise RuntimeError(f"{step} failed:\n{err.read().decode(errors='replace')[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return json.loads(out.decode().splitlines()[-1]), usage.ru_maxrss / 1024, cpu


def _cold_ask(job: dict[str, Any]) -> tuple[float, float]:
    """Wall and CPU seconds of `newsqa ask` in a fresh process (page cache warmed first)."""
    env = {**os.environ, "NEWSQA_DATA_DIR": job["data"], "NEWSQA_CORPUS_DIR": job["corpus"]}
    env.pop("NEWSQA_CHROMA_URL", None)
    if job.get("url"):
        env["NEWSQA_CHROMA_URL"] = job["url"]
    cmd = [sys.executable, "-m", "cli", "ask", QUESTIONS[1], "--json"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - began, usage.ru_utime + usage.ru_stime


def _disk_mb(*folders: Path) -> float:
    size = sum(p.stat().st_size for f in folders if f.exists() for p in f.rglob("*") if p.is_file())
    return size / 2**20


def subsets(files: list[Path], sizes: list[str]) -> list[tuple[str, list[Path], Path]]:
    """For each size: the first files whose text makes about that many chunks, and the next
    file (the article added and deleted). "all" keeps back the last file for that."""
    out = []
    for size in sizes:
        if size == "all":
            out.append((size, files[:-1], files[-1]))
            continue
        budget, total, n = int(size) * BYTES_PER_CHUNK, 0, 0
        while n < len(files) - 1 and total < budget:
            total += files[n].stat().st_size
            n += 1
        out.append((size, files[:n], files[n]))
    return out


def measure(work: Path, label: str, chosen: list[Path], extra: Path, **job: Any) -> dict:
    """Every figure of one table row; ``job`` has ``fill``, ``raw_sample`` and ``url``."""
    corpus = work / f"corpus-{label}"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    place_articles(chosen, corpus)
    job = {**job, "corpus": str(corpus), "data": str(work / f"data-{label}")}
    _log(f"{label}: ingest {len(chosen)} articles ({job['fill']})")
    ingested, ingest_rss, _ = _run("_ingest", job)
    row: dict[str, Any] = {"fill": job["fill"], "articles": len(chosen), **ingested}
    row["ingest_rate"] = ingested["embedded"] / ingested["seconds"]
    row["ingest_rss"] = ingest_rss
    if job["fill"] == MODEL:
        _log(f"{label}: raw model on {job['raw_sample']} of the same texts")
        raw, _, _ = _run("_raw", {**job, "sample": job["raw_sample"]})
        row["raw_rate"] = raw["texts"] / raw["seconds"]
        row["ratio"] = row["ingest_rate"] / row["raw_rate"]
        row["cpu_ratio"] = (ingested["embedded"] / ingested["cpu_seconds"]) / (
            raw["texts"] / raw["cpu_seconds"]
        )
    row["disk_mb"] = _disk_mb(
        Path(job["data"]), *([Path(job["server_path"])] if job.get("url") else [])
    )
    _log(f"{label}: warm and cold ask")
    warm, warm_rss, _ = _run("_warm", job)
    row.update(warm, warm_rss=warm_rss)
    row["cold_s"], row["cold_cpu_s"] = _cold_ask(job)
    _log(f"{label}: add and delete one article")
    changed, _, _ = _run("_change", {**job, "extra": str(extra.resolve())})
    row.update(changed)
    return row


def fit(rows: list[dict[str, Any]], key: str) -> tuple[float, float] | None:
    """Least-squares MB = a + b * chunks; (a MB, b KB per chunk), or None under two sizes."""
    points = [(r["chunks"], r[key]) for r in rows]
    if len({x for x, _ in points}) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my - b * mx, b * 1024


HEAD = (
    "| fill | chunks | ingest chunks/s | ÷ raw model | disk MB | ingest RSS MB "
    "| warm ask RSS MB | cold ask s (CPU s) | warm p50 / p95 ms | add 1 s | delete 1 s |"
)


def table(title: str, rows: list[dict[str, Any]]) -> str:
    lines = [f"### {title}", "", HEAD, "|" + "---|" * (HEAD.count("|") - 1)]
    for r in rows:
        ratio = "n/a"
        if "ratio" in r:
            ratio = f"{r['ratio']:.2f} (raw {r['raw_rate']:.1f}/s; CPU-s {r['cpu_ratio']:.2f})"
        lines.append(
            f"| {r['fill']} | {r['chunks']} | {r['ingest_rate']:.1f} | {ratio} "
            f"| {r['disk_mb']:.0f} | {r['ingest_rss']:.0f} | {r['warm_rss']:.0f} "
            f"| {r['cold_s']:.2f} ({r['cold_cpu_s']:.2f}) | {r['p50']:.0f} / {r['p95']:.0f} "
            f"| {r['add']:.1f} | {r['delete']:.1f} |"
        )
    lines.append("")
    fills = {"warm_rss": rows, "ingest_rss": [r for r in rows if r["fill"] == STANDIN]}
    for key, what in (("warm_rss", "warm ask"), ("ingest_rss", "stand-in ingest")):
        got = fit(fills[key], key)
        if got is None:
            lines.append(f"- {what} RSS growth per chunk: needs two sizes")
            continue
        a, kb = got
        at = a + kb * 100_000 / 1024
        lines.append(f"- {what} RSS = {a:.0f} MB + {kb:.2f} KB/chunk (100k chunks: {at:.0f} MB)")
    if rows and "scan" in rows[-1]:
        lines.append(
            f"- add/delete go through `ingest`, which rescans the folder: "
            f"{rows[-1]['scan']:.1f} s of it at {rows[-1]['chunks']} chunks"
        )
    return "\n".join(lines)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--sizes", default="10000,30000,all", help="chunks, comma-separated")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--raw-sample", type=int, default=2000, help="texts for the raw model")
    parser.add_argument("--no-server", action="store_true", help="skip the Chroma server table")
    parser.add_argument(
        "--server-model",
        action="store_true",
        help="embed the smallest size for real on the server too",
    )
    parser.add_argument(
        "--standin-only", action="store_true", help="fill every size with the stand-in"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.json")
    parser.add_argument("--report", type=Path, help="print the tables of a saved --out file")
    parser.add_argument("--work", type=Path, help="keep the indexes here (default: a temp dir)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from index.offline import configure_offline

    configure_offline()
    args = _parse(argv)
    if args.report:
        _report(json.loads(args.report.read_text(encoding="utf-8")))
        return 0
    if not args.corpus.is_dir():
        print(
            f"bench-scale: the news-scale corpus is missing ({args.corpus}): nothing measured",
            file=sys.stderr,
        )
        return 2
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    files = sorted(p for p in args.corpus.iterdir() if p.suffix == ".txt")
    plan = subsets(files, sizes)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsqa-scale-"))
    results: dict[str, list[dict[str, Any]]] = {"embedded": [], "server": []}
    try:
        for i, (size, chosen, extra) in enumerate(plan):
            fill = MODEL if i == 0 and not args.standin_only else STANDIN
            job = {"fill": fill, "raw_sample": args.raw_sample}
            results["embedded"].append(measure(work, f"embedded-{size}", chosen, extra, **job))
            _save(results, args.out)
            if args.no_server:
                continue
            server_path = work / f"server-{size}"
            server = ChromaServer(server_path)
            try:
                job["fill"] = fill if args.server_model else STANDIN
                row = measure(
                    work,
                    f"server-{size}",
                    chosen,
                    extra,
                    **job,
                    url=server.url,
                    server_path=str(server_path),
                )
                row["server_rss"] = server.peak_mb()
                results["server"].append(row)
                _save(results, args.out)
            finally:
                server.stop()
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    _report(results)
    return 0


def _save(results: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Every row so far, after each one (a long run keeps what it measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    _log(f"rows so far in {path}")


def _report(results: dict[str, list[dict[str, Any]]]) -> None:
    print(f"newsqa bench-scale ({os.cpu_count()} cores; one run; RSS = peak of each process)\n")
    print(
        f"fill: '{MODEL}' = embedded with the real model; '{STANDIN}' = chunk and sentence "
        "vectors from a hashed bag-of-words stand-in (store scaling only). Questions, answers "
        "and the added article use the real model in every row.\n"
    )
    print(table("Embedded Chroma (NEWSQA_DATA_DIR)", results["embedded"]))
    if results["server"]:
        print()
        print(
            table("Chroma server (NEWSQA_CHROMA_URL, `chroma run` on 127.0.0.1)", results["server"])
        )
        peaks = ", ".join(f"{r['chunks']}: {r['server_rss']:.0f} MB" for r in results["server"])
        print(f"\nchroma run server peak RSS by chunks: {peaks}")


if __name__ == "__main__":
    sys.exit(main())
