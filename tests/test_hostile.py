"""Hostile input, as a table: each kind of bad file, name, upload or broken index gives a clear
message naming it, never a traceback, and the articles indexed before stay answerable.

Every case starts from a private copy of one index of the seeds (Chroma + BM25 in tmp_path,
the real model), plants its bad input, runs what a user runs (ingest, upload, `newsqa ...`)
and then asks a seed question whose citations must still quote the files exactly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS, build_index

SEED_QUESTION = "Who invited Wang Yi to Moscow for his December visit?"
GOOD = "Harbour reopens\n\nThe harbour of Tallinn reopened on Monday after storm repairs.\n"
MB = 1024 * 1024
NOBODY = 65534


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Path:
    """One index of a copy of the seeds; cases copy it rather than embed the seeds again."""
    root = tmp_path_factory.mktemp("hostile-base")
    shutil.copytree(SEEDS, root / "corpus")
    build_index(root / "data", root / "corpus", model)
    return root


@pytest.fixture
def world(pristine: Path, tmp_path: Path) -> dict[str, Path]:
    shutil.copytree(pristine / "corpus", tmp_path / "corpus", symlinks=True)
    shutil.copytree(pristine / "data", tmp_path / "data")
    return {"root": tmp_path, "corpus": tmp_path / "corpus", "data": tmp_path / "data"}


def settings_for(world: dict[str, Path]) -> Any:
    from index.settings import Settings

    return Settings(data_dir=world["data"], corpus_dir=world["corpus"], chroma_url=None)


def assert_seeds_answerable(store: Any, settings: Any, corpus: Path) -> None:
    from assistant.factory import assistant_for

    answer = assistant_for(store, settings).ask(SEED_QUESTION)
    assert not answer.refused and "Shoigu" in answer.text
    for c in answer.citations:
        assert (corpus / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote
    assert {f"{i:03d}" for i in range(5)} <= {a[:3] for a in store.articles()}


def no_traceback(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err + caplog.text
    loud = [r for r in caplog.records if r.exc_info and r.levelno >= logging.INFO]
    assert not loud, [r.getMessage() for r in loud]


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


def _outside_file(corpus: Path) -> Path:
    secret = corpus.parent / "secret-notes.txt"
    secret.write_text("Private\n\nThe vault code is 4711, said nobody in Tallinn.\n", "utf-8")
    return secret


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
    reason: str  # in the skip message, after the file's name
    indexed: bool = False  # True: the file is usable after all and must be indexed


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
    FileCase("link-outside-file", _link("outside.txt", _outside_file), "outside the article"),
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
    FileCase("sidecar-not-json", _sidecar("s1.txt", "{title: nope"), "not a readable JSON"),
    FileCase("sidecar-not-object", _sidecar("s2.txt", "[1, 2]"), "must be a JSON object"),
    FileCase("sidecar-bad-date", _sidecar("s3.txt", '{"date": "31/12/2024"}'), "YYYY-MM-DD"),
    FileCase("sidecar-binary", _sidecar("s4.txt", b"\xff\xfe\x00{"), "not a readable JSON"),
    FileCase("sidecar-link-outside", _sidecar_link, "outside the article folder"),
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
    else:
        assert any(m.startswith(f"{shown}: ") and case.reason in m for m in messages), messages
        assert report.added == 0 and report.removed == 0
        assert not any(a.startswith(shown) for a in store.articles())
    assert report.unchanged == 5
    texts = [item.chunk.text for item in store.fetch(store.lexical.chunk_ids()).values()]
    assert "4711" not in " ".join(texts)  # nothing from outside
    no_traceback(caplog, capsys)
    assert_seeds_answerable(store, settings, world["corpus"])


def test_a_long_line_with_many_periods_is_split_in_bounded_pieces() -> None:
    """The line that made nltk's guarded regex give up (a TimeoutError) after 5 seconds."""
    from index.sentences import MAX_SENTENCE_CHARS, split_sentences

    text = "Initials\n" + "A. " * 200_000 + "\nLast sentence here."
    spans = split_sentences(text, 9, len(text))
    assert spans and all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert text[spans[-1][0] : spans[-1][1]] == "Last sentence here."
    assert all(text[s:e] == text[s:e].strip() for s, e in spans)


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


