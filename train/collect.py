"""Run the retrieval pipeline over a labelled Q&A set and keep what training needs.

For every question: the BM25 and dense candidate lists (top 50 each, with both scores for
the union, and which chunks are relevant), and for the top-k fused passages every
candidate sentence's features and label (does it contain a gold answer?). Answerable
questions are also re-asked *counterfactually*: with every article that contains one of
their answers removed from the index's scope, which makes realistic unanswerable cases.

Nothing of the articles' text is kept: only numbers, ids and labels.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.features import (
    SENTENCE_FEATURES,
    article_entity_share,
    candidates_of,
    question_level,
    sentence_features,
)
from assistant.answer.ranker import load_model
from assistant.answer.short_answer import PHRASE_FEATURES, phrase_table
from assistant.question import analyse
from assistant.retrieval import Fusion, HybridRetriever, Scope
from eval.metrics import contains_answer, evidence_span, normalise, overlap, short_matches
from index.store import ChunkStore

DEPTH = 50
K = 10


@dataclass
class Case:
    """One question asked once (``counterfactual``: with its answer articles out of scope)."""

    id: str
    group: str
    answerable: bool
    counterfactual: bool
    corpus: str = ""  # which labelled set ("rtqa-dev", "rtqa-train-2023", ...)
    lexical: dict[str, float] = field(default_factory=dict)
    dense: dict[str, float] = field(default_factory=dict)
    relevant: list[str] = field(default_factory=list)
    x: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    first_relevant: int = 0  # rank of the first relevant passage in the top k (0: none)
    words: list[int] = field(default_factory=list)  # words per candidate sentence
    articles: list[str] = field(default_factory=list)  # article per candidate sentence
    terms: list[int] = field(default_factory=list)  # per candidate: its question terms (bits)
    level: list[float] = field(default_factory=list)  # question-level confidence features
    ent_article: list[float] = field(default_factory=list)  # per candidate
    # The short answer's candidates (assistant.answer.focus) in the two sentences the committed
    # ranker puts first: features, labels (a gold answer?) and each one's sentence (an
    # index into x).
    phrase_x: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    phrase_y: list[int] = field(default_factory=list)
    phrase_sentence: list[int] = field(default_factory=list)


def supporting(raws: list[dict[str, Any]]) -> list[str]:
    """Every article that supports a question (``doc`` and ``also``), in question order."""
    wanted: list[str] = []
    for raw in raws:
        for doc in [raw.get("doc")] + [s["doc"] for s in raw.get("also") or []]:
            if doc and doc not in wanted:
                wanted.append(doc)
    return wanted


def askable(raws: list[dict[str, Any]], have: set[str]) -> list[dict[str, Any]]:
    """The questions a subset can label: every unanswerable one, and the answerable ones whose
    supporting articles (``doc`` and every ``also``) are all in ``have``. A question whose
    support is partly left out would count passages of an article that is not indexed as
    relevant (``_supports`` reads it), so it is skipped rather than mislabelled."""
    return [r for r in raws if not r.get("answers") or set(supporting([r])) <= have]


def subset_name(raws: list[dict[str, Any]], limit: int) -> str:
    """The folder name of ``dev_subset``'s copy: ``corpus-N``, N the number of articles."""
    return f"corpus-{len(supporting(raws)) if limit < 0 else limit}"


def dev_subset(folder: Path, raws: list[dict[str, Any]], limit: int, out: Path) -> list[str]:
    """Copy into ``out`` every article that supports a question (``doc`` and ``also``), then
    others in name order, ``limit`` in all (0: every article; below 0: only the supporting
    ones). Deterministic."""
    import shutil

    names = sorted(p.name for p in folder.iterdir() if p.suffix == ".txt")
    wanted = supporting(raws)
    taken = set(wanted)
    if limit < 0:
        chosen = wanted
    else:
        chosen = names if limit == 0 else (wanted + [n for n in names if n not in taken])[:limit]
    out.mkdir(parents=True, exist_ok=True)
    for stale in set(p.name for p in out.iterdir()) - set(chosen):
        (out / stale).unlink()
    for name in chosen:
        if not (out / name).exists():
            shutil.copyfile(folder / name, out / name)
    return chosen


