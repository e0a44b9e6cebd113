"""Hostile files in the corpus folder, as a table: each kind of bad file or name is skipped
with a clear message naming it, never a traceback, and the articles indexed before stay
answerable.

Every case starts from a private copy of one index of the seeds (Chroma + BM25 in tmp_path,
the real model), plants its bad file, runs ingest and then asks a seed question whose
citations must still quote the files exactly. Articles that are indexed within bounds (bad
sidecars beside every seed, repetition, the chunk limit) are in test_hostile_articles.py.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import (
    GOOD,
    MB,
    SEED_NAMES,
    assert_seeds_answerable,
    no_traceback,
    outside_file,
    settings_for,
)

# --- files in the corpus folder: (id, plant(corpus) -> name shown, expected reason) -------


def _write(name: str, data: bytes | str) -> Callable[[Path], str]:
    def plant(corpus: Path) -> str:
        path = corpus / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return name

    return plant


def _link(name: str, target: Callable[[Path], Path | str]) -> Callable[[Path], str]:
    def plant(corpus: Path) -> str:
        os.symlink(target(corpus), corpus / name)
        return name

    return plant


def _outside_folder(corpus: Path) -> Path:
    folder = corpus.parent / "elsewhere"
    folder.mkdir()
    return folder


def _fifo(corpus: Path) -> str:
    os.mkfifo(corpus / "pipe.txt")
    return "pipe.txt"


def _socket(corpus: Path) -> str:
    # AF_UNIX paths are limited to ~107 bytes: bind from inside the folder.
    here = os.getcwd()
    os.chdir(corpus)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("sock.txt")
        sock.close()
    finally:
        os.chdir(here)
    return "sock.txt"


def _loop(corpus: Path) -> str:
    os.symlink("loop-b.txt", corpus / "loop-a.txt")
    os.symlink("loop-a.txt", corpus / "loop-b.txt")
    return "loop-a.txt"


def _bad_name(corpus: Path) -> str:
    raw = os.fsencode(str(corpus)) + b"/caf\xe9-\xff.txt"
    with open(raw, "wb") as out:
        out.write(GOOD.encode())
    return "caf\\xe9-\\xff.txt"


def _long_sidecar(corpus: Path) -> str:
    name = "n" * 246 + ".txt"  # the file is fine; NAME.txt.meta.json would be 264 bytes
    (corpus / name).write_text(GOOD, encoding="utf-8")
    return name


def _sidecar(article: str, sidecar: bytes | str) -> Callable[[Path], str]:
    def plant(corpus: Path) -> str:
        (corpus / article).write_text(GOOD, encoding="utf-8")
        data = sidecar.encode() if isinstance(sidecar, str) else sidecar
        (corpus / (Path(article).stem + ".meta.json")).write_bytes(data)
        return Path(article).stem + ".meta.json"

    return plant


def _sidecar_link(corpus: Path) -> str:
    (corpus / "linked.txt").write_text(GOOD, encoding="utf-8")
    meta = corpus.parent / "meta-elsewhere.json"
    meta.write_text('{"title": "Borrowed title"}', encoding="utf-8")
    os.symlink(meta, corpus / "linked.meta.json")
    return "linked.meta.json"


@dataclass(frozen=True)
class FileCase:
    id: str
    plant: Callable[[Path], str]
    reason: str  # in the skip message (or the sidecar warning), after the file's name
    indexed: bool = False  # True: the file is usable after all and must be indexed
    sidecar: bool = False  # a bad sidecar: its article indexed as if it had none, a warning


FILE_CASES = [
    FileCase("empty", _write("empty.txt", b""), "empty file"),
    FileCase("whitespace-only", _write("blank.txt", " \n\t\n  \n"), "empty file"),
    FileCase("binary-nul", _write("blob.txt", b"\x00\x01\x02" * 500), "binary file"),
    FileCase("png-as-text", _write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\rIHDR"), "binary"),
    FileCase("latin-1", _write("latin.txt", "Caf\xe9 au lait.\n".encode("latin-1")), "not UTF-8"),
    FileCase("utf-16", _write("wide.txt", "Hello there.\n".encode("utf-16")), "binary file"),
    FileCase("bad-utf8-late", _write("late.md", GOOD.encode() * 3 + b"\xc3\x28"), "not UTF-8"),
    FileCase("bom-only", _write("bom.txt", "\ufeff"), "no article text"),
    FileCase(
        "furniture-only", _write("nav.txt", "All news\nREAD ALSO: more\nShare\n"), "no article"
    ),
    FileCase("markdown-rules-only", _write("rules.md", "---\n***\n```\n```\n"), "no article text"),
    FileCase("html-no-text", _write("empty.html", "<html><body></body></html>"), "no article"),
    FileCase(
        "html-script-only",
        _write("script.html", "<html><body><script>alert(1)</script></body></html>"),
        "no article",
    ),
    FileCase(
        "html-deep-nesting",
        _write("deep.html", "<html><body>" + "<div>" * 20000 + "x" + "</div>" * 20000),
        "no article",
    ),
    FileCase("huge", lambda c: _huge(c), "files over 20 MB are skipped"),
    FileCase("link-outside-file", _link("outside.txt", outside_file), "outside the article"),
    FileCase(
        "link-etc-passwd", _link("passwd.txt", lambda c: "/etc/passwd"), "outside the article"
    ),
    FileCase("link-proc", _link("environ.txt", lambda c: "/proc/self/environ"), "outside"),
    FileCase("link-dev-zero", _link("zero.txt", lambda c: "/dev/zero"), "outside the article"),
    FileCase("link-outside-folder", _link("dir.txt", _outside_folder), "outside the article"),
    FileCase("link-dangling", _link("gone.txt", lambda c: c / "never-there.txt"), "cannot be read"),
    FileCase("link-loop", _loop, "cannot be read"),
    FileCase("fifo", _fifo, "named pipe (FIFO)"),
    FileCase("socket", _socket, "a socket"),
    FileCase("non-utf8-name", _bad_name, "file name is not UTF-8"),
    # issue 21: a bad sidecar never costs its article
    FileCase(
        "sidecar-not-json", _sidecar("s1.txt", "{title: nope"), "not a readable JSON", True, True
    ),
    FileCase(
        "sidecar-not-object", _sidecar("s2.txt", "[1, 2]"), "must be a JSON object", True, True
    ),
    FileCase(
        "sidecar-bad-date", _sidecar("s3.txt", '{"date": "31/12/2024"}'), "'date'", True, True
    ),
    FileCase(
        "sidecar-impossible-date",
        _sidecar("s5.txt", '{"date": "2024-13-45", "title": "Kept?"}'),
        "field 'date' must be a date as YYYY-MM-DD, not '2024-13-45'",
        True,
        True,
    ),
    FileCase(
        "sidecar-title-number",
        _sidecar("s6.txt", '{"title": 5}'),
        "field 'title' must be a string, not 5",
        True,
        True,
    ),
    FileCase(
        "sidecar-binary", _sidecar("s4.txt", b"\xff\xfe\x00{"), "not a readable JSON", True, True
    ),
    FileCase("sidecar-link-outside", _sidecar_link, "outside the article folder", True, True),
    FileCase("sidecar-name-too-long", _long_sidecar, "", indexed=True),
    FileCase(
        "many-periods-line",
        _write("periods.txt", "Dots\n\n" + "A. " * 4000 + "\nThe harbour reopened.\n"),
        "",
        indexed=True,
    ),
    FileCase(  # the dateline pattern used to backtrack quadratically over the spaces
        "dateline-backtracking",
        _write("dateline.txt", "Harbour\n\nMOSCOW, July 13" + " " * 100_000 + "x.\nThe end.\n"),
        "",
        indexed=True,
    ),
    FileCase("one-giant-word", _write("word.txt", "Giant\n\n" + "x" * 30_000 + "\n"), "", True),
    FileCase("nul-after-8k", _write("nul.txt", GOOD * 200 + "\x00tail.\n"), "", indexed=True),
    FileCase(
        "control-chars-in-name", _write("\x1b[31mred\x07.txt", GOOD), "", indexed=True
    ),  # printed names are the user's business; it must not break anything
]


def _huge(corpus: Path) -> str:
    with (corpus / "huge.txt").open("wb") as out:
        out.truncate(21 * MB)  # sparse: its size is refused before a byte is read
    return "huge.txt"


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_a_bad_file_in_the_folder_is_skipped_by_name_and_nothing_is_lost(
    case: FileCase,
    world: dict[str, Path],
    model: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from index.factory import open_store
    from index.ingest import ingest

    caplog.set_level(logging.DEBUG, logger="index")
    shown = case.plant(world["corpus"])
    settings = settings_for(world)
    store = open_store(settings, model)
    report = ingest(world["corpus"], store, bar=False)
    messages = [str(p) for p in report.skipped]
    if case.indexed:
        assert messages == [] and report.added == 1, messages
    if case.sidecar:  # named with its field; the article's metadata comes from its text
        assert any(w.startswith(f"{shown}: ") and case.reason in w for w in report.warnings)
        (article,) = (r for r in store.articles().values() if r.id not in SEED_NAMES)
        assert article.meta.title == "Harbour reopens" and article.meta.date is None
    elif not case.indexed:
        assert any(m.startswith(f"{shown}: ") and case.reason in m for m in messages), messages
        assert report.added == 0 and report.removed == 0
        assert not any(a.startswith(shown) for a in store.articles())
    assert report.unchanged == 5
    texts = [item.chunk.text for item in store.fetch(store.lexical.chunk_ids()).values()]
    assert "4711" not in " ".join(texts)  # nothing from outside
    no_traceback(caplog, capsys)
    assert_seeds_answerable(store, settings, world["corpus"])


def test_one_bad_file_among_good_ones_never_stops_the_others(
    world: dict[str, Path], model: Any
) -> None:
    from index.factory import open_store
    from index.ingest import ingest

    for case in FILE_CASES[:8]:
        case.plant(world["corpus"])
    (world["corpus"] / "harbour.txt").write_text(GOOD, encoding="utf-8")
    store = open_store(settings_for(world), model)
    report = ingest(world["corpus"], store, bar=False)
    assert report.added == 1 and len(report.skipped) == 8
    assert "harbour.txt" in store.articles()
