"""Chunk size, overlap and title-in-text, compared with BM25 on the whole rtqa-dev corpus.

    .venv/bin/python -m train.tune_chunks        # a few minutes; needs ../shared/data/rtqa-dev

BM25 alone, because it needs no embedding: re-embedding the 25 MB corpus once per setting
takes about an hour each on 2 cores. Fusion weight and candidate depth are tuned on the
full index by `make train` (train/fit.py, retrieval figures). eval/qa.jsonl is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "rtqa-dev"
SETTINGS = [(96, 0), (128, 0), (128, 1), (192, 0), (192, 1)]


def _supports(raw: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [(raw["doc"], raw["evidence"])]
    return pairs + [(s["doc"], s["evidence"]) for s in raw.get("also") or []]


def evaluate(chunks: list[Any], titles: dict[str, str | None], raws, texts, title: bool):
    from index.lexical import LexicalIndex
    from index.records import lexical_text
    from index.terms import terms

    index = LexicalIndex()
    index.add(
        [c.id for c in chunks],
        [c.article for c in chunks],
        [lexical_text(c.text, titles[c.article] if title else None) for c in chunks],
    )
    by_id = {c.id: c for c in chunks}
    hits, rr = 0, 0.0
    for raw in raws:
        found = [cid for cid, _ in index.search(terms(raw["question"]), 10)]
        rank = 0
        for r, cid in enumerate(found, start=1):
            c = by_id[cid]
            for doc, evidence in _supports(raw):
                at = texts[doc].find(evidence) if doc == c.article else -1
                overlap = max(0, min(c.end, at + len(evidence)) - max(c.start, at))
                if at >= 0 and 2 * overlap >= len(evidence):
                    rank = r
                    break
            if rank:
                break
        hits += rank == 1
        rr += 1 / rank if rank else 0.0
    return hits / len(raws), rr / len(raws)


def main() -> int:
    configure_offline()
    if not (DEV / "qa.jsonl").is_file():
        print(f"train.tune_chunks: the dev set {DEV} is missing", file=sys.stderr)
        return 2
    from index.articles import load_articles
    from index.chunking import chunk_article

    raws = [json.loads(x) for x in (DEV / "qa.jsonl").read_text("utf-8").splitlines() if x]
    raws = [r for r in raws if r.get("answers")]
    articles = load_articles(DEV / "articles").articles
    texts = {a.id: a.text for a in articles}
    titles = {a.id: a.meta.title for a in articles}
    print(f"{len(articles)} articles, {len(raws)} answerable questions; BM25 top 10")
    for budget, overlap in SETTINGS:
        chunks = [c for a in articles for c in chunk_article(a, budget, overlap)]
        for title in (False, True):
            hit1, mrr = evaluate(chunks, titles, raws, texts, title)
            print(
                f"  {budget:4d} tokens, overlap {overlap}, title {'in ' if title else 'out'}: "
                f"{len(chunks):6d} chunks  hit@1 {hit1:.3f}  mrr@10 {mrr:.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
