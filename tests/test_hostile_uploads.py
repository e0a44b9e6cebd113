"""Hostile uploads through the library, as a table: each is refused by name or saved inside
the folder under a safe name, never a traceback, and the seeds stay answerable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS
from tests.hostile import GOOD, assert_seeds_answerable, no_traceback, settings_for

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
