"""The index at a few thousand chunks: an article added, changed and deleted leaves no stale
hit, and opening the index loads no per-chunk objects (incremental BM25 against a full
rebuild: test_bm25_segments.py). The bulk of the store is filled through the real ingest
with a cheap stand-in embedding (bench/standin.py); questions and the article under test
use the real model."""

from __future__ import annotations

import gc
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.standin import HashedEmbedding
from index.terms import terms

ARTICLES = 300  # about 8 chunks each
TARGET = "zz_reservoir.txt"
FIRST = (
    "Velmora opens the Quenfarrow reservoir\n\n"
    "VELMORA, March 3. The Quenfarrow reservoir was opened on Tuesday by the mayor of "
    "Velmora, Ilsabet Drannoch, after eleven years of construction. The dam holds "
    "forty million cubic metres of water and will supply the valley's farms.\n"
)
SECOND = (
    "Velmora closes its tramway\n\n"
    "VELMORA, April 9. The Velmora tramway carried its last passengers on Sunday. "
    "The city council voted to replace the trams with electric buses built by Harnwick "
    "Motors, and the depot will become a museum.\n"
)


def _words(rng: random.Random, n: int) -> list[str]:
    syllables = ["ka", "lo", "mer", "tin", "sa", "vo", "rel", "dun", "pi", "gor", "na", "bel"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def write_corpus(folder: Path, articles: int = ARTICLES, seed: int = 7) -> Path:
    """Deterministic articles of pseudo-words: titles, paragraphs, sentences."""
    rng = random.Random(seed)
    vocab = _words(rng, 3000)
    folder.mkdir(parents=True, exist_ok=True)
    for a in range(articles):
        title = " ".join(rng.choices(vocab, k=6)).capitalize()
        paragraphs = []
        for _ in range(16):
            sentences = [
                " ".join(rng.choices(vocab, k=rng.randint(8, 18))).capitalize() + "."
                for _ in range(rng.randint(2, 4))
            ]
            paragraphs.append(" ".join(sentences))
        text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"a{a:04d}.txt").write_text(text, encoding="utf-8")
    return folder


# -- the store at a few thousand chunks ------------------------------------------------------
@pytest.fixture(scope="module")
def big_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store of ~2.5k chunks filled through ``ingest`` with the stand-in embedding."""
    from index.factory import make_client
    from index.ingest import ingest
    from index.settings import Settings
    from index.store import ChunkStore

    root = tmp_path_factory.mktemp("big")
    corpus = write_corpus(root / "corpus")
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, chroma_url=None)
    filler = ChunkStore(make_client(settings), HashedEmbedding(), root / "data", "articles")  # type: ignore[arg-type]
    report = ingest(corpus, filler.open(create=True), bar=False)
    assert report.added == ARTICLES and report.chunks >= 2000
    return {"settings": settings, "corpus": corpus, "chunks": report.chunks}


def _hits_of(store: Any, question: Any, article: str) -> dict[str, list[str]]:
    lexical = [c for c, _ in store.lexical.search(question.query_terms, 50)]
    dense = [c for c, _ in store.dense_search(question.vector, 50)]
    return {
        "bm25": [c for c in lexical if c.startswith(article + ":")],
        "dense": [c for c in dense if c.startswith(article + ":")],
    }


def _consistent(store: Any) -> None:
    assert store.count() == store._collection.count()
    assert sum(r.chunks for r in store.articles().values()) == store.count()


def test_article_added_changed_and_deleted_leaves_no_stale_hit(
    big_index: dict[str, Any], model: Any
) -> None:
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest

    settings, corpus = big_index["settings"], big_index["corpus"]
    store = open_store(settings, model)
    assistant = assistant_for(store, settings)
    (corpus / TARGET).write_text(FIRST, encoding="utf-8")
    report = ingest(corpus, store, bar=False)
    assert (report.added, report.unchanged) == (1, ARTICLES)
    first_ids = set(store.lexical.chunk_ids({TARGET}))
    answer = assistant.ask("Who opened the Quenfarrow reservoir?")
    assert not answer.refused and answer.citations[0].article == TARGET
    assert "Drannoch" in answer.text
    _consistent(store)

    (corpus / TARGET).write_text(SECOND, encoding="utf-8")
    assert ingest(corpus, store, bar=False).updated == 1
    old = assistant.analyse("Who opened the Quenfarrow reservoir?")
    for owner in (store, open_store(settings, model)):  # in this process, and reopened
        assert not first_ids & set(owner.lexical.chunk_ids()) and not owner.fetch(list(first_ids))
        hits = _hits_of(owner, old, TARGET)
        assert not set(hits["bm25"]) & first_ids and not set(hits["dense"]) & first_ids
        assert not owner.lexical.search(terms("Quenfarrow Drannoch"), 10)
        _consistent(owner)
    answer = assistant.ask("Who will build the electric buses in Velmora?")
    assert answer.citations and answer.citations[0].article == TARGET
    assert "Harnwick" in answer.citations[0].quote

    (corpus / TARGET).unlink()
    assert ingest(corpus, store, bar=False).removed == 1
    tram = assistant.analyse("Velmora tramway last passengers electric buses Harnwick")
    for owner in (store, open_store(settings, model)):
        assert TARGET not in owner.articles() and not owner.lexical.chunk_ids({TARGET})
        assert _hits_of(owner, tram, TARGET) == {"bm25": [], "dense": []}
        assert not owner._collection.get(where={"article": TARGET})["ids"]
        _consistent(owner)
    assert all(p.article != TARGET for p in assistant.ask("Who runs the Velmora trams?").passages)


def test_opening_the_index_loads_no_per_chunk_objects(
    big_index: dict[str, Any], model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open + one ask at ~2.5k chunks creates no more Python objects than at 17 chunks,
    reads from Chroma only the ids a query needs, and keeps BM25 in memory-mapped arrays."""
    from chromadb.api.models.Collection import Collection

    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.settings import Settings
    from tests.conftest import SEEDS, build_index

    small, _ = build_index(big_index["settings"].data_dir.parent / "small", SEEDS, model)
    question = "Who invited Wang Yi to Moscow?"
    reads: list[Any] = []
    real_get = Collection.get

    def spy(self: Any, ids: Any = None, *args: Any, **kw: Any) -> Any:
        reads.append(ids if ids is None else len(ids if isinstance(ids, list) else [ids]))
        return real_get(self, ids, *args, **kw)

    def growth(settings: Settings) -> tuple[int, Any]:
        gc.collect()
        before = len(gc.get_objects())
        store = open_store(settings, model)
        assistant_for(store, settings).ask(question)
        gc.collect()
        return len(gc.get_objects()) - before, store

    growth(small)  # imports and caches once
    monkeypatch.setattr(Collection, "get", spy)
    small_growth, _ = growth(small)
    big_growth, store = growth(big_index["settings"])
    chunks = store.count()
    assert chunks >= 2000
    # The per-article table (dates for "last week", filters) is a few objects an article;
    # nothing may grow with the chunks.
    per_article = 8 * len(store.articles())
    assert big_growth - small_growth < chunks // 10 + per_article, (big_growth, small_growth)
    assert reads and all(n is not None and n <= 60 for n in reads), reads
    assert len(store.articles()) == ARTICLES
    for seg in store.lexical.segments:
        for name in ("terms", "indptr", "rows", "tf", "ids", "articles", "lengths"):
            assert isinstance(getattr(seg, name), np.memmap), name


