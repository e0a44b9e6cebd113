"""`python -m train.train` (`make train`) as a user runs it, on an invented corpus and Q&A
file in tmp_path: the data root comes from ``--data-root`` or ``$NEWSQA_DATA_ROOT``, a
missing set is one line naming the path expected, and a small ``--articles`` subset skips
(and counts) the questions whose supporting articles it leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ARTICLES = {
    "a_harbour.txt": "Velmora harbour reopens\n\nVELMORA, March 3. The harbour of Velmora "
    "reopened on Monday after storm repairs. The mayor, Ilsabet Drannoch, cut the ribbon.\n",
    "b_tram.txt": "Velmora tramway closes\n\nVELMORA, April 9. The Velmora tramway carried its "
    "last passengers on Sunday. Harnwick Motors will build the electric buses.\n",
    "c_buses.txt": "Buses for Velmora\n\nHARNWICK, April 10. Harnwick Motors said on Tuesday "
    "it will deliver forty electric buses to Velmora by autumn.\n",
    "d_dam.txt": "Quenfarrow dam\n\nThe Quenfarrow dam holds forty million cubic metres of "
    "water and supplies the valley's farms.\n",
}
QA = [
    {
        "id": "t-20230106_0",
        "question": "Who cut the ribbon at the Velmora harbour?",
        "answers": ["Ilsabet Drannoch"],
        "doc": "a_harbour.txt",
        "evidence": "The mayor, Ilsabet Drannoch, cut the ribbon.",
    },
    {  # its doc is in a two-article subset, its `also` article is not
        "id": "t-20230113_0",
        "question": "Which company will build the electric buses for Velmora?",
        "answers": ["Harnwick Motors"],
        "doc": "b_tram.txt",
        "evidence": "Harnwick Motors will build the electric buses.",
        "also": [{"doc": "c_buses.txt", "evidence": "Harnwick Motors said on Tuesday"}],
    },
    {
        "id": "t-20230120_0",
        "question": "How much water does the Quenfarrow dam hold?",
        "answers": ["forty million cubic metres"],
        "doc": "d_dam.txt",
        "evidence": "The Quenfarrow dam holds forty million cubic metres of water",
    },
    {"id": "t-20230127_0", "question": "Who won the Velmora chess open?", "answers": []},
]


def _data_root(root: Path) -> Path:
    """``root/rtqa-dev/{articles/, qa.jsonl}``, invented."""
    articles = root / "rtqa-dev" / "articles"
    articles.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    lines = "".join(json.dumps(q) + "\n" for q in QA)
    (root / "rtqa-dev" / "qa.jsonl").write_text(lines, encoding="utf-8")
    return root


def test_a_small_subset_skips_and_counts_the_questions_whose_support_it_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from train.train import main

    root = _data_root(tmp_path / "shared")
    out = tmp_path / "models"
    code = main(
        [
            "--data-root",
            str(root),
            "--articles",
            "2",
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(out),
            "--figures",
            str(tmp_path / "train.json"),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert (
        "rtqa-dev: skipped 2 of 4 questions whose supporting articles are not all among "
        "the 2 indexed (--articles)"
    ) in err
    (cached,) = (tmp_path / "data").glob("cases-*.json")
    asked = {case["id"] for case in json.loads(cached.read_text("utf-8"))}
    assert asked == {"t-20230106_0", "t-20230127_0"}  # the answerable one twice
    for name in ("ranker", "confidence", "phrase"):
        assert json.loads((out / f"{name}.json").read_text("utf-8"))
    assert json.loads((tmp_path / "train.json").read_text("utf-8"))["learned"]["answerable"]


def test_a_missing_dev_set_is_one_line_naming_the_path_under_the_env_data_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from train.train import main

    monkeypatch.setenv("NEWSQA_DATA_ROOT", str(tmp_path / "elsewhere"))
    assert main(["--data", str(tmp_path / "data"), "--articles", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("train.train: the dev set is missing")
    assert str(tmp_path / "elsewhere" / "rtqa-dev" / "qa.jsonl") in err
    assert "NEWSQA_DATA_ROOT" in err and "Traceback" not in err
    assert not (tmp_path / "data").exists()


def test_train_without_rtqa_train_under_the_data_root_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from train.train import main

    root = _data_root(tmp_path / "shared")
    assert main(["--data-root", str(root), "--train", "--data", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("train.train: rtqa-train is missing")
    assert str(root / "rtqa-train" / "2023" / "qa.jsonl") in err
    assert not (tmp_path / "data").exists()