# --- uploads through the library --------------------------------------------------------


@dataclass(frozen=True)
class UploadCase:
    id: str
    filename: str
    data: bytes
    message: str  # in the refusal; "" for an upload that must be accepted
    saved_as: str = ""


LIMIT = 4096
UPLOAD_CASES = [
    UploadCase("traversal-posix", "../../etc/cron.d/evil.txt", GOOD.encode(), "", "evil.txt"),
    UploadCase("traversal-windows", "..\\..\\boot.ini.txt", GOOD.encode(), "", "boot_ini.txt"),
    UploadCase("absolute-path", "/etc/passwd.txt", GOOD.encode(), "", "passwd.txt"),
    UploadCase("dots-only-stem", "....txt", GOOD.encode(), "", "article.txt"),
    UploadCase("exactly-the-limit", "limit.txt", (GOOD * 80).encode()[:LIMIT], "", "limit.txt"),
    UploadCase("one-byte-over", "over.txt", b"x" * (LIMIT + 1), "the limit is"),
    UploadCase("executable", "tool.exe", b"MZ\x90\x00", "only .txt, .md and .html"),
    UploadCase("no-suffix", "README", GOOD.encode(), "only .txt, .md and .html"),
    UploadCase("binary-upload", "x.txt", b"\x00" * 64, "binary file"),
    UploadCase("empty-upload", "e.md", b"", "empty file"),
    UploadCase(
        "duplicate-of-a-seed",
        "copy.txt",
        (SEEDS / "000_a9c536138ddd3905.txt").read_bytes(),
        "same content as 000_a9c536138ddd3905.txt",
    ),
]


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=[c.id for c in UPLOAD_CASES])
def test_a_hostile_upload_is_refused_by_name_or_saved_inside_the_folder(
    case: UploadCase,
    world: dict[str, Path],
    model: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from index.factory import open_store
    from index.library import add_uploads

    if case.id == "exactly-the-limit":
        assert len(case.data) == LIMIT
    settings = settings_for(world)
    store = open_store(settings, model)
    before = sorted(p.name for p in world["corpus"].iterdir())
    report = add_uploads(world["corpus"], [(case.filename, case.data)], store, max_bytes=LIMIT)
    after = sorted(p.name for p in world["corpus"].iterdir())
    if case.message:
        assert report.saved == [] and after == before
        assert [case.message in str(r) for r in report.refused] == [True], report.refused
    else:
        assert report.saved == [case.saved_as] and report.refused == []
        assert (world["corpus"] / case.saved_as).read_bytes() == case.data
        assert case.saved_as in store.articles()
    assert not (world["root"] / "etc").exists()
    no_traceback(caplog, capsys)
    assert_seeds_answerable(store, settings, world["corpus"])


# --- a broken index and unusable folders, through the CLI -------------------------------


def newsqa(*args: str, env: dict[str, str], user: int | None = None) -> Any:
    prefix = (
        [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    )
    return subprocess.run(
        [*prefix, sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _corrupt_header(data: Path) -> str:
    db = data / "chroma" / "chroma.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[:16] = b"not sqlite at al"
    db.write_bytes(bytes(raw))
    return "file is not a database"


def _corrupt_pages(data: Path) -> str:
    db = data / "chroma" / "chroma.sqlite3"
    raw = db.read_bytes()
    db.write_bytes(raw[:100] + b"\xff" * 4096 + raw[4196:])
    return "malformed"


def _truncate_npy(data: Path) -> str:
    for npy in (data / "bm25").rglob("*.npy"):
        npy.write_bytes(b"")
    return ""


def _garbage_ids(data: Path) -> str:
    next((data / "bm25").rglob("manifest.json")).write_text("{not json", encoding="utf-8")
    return ""


def _half_npy(data: Path) -> str:
    for npy in (data / "bm25").rglob("*.npy"):
        npy.write_bytes(npy.read_bytes()[:90])
    return ""


BROKEN_INDEX = [
    ("chroma-not-a-database", _corrupt_header),
    ("chroma-malformed", _corrupt_pages),
    ("bm25-npy-empty", _truncate_npy),
    ("bm25-npy-truncated", _half_npy),
    ("bm25-ids-garbage", _garbage_ids),
]


@pytest.mark.parametrize("name,damage", BROKEN_INDEX, ids=[b[0] for b in BROKEN_INDEX])
def test_a_damaged_index_is_one_line_and_rebuild_recovers_it(
    name: str, damage: Callable[[Path], str], world: dict[str, Path]
) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    expected = damage(world["data"])
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert "Traceback" not in asked.stderr
    if asked.returncode != 0:  # a one-line error naming the folder and the way out
        lines = asked.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("newsqa: error: "), asked.stderr
        assert str(world["data"]) in lines[0] and "newsqa ingest --rebuild" in lines[0]
        assert expected in lines[0]
        rebuilt = newsqa("ingest", "--rebuild", str(world["corpus"]), env=env)
        assert rebuilt.returncode == 0 and "added 5" in rebuilt.stdout, rebuilt.stderr
        assert "Traceback" not in rebuilt.stderr
        assert list(world["data"].glob("damaged-*/chroma"))  # set aside, not deleted
        asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout, asked.stderr


@pytest.mark.parametrize("damage", [_truncate_npy, _half_npy], ids=["npy-empty", "npy-half"])
def test_a_damaged_bm25_index_is_rebuilt_from_chroma_with_a_warning(
    damage: Callable[[Path], str], world: dict[str, Path]
) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    damage(world["data"])
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout, asked.stderr
    assert "BM25" in asked.stderr and "rebuil" in asked.stderr


def test_no_embedding_function_warning_after_changes(world: dict[str, Path]) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"]), "NEWSQA_CORPUS_DIR": str(world["corpus"])}
    (world["corpus"] / "harbour.txt").write_text(GOOD, encoding="utf-8")
    first = newsqa("ingest", str(world["corpus"]), env=env)
    again = newsqa("ask", SEED_QUESTION, env=env)
    for run in (first, again):
        assert run.returncode == 0, run.stderr
        assert "Could not reconstruct embedding function" not in run.stderr


@pytest.fixture
def shared_world(tmp_path: Path, pristine: Path) -> Iterator[dict[str, Path]]:
    """A copy of the index where another user can reach it (tmp_path is root's alone)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run newsqa as an unprivileged user")
    root = Path(tempfile.mkdtemp(prefix="newsqa-perm-"))
    os.chmod(root, 0o755)
    shutil.copytree(pristine / "corpus", root / "corpus")
    shutil.copytree(pristine / "data", root / "data")
    for path in [root, *root.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    try:
        with _searchable_by_others(ROOT):
            yield {"root": root, "corpus": root / "corpus", "data": root / "data"}
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _searchable_by_others(folder: Path) -> Iterator[None]:
    """Lets the unprivileged user reach the checkout (and its .venv) for the test's span,
    even in a clone under a private folder such as `mktemp -d`: adds search permission
    where it is missing on the way there, and puts the modes back afterwards."""
    changed = []
    for path in [*reversed(folder.resolve().parents), folder.resolve()]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(path, stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((path, stat.S_IMODE(mode)))
    try:
        yield
    finally:
        for path, mode in changed:
            os.chmod(path, mode)


PERMISSIONS = [
    ("corpus-unreadable", "corpus", ("ingest",), "cannot be listed (Permission denied)"),
    ("data-read-only", "data", ("ingest",), "no permission to read and write the index"),
    ("chroma-read-only", "data/chroma", ("ingest",), "no permission to read and write"),
    ("data-unreadable-ask", "data", ("ask", SEED_QUESTION), "Permission denied"),
]


@pytest.mark.parametrize("name,folder,args,message", PERMISSIONS, ids=[p[0] for p in PERMISSIONS])
def test_a_folder_without_permission_is_named_in_one_line(
    name: str, folder: str, args: tuple[str, ...], message: str, shared_world: dict[str, Path]
) -> None:
    target = shared_world["root"] / folder
    env = {
        "HOME": str(shared_world["root"]),
        "NEWSQA_DATA_DIR": str(shared_world["data"]),
        "NEWSQA_CORPUS_DIR": str(shared_world["corpus"]),
    }
    mode = 0o000 if "unreadable" in name else 0o555
    for path in [target, *([p for p in target.rglob("*")] if mode == 0o555 else [])]:
        os.chmod(path, mode if path.is_dir() or mode == 0o000 else 0o444)
    if args[0] == "ingest":
        args = (*args, str(shared_world["corpus"]))
    run = newsqa(*args, env=env, user=NOBODY)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert str(target) in lines[0] or str(shared_world["data"]) in lines[0]
    for path in [target, *target.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    ok = newsqa("ask", SEED_QUESTION, env=env, user=NOBODY)
    assert ok.returncode == 0 and "Shoigu" in ok.stdout, ok.stderr


def test_missing_corpus_and_a_file_as_corpus_are_one_line(world: dict[str, Path]) -> None:
    env = {"NEWSQA_DATA_DIR": str(world["data"])}
    for folder, message in (
        (world["root"] / "nope", "is not a folder"),
        (world["corpus"] / "000_a9c536138ddd3905.txt", "is not a folder"),
    ):
        run = newsqa("ingest", str(folder), env=env)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert message in run.stderr and "Traceback" not in run.stderr
    asked = newsqa("ask", SEED_QUESTION, env=env)
    assert asked.returncode == 0 and "Shoigu" in asked.stdout


def test_the_viewer_never_follows_an_indexed_name_swapped_for_a_link_out(
    world: dict[str, Path], model: Any
) -> None:
    from index.errors import ArticleError
    from index.factory import open_store
    from index.library import article_text, delete_article

    store = open_store(settings_for(world), model)
    name = "000_a9c536138ddd3905.txt"
    secret = _outside_file(world["corpus"])
    (world["corpus"] / name).unlink()
    os.symlink(secret, world["corpus"] / name)  # after indexing: the id is still known
    with pytest.raises(ArticleError, match="outside the article folder"):
        article_text(world["corpus"], name, store.articles().keys())
    for bad in ("../secret-notes.txt", str(secret), "secret-notes.txt"):
        with pytest.raises(ArticleError, match="not an article in the library"):
            delete_article(world["corpus"], bad, store, world["root"] / "trash")
    delete_article(world["corpus"], name, store, world["root"] / "trash")
    assert secret.read_text(encoding="utf-8").startswith("Private")  # the link went, not it
    assert name not in store.articles()


def test_an_article_that_becomes_a_link_out_of_the_folder_loses_its_chunks(
    world: dict[str, Path], model: Any
) -> None:
    """What an earlier index took from a name that is now a link leaving the folder (or a
    device) is dropped; a file that merely cannot be read keeps its chunks."""
    from index.factory import open_store
    from index.ingest import ingest

    corpus = world["corpus"]
    (corpus / "harbour.txt").write_text(GOOD, encoding="utf-8")
    store = open_store(settings_for(world), model)
    assert ingest(corpus, store, bar=False).added == 1
    (corpus / "harbour.txt").unlink()
    (corpus / "harbour.txt").symlink_to(_outside_file(corpus))
    report = ingest(corpus, store, bar=False)
    assert [e.name for e in report.skipped] == ["harbour.txt"]
    assert "outside the article folder" in report.skipped[0].reason
    assert report.removed == 1 and "harbour.txt" not in store.articles()
    assert store.lexical.chunk_ids({"harbour.txt"}) == []
    assert_seeds_answerable(store, settings_for(world), corpus)
