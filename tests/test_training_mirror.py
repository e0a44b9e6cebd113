"""The cross-validation (train.fit) judges the answers the assistant really gives: its copy
of the answerer's choice of quoted sentences, run on the features that training keeps,
quotes the same sentences as ``ask`` on the seeds and the tuning questions. The copy does not
read the quote's neighbourhood (assistant.answer.neighbourhood), which only grows a quote
(or puts the headline first): each sentence it quotes lies inside the quote ``ask`` gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.answer.features import candidates_of
from assistant.retrieval import HybridRetriever, Scope
from tests.conftest import SEEDS
from train.collect import K, collect_case
from train.fit import choose, quoted

DEV = Path(__file__).parent.parent / "eval" / "dev.jsonl"


def test_training_quotes_the_sentences_the_answerer_quotes(seed_assistant: Any) -> None:
    store, answerer = seed_assistant.store, seed_assistant.answerer
    compared = 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        if raw.get("conversation"):
            continue
        answer = seed_assistant.ask(raw["question"], k=K)
        case = collect_case(store, raw, SEEDS, Scope(), False)
        if answer.refused or not len(case.y):
            continue
        probs = answerer.ranker.softmax(case.x)
        phrase_p = answerer.phrases.predict(case.phrase_x) if case.phrase_y else None
        shown = quoted(case, choose(probs, case.words, case.terms), probs, phrase_p)
        question = seed_assistant.analyse(raw["question"])
        cands = candidates_of(HybridRetriever(store).retrieve(question, K, Scope()))
        got = [(c.article, c.start, c.end) for c in answer.citations]
        want = [(cands[i].passage.article, *cands[i].span) for i in shown]
        if len(got) == len(want) + 1:  # the headline, quoted first by the neighbourhood
            got = got[1:]
        assert len(got) == len(want), raw["question"]
        for (article, start, end), (doc, s, e) in zip(got, want, strict=True):
            assert article == doc and start <= s and e <= end, raw["question"]
        compared += 1
    assert compared >= 15
