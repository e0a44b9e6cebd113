"""`make soak`: a busy server, all against 127.0.0.1 and bounded in time.

First a 5 MB single-line upload (exactly the upload limit, thousands of chunks): two clients
ask before it (the baseline) and keep asking while it is indexed; the ask p95 during the
indexing is reported beside the baseline's, and more than ``--max-delay`` seconds between
them fails the run (issue 21: asks never wait for an ingest). Then 20 gradio_client clients
ask 10 questions each against `/ask` while a small upload is indexed.

Prints the error count, latency percentiles and the uploads' outcome, and checks that every
citation still quotes its article exactly (quote == article[start:end]). Exits 1 when
anything failed. The latencies include queueing: the UI answers NEWSQA_UI_CONCURRENCY
requests at a time (default 2); uploads have their own queue and index beside the asks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else
UPLOAD = (
    "Zorblatt Observatory opens in Tartu\n\n"
    "TARTU, March 3, 2031. /ERR/. The Zorblatt Observatory in Tartu was opened on Monday by "
    "astronomer Maris Kallaste, who said its telescope will map comets for a decade.\n\n"
    "The observatory cost 12 million euros and was built in two years.\n"
)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # (began, ended) per ask
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _questions() -> list[str]:
    lines = (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _check(result: dict[str, Any], corpus: Path, tally: Tally) -> None:
    for c in result["citations"]:
        text = (corpus / c["article"]).read_text(encoding="utf-8")
        if text[c["start"] : c["end"]] != c["quote"]:
            with tally.lock:
                tally.mismatches.append(f"{c['article']} [{c['start']}:{c['end']}]")


def _client_run(
    url: str,
    questions: list[str],
    corpus: Path,
    tally: Tally,
    deadline: float,
    client: Any = None,
) -> None:
    from gradio_client import Client

    client = client or Client(url, verbose=False)
    for question in questions:
        began = time.perf_counter()
        try:
            job = client.submit(question, api_name="/ask")
            result = job.result(timeout=max(1.0, deadline - time.monotonic()))
        except Exception as exc:  # every failure is counted and shown, none stops the run
            with tally.lock:
                tally.errors.append(f"{question[:50]!r}: {type(exc).__name__}: {exc}"[:300])
            continue
        ended = time.perf_counter()
        with tally.lock:
            tally.latencies.append(ended - began)
            tally.spans.append((began, ended))
        _check(result, corpus, tally)


def big_text(size: int, seed: int = 21) -> str:
    """``size`` bytes of one line of made-up sentences (no two alike, ASCII, ends in "."),
    from the words of seeds/ in random order: English-like, about 4,700 chunks for 5 MB."""
    import random
    import re

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").iterdir()))
    vocab = sorted({w for w in re.findall(r"[A-Za-z]{3,}", text)})
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        words = rng.choices(vocab, k=rng.randint(10, 20))
        sentence = f"{words[0].capitalize()} {' '.join(words[1:])} {rng.randint(0, 10**6)}. "
        parts.append(sentence)
        length += len(sentence)
    line = "".join(parts)[: size - 1].rstrip()
    return line + "." * (size - len(line))


def _big_phase(url: str, work: Path, corpus: Path, size: int, deadline: float) -> dict[str, Any]:
    """Baseline asks, then asks while a ``size``-byte upload is indexed; their latencies."""
    from gradio_client import Client, handle_file

    pool = _questions()
    base, during = Tally(), Tally()
    with ThreadPoolExecutor(max_workers=2) as threads:
        for f in [
            threads.submit(_client_run, url, pool[i::2][:10], corpus, base, deadline)
            for i in range(2)
        ]:
            f.result()
    path = work / "big.txt"
    path.write_text(big_text(size), encoding="ascii")
    began = time.perf_counter()
    uploader = Client(url, verbose=False)  # kept: a dropped client ends its session
    job = uploader.submit([handle_file(str(path))], api_name="/upload")
    stop = threading.Event()

    def keep_asking(i: int) -> None:
        asker, n = Client(url, verbose=False), 0  # one session each, as a user's tab
        while not stop.is_set() and time.monotonic() < deadline:
            _client_run(url, [pool[(i * 7 + n) % len(pool)]], corpus, during, deadline, asker)
            n += 1

    with ThreadPoolExecutor(max_workers=2) as threads:
        askers = [threads.submit(keep_asking, i) for i in range(2)]
        try:
            status = str(job.result(timeout=max(1.0, deadline - time.monotonic()))[0]).strip()
        except Exception as exc:
            status = f"FAILED: {type(exc).__name__}: {exc}"
        finally:
            stop.set()
        indexed = time.perf_counter() - began
        for f in askers:
            f.result()
    while_indexing = sorted(e - b for b, e in during.spans if b < began + indexed)
    return {
        "status": status,
        "seconds": indexed,
        "baseline": sorted(base.latencies),
        "during": while_indexing,
        "errors": base.errors + during.errors,
        "mismatches": base.mismatches + during.mismatches,
    }


def _upload_run(url: str, work: Path, deadline: float) -> str:
    from gradio_client import Client, handle_file

    path = work / "zorblatt.txt"
    path.write_text(UPLOAD, encoding="utf-8")
    time.sleep(1.0)  # land in the middle of the questions
    uploader = Client(url, verbose=False)  # kept: a dropped client ends its session
    job = uploader.submit([handle_file(str(path))], api_name="/upload")
    status = job.result(timeout=max(1.0, deadline - time.monotonic()))[0]
    return str(status).strip()


def _serve(work: Path) -> tuple[Any, str, Path]:
    import ui
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    corpus = work / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    settings = Settings(data_dir=work / "data", corpus_dir=corpus, chroma_url=None, ui_auth=None)
    store = open_store(settings, create=True)
    ingest(corpus, store, bar=False)
    app = ui.build_app(assistant_for(store, settings), settings)
    port = _free_port()
    ui.launch_app(app, settings, HOST, port, block=False)
    return app, f"http://{HOST}:{port}/", corpus


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="per client")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run")
    parser.add_argument(
        "--big-mb", type=float, default=5.0, help="the big upload's size in MB (0: none)"
    )
    parser.add_argument(
        "--max-delay", type=float, default=2.0, help="seconds the big upload may add to ask p95"
    )
    args = parser.parse_args(argv)
    configure_offline()
    pool = _questions()
    tally = Tally()
    big: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="newsqa-soak-") as tmp:
        app, url, corpus = _serve(Path(tmp))
        deadline = time.monotonic() + args.timeout
        try:
            if args.big_mb:
                size = int(args.big_mb * 1024 * 1024)
                big = _big_phase(url, Path(tmp), corpus, size, deadline)
        except BaseException:
            app.close()
            raise
        began = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=args.clients + 1) as threads:
                upload = threads.submit(_upload_run, url, Path(tmp), deadline)
                clients = []
                for i in range(args.clients):
                    mine = [
                        pool[(i * args.questions + j) % len(pool)] for j in range(args.questions)
                    ]
                    clients.append(threads.submit(_client_run, url, mine, corpus, tally, deadline))
                try:
                    upload_status = upload.result(timeout=max(1.0, deadline - time.monotonic()))
                except Exception as exc:
                    upload_status = f"FAILED: {type(exc).__name__}: {exc}"
                    tally.errors.append(f"upload: {upload_status}")
                for future in clients:  # a client that could not even connect is an error
                    try:
                        future.result(timeout=max(1.0, deadline - time.monotonic()))
                    except Exception as exc:
                        tally.errors.append(f"client: {type(exc).__name__}: {exc}"[:300])
        finally:
            app.close()
        wall = time.perf_counter() - began
    failed = _report(args, tally, upload_status, wall)
    return _report_big(args, big) or failed


def _report_big(args: argparse.Namespace, big: dict[str, Any] | None) -> int:
    if big is None:
        return 0
    base, during = big["baseline"], big["during"]
    print(f"big upload: {args.big_mb:g} MB on one line, {big['seconds']:.1f} s to index")
    print(f"  upload       {big['status'].lstrip('- ')}")
    if base:
        print(
            f"  baseline     {len(base)} asks, p50 {_percentile(base, 50):.2f} s, "
            f"p95 {_percentile(base, 95):.2f} s"
        )
    if during:
        print(
            f"  while indexing {len(during)} asks, p50 {_percentile(during, 50):.2f} s, "
            f"p95 {_percentile(during, 95):.2f} s, max {during[-1]:.2f} s"
        )
    for problem in (big["errors"] + big["mismatches"])[:10]:
        print(f"  ! {problem}")
    delay = _percentile(during, 95) - _percentile(base, 95) if base and during else float("inf")
    print(f"  ask p95 delay during the upload: {delay:+.2f} s (limit {args.max_delay:g} s)")
    ok = "Added big.txt" in big["status"] and not big["errors"] and not big["mismatches"]
    return 0 if ok and delay <= args.max_delay else 1


def _report(args: argparse.Namespace, tally: Tally, upload_status: str, wall: float) -> int:
    asked = args.clients * args.questions
    lat = sorted(tally.latencies)
    if "Added zorblatt.txt" not in upload_status and not upload_status.startswith("FAILED"):
        tally.errors.append(f"upload: {upload_status}")
    print(f"soak: {args.clients} clients x {args.questions} questions against /ask on {HOST}")
    print(f"  answered     {len(lat)} of {asked} in {wall:.1f} s")
    print(f"  errors       {len(tally.errors)}")
    if lat:
        print(
            f"  latency      p50 {_percentile(lat, 50):.2f} s, p95 {_percentile(lat, 95):.2f} s, "
            f"max {lat[-1]:.2f} s (queueing included)"
        )
    print(f"  citations    {len(tally.mismatches)} not matching their article text")
    print(f"  upload       {upload_status.lstrip('- ')}")
    for problem in (tally.errors + tally.mismatches)[:10]:
        print(f"  ! {problem}")
    failed = tally.errors or tally.mismatches or len(lat) != asked
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
