"""Follow-up dialogues over rtqa-dev stories, built from the dev questions (issue 19).

    .venv/bin/python -m train.dev_dialogues [--dev DIR] [--out DIR] [--articles N]

Writes, under ``--out`` (default ``.data/rtqa-dev/dialogues``; never committed: the
stories are third-party news):

- ``corpus/``: the articles of every dev question (``doc``, ``also``, ``nearest_doc``), then
  others in name order, ``--articles`` in all;
- ``qa.jsonl``: the dev questions whose articles are there, then the dialogues.

Then ``newsqa eval --qa OUT/qa.jsonl --corpus OUT/corpus --index OUT/index`` scores them
(``conversation`` and ``by_followup`` in its report). Every dialogue opens with an answerable
dev question; its follow-ups are made from that question's own evidence, by rule:

- ``attribute``: "What day was that?" when the sentence holding the answer names one day (a
  weekday or a month and day): that day is the expected answer;
- ``fragment``: "According to whom?" when that sentence attributes it ("X said", "said X",
  "according to X"): X is expected;
- ``unstated``: a detail the story never states ("What was the weather like that day?", asked
  only when the story has none of the detail's words): a refusal is expected.

Deterministic (questions in id order); tune on these, never on eval/qa.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "rtqa-dev"
ARTICLES = 600
_DAY = re.compile(
    r"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\.? \d{1,2}(?:st|nd|rd|th)?\b)"
)
_NAME = r"[A-Z][\w.'’-]+(?: (?:of )?[A-Z][\w.'’-]+){0,4}"
_SAID = re.compile(
    rf"\b(?:according to|said|told by) (?P<a>{_NAME})|(?P<b>{_NAME}),? (?:said|told|says)\b"
)
_NOT_A_SOURCE = {"He", "She", "They", "It", "The", "This", "That", "We", "I", "But", "And"}
UNSTATED = (  # a detail, and the words that would state it
    ("What was the weather like that day?", ("weather", "rain", "snow", "sunny", "temperat")),
    ("How much did the tickets cost?", ("ticket", "$", "price", "cost")),
    ("Who was the referee?", ("referee", "umpire")),
    ("What did the mayor of Oslo say about it?", ("oslo", "mayor")),
    ("What colour was the car?", ("colour", "color", " car", "vehicle")),
    ("How tall is the building?", ("tall", "feet", "metres", "meters", "building")),
)
ATTRIBUTE = ("What day was that?", "When was that?", "On what day did that happen?")


def answer_sentence(evidence: str, answer: str) -> str | None:
    """The sentence of ``evidence`` that holds ``answer`` (verbatim)."""
    for sentence in re.split(r"(?<=[.!?])[\"”’]?\s+|\n+", evidence):
        if answer in sentence:
            return sentence.strip()
    return None


def _turn(dialogue: str, n: int, question: str, **rest: Any) -> dict[str, Any]:
    item = {"id": f"{dialogue}-{n}", "conversation": dialogue, "turn": n, "question": question}
    return {**item, **rest}


def _first(raw: dict[str, Any], dialogue: str) -> dict[str, Any]:
    keep = {k: raw[k] for k in ("answers", "doc", "evidence")}
    return _turn(dialogue, 1, raw["question"], **keep, kind="single")


def _attribute(raw: dict[str, Any], sentence: str, n: int) -> dict[str, Any] | None:
    days = sorted(set(_DAY.findall(sentence)))
    if len(days) != 1 or days[0] in raw["question"]:
        return None
    q = ATTRIBUTE[n % len(ATTRIBUTE)]
    return {"question": q, "answers": days, "doc": raw["doc"], "evidence": sentence}


def _fragment(raw: dict[str, Any], sentence: str) -> dict[str, Any] | None:
    found = [m["a"] or m["b"] for m in _SAID.finditer(sentence)]
    names = [f for f in found if f.split()[0] not in _NOT_A_SOURCE and f not in raw["question"]]
    if len(set(names)) != 1:
        return None
    q = "According to whom?"
    return {"question": q, "answers": names[:1], "doc": raw["doc"], "evidence": sentence}


def _unstated(story: str, n: int) -> dict[str, Any] | None:
    low = story.lower()
    for shift in range(len(UNSTATED)):
        question, words = UNSTATED[(n + shift) % len(UNSTATED)]
        if not any(w in low for w in words):
            return {"question": question, "answers": [], "doc": None, "evidence": None}
    return None


def dialogues(raws: list[dict[str, Any]], corpus: Path) -> Iterator[list[dict[str, Any]]]:
    """One dialogue per usable answerable question: its question, then one or two
    follow-ups (attribute or fragment, then sometimes unstated; or unstated alone)."""
    for n, raw in enumerate(sorted((r for r in raws if r.get("answers")), key=lambda r: r["id"])):
        sentence = answer_sentence(raw["evidence"], raw["answers"][0])
        if sentence is None:
            continue
        name = f"devdlg-{raw['id']}"
        follow = _fragment(raw, sentence) or _attribute(raw, sentence, n)
        kinds = []
        if follow is not None:
            kinds.append(
                ("fragment" if follow["question"].startswith("Acc") else "attribute", follow)
            )
        if n % 3 == 0 if follow is not None else n % 5 == 0:
            unstated = _unstated((corpus / raw["doc"]).read_text(encoding="utf-8"), n)
            if unstated is not None:
                kinds.append(("unstated", unstated))
        if not kinds:
            continue
        lines = [_first(raw, name)]
        for t, (kind, item) in enumerate(kinds, start=2):
            shape = "unanswerable" if kind == "unstated" else "single"
            lines.append(_turn(name, t, item.pop("question"), **item, kind=shape, followup=kind))
        yield lines


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m train.dev_dialogues", description=__doc__)
    p.add_argument("--dev", type=Path, default=DEV, help="the rtqa-dev folder")
    p.add_argument("--out", type=Path, default=ROOT / ".data" / "rtqa-dev" / "dialogues")
    p.add_argument("--articles", type=int, default=ARTICLES)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from train.collect import dev_subset

    args = _args(argv)
    raws = [json.loads(line) for line in (args.dev / "qa.jsonl").open(encoding="utf-8")]
    with_nearest = [
        {**r, "also": [*(r.get("also") or []), {"doc": r["nearest_doc"]}]}
        if r.get("nearest_doc")
        else r
        for r in raws
    ]
    corpus = args.out / "corpus"
    names = set(dev_subset(args.dev / "articles", with_nearest, args.articles, corpus))
    asked = [r for r in raws if not r.get("answers") or r["doc"] in names]
    made = list(dialogues(asked, corpus))
    lines = [{k: r[k] for k in ("id", "question", "answers", "doc", "evidence")} for r in asked]
    for dialogue in made:
        lines += dialogue
    (args.out / "qa.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    kinds: dict[str, int] = {}
    for dialogue in made:
        for turn in dialogue[1:]:
            kinds[turn["followup"]] = kinds.get(turn["followup"], 0) + 1
    print(f"{len(asked)} questions, {len(made)} dialogues {kinds}, {len(names)} articles")
    print(f"newsqa eval --qa {args.out}/qa.jsonl --corpus {corpus} --index {args.out}/index")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