def week_of(raw: dict[str, Any]) -> str:
    """The quiz week a question belongs to (its group for cross-validation)."""
    source = str(raw.get("source_id") or raw.get("id"))
    match = re.match(r"(\d{8})", source) or re.search(r"(\d{8})", str(raw.get("id")))
    return match.group(1) if match else str(raw.get("id"))


def answer_articles(corpus: Path, answers: list[str], names: list[str], cache: dict) -> set[str]:
    """Articles whose text contains one of ``answers`` (normalised)."""
    wanted = [normalise(a) for a in answers if normalise(a)]
    found = set()
    for name in names:
        if name not in cache:
            cache[name] = normalise((corpus / name).read_text(encoding="utf-8"))
        if any(a in cache[name] for a in wanted):
            found.add(name)
    return found


def _supports(raw: dict[str, Any], corpus: Path) -> list[tuple[str, tuple[int, int]]]:
    """Where the question's evidence lies: (article, span) for ``doc`` and each ``also``."""
    out = []
    for doc, evidence in [(raw.get("doc"), raw.get("evidence"))] + [
        (s["doc"], s["evidence"]) for s in raw.get("also") or []
    ]:
        if doc and evidence:
            span = evidence_span((corpus / doc).read_text(encoding="utf-8"), evidence)
            if span:
                out.append((doc, span))
    return out


def _covers(article: str, start: int, end: int, supports) -> bool:
    """From a supporting article and covering at least half of its evidence."""
    return any(
        doc == article and 2 * overlap((start, end), span) >= span[1] - span[0]
        for doc, span in supports
    )


def _relevant(store: ChunkStore, ids: list[str], supports) -> list[str]:
    return [
        cid
        for cid, item in store.fetch(ids).items()
        if _covers(item.chunk.article, item.chunk.start, item.chunk.end, supports)
    ]


@dataclass
class ReaderCase:
    """One answerable question's candidate sentences *with their texts*, for the neural
    reader (``train.reader``): the same retrieval, candidates and answer labels as
    ``collect_case``, plus the strong label (the sentence lies on the question's evidence).
    It holds third-party text: cached under .data/ only, never committed."""

    id: str
    group: str
    corpus: str
    question: str
    texts: list[str]  # each candidate's body (the text the features read)
    x: np.ndarray  # SENTENCE_FEATURES, as collect_case computes them
    y: np.ndarray  # holds a gold answer (collect_case's label)
    evidence: list[int]  # holds a gold answer and overlaps the evidence of a supporting article
    answerable: bool = True  # (read by train.leave_one_out.ranker_on)


def reader_case(store: ChunkStore, raw: dict[str, Any], corpus: Path, name: str) -> ReaderCase:
    """``raw`` (answerable) asked over the whole index, as ``collect_case`` asks it."""
    answers = list(raw.get("answers") or [])
    q = analyse(raw["question"], store.model)
    passages = HybridRetriever(store).retrieve(q, K, Scope())
    cands = candidates_of(passages)
    supports = _supports(raw, corpus)
    y = [int(contains_answer(c.text, answers)) for c in cands]
    on_evidence = [
        any(doc == c.passage.article and overlap(c.span, span) > 0 for doc, span in supports)
        for c in cands
    ]
    x = sentence_features(q, cands, passages, store.lexical) if cands else np.zeros((0, 0))
    return ReaderCase(
        str(raw["id"]),
        week_of(raw),
        name,
        str(raw["question"]),
        [c.body for c in cands],
        x,
        np.asarray(y, dtype=np.float64),
        [int(a and b) for a, b in zip(y, on_evidence, strict=True)],
    )


def save_reader_cases(path: Path, cases: list[ReaderCase]) -> None:
    rows = [{**vars(c), "x": c.x.tolist(), "y": c.y.tolist()} for c in cases]
    path.write_text(json.dumps(rows), encoding="utf-8")


