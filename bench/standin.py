"""A cheap stand-in for the embedding model, to fill a store at scale in minutes.

A hashed bag-of-words projection: each lower-cased word adds +-1 to one of 384 dimensions
(crc32 picks both), and the sum is L2-normalised. It has the model's interface
(``embed``, ``embed_with_sentences``) and its output shape, so the real ingest code runs
unchanged; it is no model of meaning. Rows filled with it are labelled as such by the
bench, and questions, answers and added articles always use the real model.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from index.embedding import DIMENSION

_WORD = re.compile(r"\w+")
Span = tuple[int, int]


class HashedEmbedding:
    """Deterministic unit vectors from the words of a text (no model, no randomness)."""

    model_name = "hashed-bag-of-words-stand-in"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def embed_with_sentences(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        vectors = self.embed(texts)
        if sentences is None:
            return vectors, []
        per_text = [
            self.embed([text[s:e] for s, e in spans]).reshape(-1, DIMENSION)
            for text, spans in zip(texts, sentences, strict=True)
        ]
        return vectors, per_text

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        vec = np.zeros(DIMENSION, dtype=np.float32)
        codes = np.array(
            [zlib.crc32(w.encode("utf-8")) for w in _WORD.findall(text.lower())], dtype=np.uint32
        )
        if len(codes):
            signs = np.where(codes & 1, 1.0, -1.0).astype(np.float32)
            np.add.at(vec, (codes >> 1) % DIMENSION, signs)
        norm = float(np.linalg.norm(vec))
        if norm == 0:
            vec[0], norm = 1.0, 1.0
        return vec / norm
