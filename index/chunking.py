"""Pack an article's sentences into chunks under a token budget.

Why these numbers: all-MiniLM-L6-v2 reads at most 256 wordpieces (254 after
[CLS]/[SEP]), and news English runs at about 1.2 wordpieces per cl100k token,
so a chunk must stay under ~200 cl100k tokens to be embedded whole (the
largest 192-token chunk of the seeds is 230 wordpieces). Within that ceiling
we measured budgets 64/96/128/192 with 0/1 sentences of overlap on the dev
split only (eval/dev.jsonl; figures in eval/README.md, under the earlier tuning):
192 tokens without overlap gave the best hit@1 (0.86 vs 0.68-0.77) and answer
accuracy (0.77 vs 0.73). News paragraphs carry their context (who, where,
when) a sentence or two away from the fact asked about, and a larger chunk
keeps both together for BM25 and for the answerer's evidence check; overlap
only duplicated hits in the top k. On the rtqa-dev corpus, BM25 alone
(`python -m train.tune_chunks`) also ranks larger chunks higher (96 tokens hit@1
0.396, 128 tokens 0.425).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from index.articles import Article
from index.sentences import Span, split_sentences

CHUNK_TOKENS = 192
OVERLAP_SENTENCES = 0
MAX_CHUNK_TOKENS = 200  # the model's 256-wordpiece window, in cl100k tokens, with margin


@dataclass(frozen=True)
class Chunk:
    """A span of an article: ``text == article.text[start:end]``; sentences are absolute spans."""

    id: str
    article: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]
    tokens: int


@lru_cache(maxsize=1)
def _encoding() -> Any:
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def chunker_version(budget: int = CHUNK_TOKENS, overlap: int = OVERLAP_SENTENCES) -> str:
    """Recorded in the index: chunks built by another version need a re-index."""
    return f"sentences-cl100k-{budget}-o{overlap}-v1"


def _runs(article: Article) -> list[list[Span]]:
    """Sentences grouped into runs of adjacent segments; removed furniture breaks a run."""
    runs: list[list[Span]] = []
    previous_end: int | None = None
    for start, end in article.segments:
        gap = article.text[previous_end:start] if previous_end is not None else "x"
        if re.sub(r"[\s#>*+\-\d.)]", "", gap):
            runs.append([])
        runs[-1].extend(split_sentences(article.text, start, end))
        previous_end = end
    return [run for run in runs if run]


def _pack(run: list[Span], sizes: list[int], budget: int, overlap: int) -> list[list[int]]:
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(len(run)):
        if current and sum(sizes[j] for j in current) + sizes[i] > budget:
            groups.append(current)
            kept = current[-overlap:] if overlap else []
            if kept and sum(sizes[j] for j in kept) + sizes[i] > budget:
                kept = []
            current = kept
        current.append(i)
    if current:
        groups.append(current)
    return groups


def chunk_article(
    article: Article, budget: int = CHUNK_TOKENS, overlap: int = OVERLAP_SENTENCES
) -> list[Chunk]:
    """Chunks of ``article`` in reading order; ids carry the content hash, so edits get new ids."""
    budget = min(budget, MAX_CHUNK_TOKENS)
    chunks: list[Chunk] = []
    for run in _runs(article):
        sizes = [count_tokens(article.text[s:e]) for s, e in run]
        for group in _pack(run, sizes, budget, overlap):
            start, end = run[group[0]][0], run[group[-1]][1]
            n = len(chunks)
            chunks.append(
                Chunk(
                    id=f"{article.id}:{article.sha256[:12]}:{n}",
                    article=article.id,
                    index=n,
                    start=start,
                    end=end,
                    text=article.text[start:end],
                    sentences=tuple(run[i] for i in group),
                    tokens=sum(sizes[i] for i in group),
                )
            )
    return chunks
