"""The same store against a real `chroma run` server (NEWSQA_CHROMA_URL): ingest, ask, add
and delete an article; BM25 and the article table stay in NEWSQA_DATA_DIR and are rebuilt
from the server when lost."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import SEEDS
from tests.test_scale import FIRST, TARGET


def test_server_store_ingests_answers_adds_and_deletes(tmp_path: Path, model: Any) -> None:
    from assistant.factory import assistant_for
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings
    from tests.chroma_server import running_chroma

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    data = tmp_path / "data"
    with running_chroma(tmp_path / "server") as url:
        settings = Settings(data_dir=data, corpus_dir=corpus, chroma_url=url)
        store = open_store(settings, model, create=True)
        assert ingest(corpus, store, bar=False).added == 5
        local = data / "bm25" / settings.collection
        assert (local / "manifest.json").exists() and (local / "GENERATION").exists()
        assert not (data / "chroma").exists()
        assert (tmp_path / "server" / "chroma.sqlite3").exists()

        assistant = assistant_for(open_store(settings, model), settings)
        seed_answer = assistant.ask("Who invited Wang Yi to Moscow?")
        assert "Shoigu" in seed_answer.text

        (corpus / TARGET).write_text(FIRST, encoding="utf-8")
        report = ingest(corpus, assistant.store, bar=False)
        assert (report.added, report.unchanged) == (1, 5)
        answer = assistant.ask("Who opened the Quenfarrow reservoir?")
        assert answer.citations[0].article == TARGET and "Drannoch" in answer.text
        quote = answer.citations[0]
        assert FIRST[quote.start : quote.end] == quote.quote

        (corpus / TARGET).unlink()
        assert ingest(corpus, assistant.store, bar=False).removed == 1
        reopened = open_store(settings, model)
        assert TARGET not in reopened.articles() and not reopened.lexical.chunk_ids({TARGET})
        assert not reopened._collection.get(where={"article": TARGET})["ids"]
        after = assistant_for(reopened, settings).ask("Who opened the Quenfarrow reservoir?")
        assert all(p.article != TARGET for p in after.passages)

        shutil.rmtree(data / "bm25")  # the local part lost: rebuilt from the server
        rebuilt = assistant_for(open_store(settings, model), settings)
        assert rebuilt.store.count() == reopened.count() == rebuilt.store._collection.count()
        again = rebuilt.ask("Who invited Wang Yi to Moscow?")
        assert again.text == seed_answer.text and (local / "manifest.json").exists()