def load_reader_cases(path: Path) -> list[ReaderCase]:
    out = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        row["x"] = np.asarray(row["x"], dtype=np.float64).reshape(len(row["y"]), -1)
        row["y"] = np.asarray(row["y"], dtype=np.float64)
        out.append(ReaderCase(**row))
    return out


def collect_case(
    store: ChunkStore, raw: dict[str, Any], corpus: Path, scope: Scope, counterfactual: bool
) -> Case:
    answers = list(raw.get("answers") or [])
    q = analyse(raw["question"], store.model)
    retriever = HybridRetriever(store, Fusion(candidates=DEPTH))
    lexical, dense = retriever.scores(q, scope)
    case = Case(str(raw["id"]), week_of(raw), bool(answers) and not counterfactual, counterfactual)
    case.lexical, case.dense = lexical, dense
    supports = _supports(raw, corpus) if case.answerable else []
    if case.answerable:
        case.relevant = _relevant(store, sorted(set(lexical) | set(dense)), supports)
    passages = HybridRetriever(store).retrieve(q, K, scope)
    cands = candidates_of(passages)
    if cands:
        case.x = sentence_features(q, cands, passages, store.lexical)
        case.y = np.array(
            [float(case.answerable and contains_answer(c.text, answers)) for c in cands]
        )
        case.words = [len(c.text.split()) for c in cands]
        case.articles = [c.passage.article for c in cands]
        bits = {t: 1 << i for i, t in enumerate(sorted(q.terms))}
        case.terms = [sum(bits[t] for t in q.terms & c.terms) for c in cands]
        _phrases(case, q, cands, answers, store)
        case.level = question_level(q, passages, store.lexical).tolist()
        case.ent_article = [article_entity_share(q, passages, c.passage.article) for c in cands]
    covering = (_covers(p.article, p.start, p.end, supports) for p in passages)
    case.first_relevant = next((r for r, hit in enumerate(covering, start=1) if hit), 0)
    return case


@functools.cache
def _committed_ranker() -> Any:
    return load_model("ranker", SENTENCE_FEATURES)


def _phrases(case: Case, q: Any, cands: list, answers: list[str], store: ChunkStore) -> None:
    probs = _committed_ranker().softmax(case.x)
    order = np.argsort(-probs, kind="stable")
    ranked = [cands[i] for i in order]
    phrases, case.phrase_x = phrase_table(
        q, ranked, probs[order], case.x[order, 0], store.model.embed_phrases
    )
    case.phrase_y = [int(case.answerable and short_matches(p.text, answers)) for p in phrases]
    case.phrase_sentence = [int(order[p.sentence]) for p in phrases]


def save_cases(path: Path, cases: list[Case]) -> None:
    rows = []
    for c in cases:
        rows.append(
            {
                "id": c.id,
                "group": c.group,
                "answerable": c.answerable,
                "counterfactual": c.counterfactual,
                "corpus": c.corpus,
                "lexical": c.lexical,
                "dense": c.dense,
                "relevant": c.relevant,
                "x": c.x.tolist(),
                "y": c.y.tolist(),
                "first_relevant": c.first_relevant,
                "words": c.words,
                "articles": c.articles,
                "terms": c.terms,
                "phrase_x": c.phrase_x.tolist(),
                "phrase_y": c.phrase_y,
                "phrase_sentence": c.phrase_sentence,
                "level": c.level,
                "ent_article": c.ent_article,
            }
        )
    path.write_text(json.dumps(rows), encoding="utf-8")


def load_cases(path: Path) -> list[Case]:
    cases = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        case = Case(row["id"], row["group"], row["answerable"], row["counterfactual"])
        for key, value in row.items():
            setattr(case, key, value)
        case.x = np.asarray(row["x"], dtype=np.float64).reshape(len(row["y"]), -1)
        case.y = np.asarray(row["y"], dtype=np.float64)
        case.phrase_x = np.asarray(row["phrase_x"], dtype=np.float64).reshape(
            len(row["phrase_y"]), len(PHRASE_FEATURES)
        )
        cases.append(case)
    return cases
