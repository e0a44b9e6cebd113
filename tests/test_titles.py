"""Every article has a readable title: its headline, its sidecar's title, else its lead
sentence cut at a word boundary (issue 19); an index from before still reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.articles import load_article
from index.ingest import ingest
from index.metadata import TITLE_CHARS, cut_title
from tests.conftest import SEEDS, build_index


def test_seeds_without_a_headline_are_titled_by_their_lead_sentence() -> None:
    titles = {p.name: load_article(p).meta for p in sorted(SEEDS.glob("*.txt"))}
    lead = titles["000_a9c536138ddd3905.txt"]
    assert lead.title_source == "lead" and lead.title is None
    assert lead.shown_title == (
        "Russian Foreign Minister Sergey Lavrov and his Chinese counterpart Wang Yi…"
    )  # the dateline "MOSCOW, December 2. /TASS/." is not part of it
    headline = titles["001_5743e1e719554255.txt"]
    assert headline.title_source == "headline"
    assert headline.shown_title == "Lavrov welcomes Xi Jinping's proposal for Ukraine conference"
    assert [m.title_source for m in titles.values()].count("lead") == 3
    for meta in titles.values():  # a headline is shown whole, a lead is cut
        assert meta.shown_title and (meta.lead is None or len(meta.lead) <= TITLE_CHARS)


def test_a_lead_title_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    sentence = "The city council approved the extraordinarily contentious budget " * 3
    cut = cut_title(sentence, 40)
    assert cut == "The city council approved the…"
    assert sentence.startswith(cut[:-1]) and len(cut) <= 40
    assert cut_title("A short lead.", 40) == "A short lead."


def test_a_sidecar_title_is_marked_as_such(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("The summit opened in Astana on Monday. Leaders met.\n", encoding="utf-8")
    assert load_article(article).meta.title_source == "lead"
    assert load_article(article).meta.shown_title == "The summit opened in Astana on Monday."
    (tmp_path / "story.meta.json").write_text('{"title": "Astana summit"}', encoding="utf-8")
    meta = load_article(article).meta
    assert (meta.shown_title, meta.title_source) == ("Astana summit", "sidecar")


def test_an_index_from_before_titles_reads_and_is_retitled_by_the_next_ingest(
    tmp_path: Path, corpus: Path, model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.factory import assistant_for

    # the loader as it was before: no lead, no title source
    monkeypatch.setattr("index.articles.titled", lambda meta, *_: meta)
    settings, store = build_index(tmp_path / "data", corpus, model)
    monkeypatch.undo()
    old = assistant_for(store, settings).ask("Who invited Wang Yi to Moscow?")
    assert old.citations and all(c.title_source is None for c in old.citations)
    report = ingest(corpus, store, bar=False)
    assert (report.updated, report.added, report.unchanged) == (5, 0, 0)
    new = assistant_for(store, settings).ask("Who invited Wang Yi to Moscow?")
    assert all(c.title and c.title_source in {"headline", "lead"} for c in new.citations)
    again = ingest(corpus, store, bar=False)
    assert (again.updated, again.embedded, again.unchanged) == (0, 0, 5)


def test_cards_viewer_and_library_show_the_title_with_the_file_name_beside_it(
    seed_assistant: Any,
) -> None:
    from index.settings import Settings
    from webui.backend import Backend
    from webui.library import Library
    from webui.render import sources_html
    from webui.viewer import Viewer

    answer = seed_assistant.ask("Who invited Wang Yi to Moscow for his December visit?")
    lead = "Russian Foreign Minister Sergey Lavrov and his Chinese counterpart Wang Yi…"
    cited = next(c for c in answer.citations if c.article == "000_a9c536138ddd3905.txt")
    cards = sources_html(answer, 0)
    assert f"<b>{lead}</b> <span class='newsqa-meta'>000_a9c536138ddd3905.txt" in cards
    backend = Backend(seed_assistant, Settings(corpus_dir=SEEDS))
    view = Viewer(backend).open_article([answer], {"t": 0, "c": cited.n})
    assert f"<b>{lead}</b>" in view and "000_a9c536138ddd3905.txt" in view
    table = Library(backend).refresh()[0]
    assert next(r for r in table if r[0] == "000_a9c536138ddd3905.txt")[1] == lead
