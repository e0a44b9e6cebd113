"""Retrieval figures from the training cases: BM25 alone, dense alone, the fusion weights
and candidate depths tried, and the windows served (see train/train.py)."""

from __future__ import annotations

from collections.abc import Sequence

from train.collect import Case


def retrieval_figures(cases: Sequence[Case]) -> dict[str, dict[str, float]]:
    """hit@1 and MRR@10 of BM25 alone, dense alone and the fusion weights tried."""
    rows = [c for c in cases if c.answerable]
    out = {"bm25": _ranks(rows, 1.0), "dense": _ranks(rows, 0.0)}
    for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        out[f"fused_w{w}"] = _ranks(rows, w)
    for depth in (10, 20, 30, 50):
        out[f"fused_w0.3_n{depth}"] = _ranks(rows, 0.3, depth)
    ranks = [c.first_relevant for c in rows]  # of the passages served (windows), top K
    n = max(len(rows), 1)
    out["served"] = {
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
    }
    return out


def _top(scores: dict[str, float], n: int) -> dict[str, float]:
    return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _ranks(rows: Sequence[Case], w: float, depth: int = 50) -> dict[str, float]:
    """The cases hold both legs' top 50 with both scores for their union, so a smaller
    candidate depth is the union of each leg's top ``depth``."""
    hits, rr = 0, 0.0
    for case in rows:
        c = Case(case.id, case.group, case.answerable, case.counterfactual)
        c.lexical, c.dense, c.relevant = _top(case.lexical, depth), dict(case.dense), case.relevant
        keep = set(c.lexical) | set(_top(case.dense, depth))
        c.dense = {cid: s for cid, s in c.dense.items() if cid in keep}
        top = max(c.lexical.values(), default=0.0) or 1.0
        if w >= 1.0:
            fused = {cid: s / top for cid, s in c.lexical.items()}
        elif w <= 0.0:
            fused = dict(c.dense)
        else:
            fused = {
                cid: w * c.lexical.get(cid, 0.0) / top + (1 - w) * max(c.dense.get(cid, 0.0), 0.0)
                for cid in set(c.lexical) | set(c.dense)
            }
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))[:10]
        relevant = set(c.relevant)
        rank = next((r for r, cid in enumerate(ranked, start=1) if cid in relevant), 0)
        hits += rank == 1
        rr += 1 / rank if rank else 0.0
    n = max(len(rows), 1)
    return {"hit@1": round(hits / n, 4), "mrr@10": round(rr / n, 4)}
