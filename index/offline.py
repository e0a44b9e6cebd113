"""Process-wide offline set-up, done once by every entry point before heavy imports."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

_TELEMETRY_OFF = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
}


def llama_index_static_dir() -> Path:
    """The data llama-index ships (tiktoken encodings, nltk punkt), found without importing it."""
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llama-index-core is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "_static"


def configure_offline() -> None:
    """Switch off telemetry and point tiktoken at the encodings llama-index ships."""
    for name, value in _TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(llama_index_static_dir() / "tiktoken_cache"))