def test_ask_imports_only_what_it_uses(tmp_path: Path, model: Any) -> None:
    """`newsqa ask` on an existing index: no llama-index, gradio, trafilatura, matplotlib."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, SEEDS, build_index

    build_index(tmp_path / "data", SEEDS, model)
    probe = (
        "import contextlib, io, json, sys\n"
        "import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    code = cli.main(['ask', 'Who invited Wang Yi to Moscow?', '--json'])\n"
        "print(json.dumps({'code': code, 'answer': json.loads(out.getvalue())['answer'],\n"
        "                  'modules': sorted(sys.modules)}))\n"
    )
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0 and "Shoigu" in result["answer"]
    heavy = {"gradio", "trafilatura", "matplotlib", "torch", "bm25s", "assistant.llama_retriever"}
    assert not [
        m
        for m in result["modules"]
        if m.split(".")[0] in heavy or m in heavy or m.startswith("llama_index.core")
    ]


def test_the_scale_bench_indexes_the_articles_it_places_from_another_folder(
    tmp_path: Path,
) -> None:
    """`make bench-scale` puts news-scale articles, which live outside its work folder, into
    that folder and ingests it: every article is indexed (ingest skips a symlink that leads
    out of the folder it indexes, which once left the bench measuring an empty index)."""
    from bench.scale_steps import STANDIN, place_articles, step_ingest
    from index.articles import load_articles

    source = write_corpus(tmp_path / "news-scale", articles=3)
    corpus = tmp_path / "work" / "corpus-embedded-10000"
    corpus.mkdir(parents=True)
    place_articles(sorted(source.iterdir()), corpus)
    loaded = load_articles(corpus)
    assert [str(s) for s in loaded.skipped] == [] and len(loaded.articles) == 3
    job = {"fill": STANDIN, "corpus": str(corpus), "data": str(tmp_path / "data")}
    result = step_ingest(job)
    assert result["chunks"] >= 3 and result["embedded"] == result["chunks"]
    assert sorted(p.read_text("utf-8") for p in corpus.iterdir()) == sorted(
        p.read_text("utf-8") for p in source.iterdir()
    )
