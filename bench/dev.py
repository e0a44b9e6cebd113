"""`make bench`, part two: on the rtqa-dev corpus (../shared/data/rtqa-dev), in one run:

- retrieval hit@1 and MRR@10 of newsqa's hybrid retrieval (passages are windows of up to two
  adjacent chunks), of plain BM25 (bm25s, its own tokenizer) over the same chunks, both as
  single chunks and served in the same windows, and of llama-index's default pipeline
  (SentenceSplitter defaults -> VectorStoreIndex on the same embeddings), with ratios;
- ingest throughput against the raw model on the same texts (counting every text embedded);
- warm `ask` latency p50/p95 over the dev questions;
- the answers side by side (``bench.answers``): the answerer at ``--before`` (default
  the last revision before issue 20's refit models: its models, no neighbourhood reading, no
  full names) and today's, on all the subset's
  questions: accuracy, near misses, short answers, false refusals, p50 and p95.

By default a subset is indexed (every article that supports a question, then others in
name order up to --articles) so that the run takes minutes, not an hour; --articles 0
takes the whole corpus. All three systems index the same articles.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "rtqa-dev"


def _relevant(raw: dict[str, Any], article: str, start: int, end: int, texts: Any) -> bool:
    for doc, evidence in [(raw.get("doc"), raw.get("evidence"))] + [
        (s["doc"], s["evidence"]) for s in raw.get("also") or []
    ]:
        if doc != article or not evidence:
            continue
        at = texts(doc).find(evidence)
        if at >= 0 and 2 * max(0, min(end, at + len(evidence)) - max(start, at)) >= len(evidence):
            return True
    return False


def _score(ranked: list[list[tuple[str, int, int]]], raws, texts) -> dict[str, float]:
    hits, rr = 0, 0.0
    for raw, hits_of in zip(raws, ranked, strict=True):
        rank = next(
            (r for r, (a, s, e) in enumerate(hits_of[:10], 1) if _relevant(raw, a, s, e, texts)),
            0,
        )
        hits += rank == 1
        rr += 1 / rank if rank else 0.0
    return {"hit@1": hits / len(raws), "mrr@10": rr / len(raws)}


def _ours(corpus: Path, work: Path, raws, model) -> tuple[list, dict[str, float], Any, Any]:
    from assistant.factory import assistant_for
    from index.articles import load_articles
    from index.chunking import chunk_article
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    settings = Settings(data_dir=work / "data", corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, model, create=True)
    report = ingest(corpus, store)
    chunks = [c for a in load_articles(corpus).articles for c in chunk_article(a)]
    began = time.perf_counter()
    model.embed([c.text for c in chunks])
    raw_s = time.perf_counter() - began
    assistant = assistant_for(store, settings)
    ranked, latencies = [], []
    assistant.ask("What happened this week?")
    for raw in raws:
        began = time.perf_counter()
        answer = assistant.ask(raw["question"], k=10)
        latencies.append((time.perf_counter() - began) * 1000)
        ranked.append([(p.article, p.start, p.end) for p in answer.passages])
    latencies.sort()
    figures = {
        "chunks": report.chunks,
        "ingest_per_s": report.embedded / report.seconds,
        "model_per_s": len(chunks) / raw_s,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }
    return ranked, figures, chunks, assistant


def _plain_bm25(chunks, raws, windows: bool = False) -> list:
    """bm25s over the same chunks; ``windows``: served as newsqa serves its passages (each
    hit joined with its better-scoring neighbour), to separate window size from ranking."""
    import bm25s

    from assistant.retrieval import plan_windows

    by_id = {c.id: c for c in chunks}
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([c.text for c in chunks], stopwords="en", show_progress=False))
    out = []
    for raw in raws:
        query = bm25s.tokenize([raw["question"]], stopwords="en", show_progress=False)
        found, scores = retriever.retrieve(query, k=min(30, len(chunks)), show_progress=False)
        ranked = [chunks[i].id for i in found[0]]
        if not windows:
            out.append([(by_id[c].article, by_id[c].start, by_id[c].end) for c in ranked[:10]])
            continue
        score = dict(zip(ranked, map(float, scores[0]), strict=True))
        plan = plan_windows(ranked[:20], score, by_id.__contains__, 10)
        out.append([(by_id[c].article, by_id[m[0]].start, by_id[m[-1]].end) for c, m in plan])
    return out


def _llama_default(corpus: Path, raws, model) -> list:
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from index.llama import LlamaMiniLM

    docs = [
        Document(text=p.read_text(encoding="utf-8"), id_=p.name, metadata={"article": p.name})
        for p in sorted(corpus.iterdir())
    ]
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    index = VectorStoreIndex(nodes, embed_model=LlamaMiniLM(model))
    retriever = index.as_retriever(similarity_top_k=10)
    out = []
    for raw in raws:
        found = retriever.retrieve(raw["question"])
        out.append(
            [
                (n.node.metadata["article"], n.node.start_char_idx, n.node.end_char_idx)
                for n in found
            ]
        )
    return out


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    from bench.answers import ISSUE_20

    parser = argparse.ArgumentParser(prog="python -m bench.dev")
    parser.add_argument("--articles", type=int, default=1200, help="0: the whole corpus")
    parser.add_argument(
        "--before",
        default=ISSUE_20,
        help="git revision of the answerer compared with today's (default: the last one "
        "before issue 20's refit models)",
    )
    args = parser.parse_args(argv)
    if not (DEV / "qa.jsonl").is_file():
        print(f"bench.dev: skipped: the dev set {DEV} is missing", file=sys.stderr)
        return 0
    from bench.answers import print_table, side_by_side
    from eval.dataset import load_qa
    from index.embedding import MiniLMEmbedding
    from train.collect import dev_subset

    raws = [json.loads(x) for x in (DEV / "qa.jsonl").read_text("utf-8").splitlines() if x]
    raws = [r for r in raws if r.get("answers")]
    model = MiniLMEmbedding()
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-dev-") as tmp:
        corpus = Path(tmp) / "corpus"
        dev_subset(DEV / "articles", raws, args.articles, corpus)
        cache: dict[str, str] = {}

        def texts(name: str) -> str:
            if name not in cache:
                cache[name] = (corpus / name).read_text(encoding="utf-8")
            return cache[name]

        ours, f, chunks, assistant = _ours(corpus, Path(tmp), raws, model)
        results = {
            "newsqa hybrid": _score(ours, raws, texts),
            "plain BM25": _score(_plain_bm25(chunks, raws), raws, texts),
            "plain BM25, windows": _score(_plain_bm25(chunks, raws, True), raws, texts),
            "llama-index default": _score(_llama_default(corpus, raws, model), raws, texts),
        }
        articles = len(list(corpus.iterdir()))
        items = [
            i for i in load_qa(DEV / "qa.jsonl") if i.doc is None or (corpus / i.doc).is_file()
        ]
        answers = side_by_side(assistant, items, corpus, args.before)
    _print(results, f, articles, len(raws))
    print_table(answers, len(items))
    return 0


def _print(results: dict[str, dict[str, float]], f: dict[str, float], articles: int, n: int):
    ours = results["newsqa hybrid"]
    print(f"\nrtqa-dev: {articles} articles, {f['chunks']:.0f} chunks, {n} answerable questions")
    print(f"  {'retrieval':22}{'hit@1':>8}{'mrr@10':>8}{'hit@1 ratio':>13}{'mrr ratio':>11}")
    for name, r in results.items():
        ratio_hit = ours["hit@1"] / r["hit@1"] if r["hit@1"] else float("inf")
        ratio_mrr = ours["mrr@10"] / r["mrr@10"] if r["mrr@10"] else float("inf")
        print(f"  {name:22}{r['hit@1']:8.3f}{r['mrr@10']:8.3f}{ratio_hit:13.2f}{ratio_mrr:11.2f}")
    print("  (ratios: newsqa / that system; > 1 means newsqa is better)")
    ratio = f["ingest_per_s"] / f["model_per_s"]
    print(
        f"  ingest {f['ingest_per_s']:.1f} chunks/s, model alone {f['model_per_s']:.1f}: "
        f"ratio {ratio:.2f} (target >= 0.7)"
    )
    print(
        f"  warm ask p50 {f['p50_ms']:.1f} ms (target <= 25), p95 {f['p95_ms']:.1f} ms "
        f"(target <= 60): ratios {f['p50_ms'] / 25:.2f} and {f['p95_ms'] / 60:.2f} of target"
    )


if __name__ == "__main__":
    sys.exit(main())
