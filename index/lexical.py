"""BM25 over the same chunks as Chroma (bm25s), persisted beside it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from index.terms import terms


class LexicalIndex:
    """Chunk ids and their BM25 model; ``search`` returns only documents that match."""

    def __init__(self, ids: list[str], model: Any | None) -> None:
        self.ids = ids
        self._model = model

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        if not ids:
            return cls([], None)
        import bm25s

        model = bm25s.BM25()
        model.index([terms(t) or [""] for t in texts], show_progress=False)
        return cls(list(ids), model)

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Best ``n`` chunks by BM25; bm25s pads with zero-score hits, which are dropped here."""
        if self._model is None:
            return []
        vocab = self._model.vocab_dict
        known = [t for t in terms(query) if t in vocab]
        if not known:
            return []
        scores = self._model.get_scores(known)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        """Write to a sibling folder, then swap it in, so a crash never leaves half an index."""
        staging = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(staging), show_progress=False)
        (staging / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it cannot be read."""
        try:
            ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
            if not ids:
                return cls([], None)
            import bm25s

            return cls(ids, bm25s.BM25.load(str(folder), show_progress=False))
        except (OSError, ValueError):
            return None
