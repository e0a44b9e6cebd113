"""The one settings object. Entry points build it (``load_settings``) and pass it down.

Every field is read from ``NEWSQA_<FIELD>``; a value out of range or of the wrong kind
becomes one ``SettingsError`` line naming the variable, the value and what is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.errors import SettingsError

PREFIX = "NEWSQA_"
_COLLECTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]")


def check_url(value: str | None, what: str = "http://host:port") -> str | None:
    """``value`` when it is an http(s) URL with a host (and a valid port); ValueError else."""
    if value is None:
        return None
    try:
        url = urlparse(value)
        url.port  # noqa: B018 - raises ValueError for a port out of range
        ok = url.scheme in ("http", "https") and bool(url.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"must look like {what}")
    return value


class Settings(BaseSettings):
    """Every knob of newsqa; each field is read from ``NEWSQA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    data_dir: Path = Field(Path(".data"), description="Where the Chroma and BM25 index live.")
    corpus_dir: Path = Field(Path("seeds"), description="Articles indexed when none is named.")
    chroma_url: str | None = Field(None, description="A Chroma server, e.g. http://127.0.0.1:8000.")
    collection: str = Field("articles", description="The Chroma collection name.")
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answerer.")
    max_question_chars: int = Field(2000, ge=1, le=1_000_000)
    ui_host: str = "127.0.0.1"
    ui_port: int = Field(7860, ge=1, le=65535)
    ui_auth: str | None = Field(None, description="user:password, required off loopback.")
    ui_concurrency: int = Field(2, ge=1, le=16)
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024)
    llm_url: str | None = Field(
        None,
        description="An OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; unset: no LLM.",
    )
    llm_model: str = Field("default", description="The model name the LLM server expects.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for the LLM server.")
    llm_timeout: float = Field(60.0, gt=0, le=600, description="Seconds one LLM answer may take.")

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, value: str | None) -> str | None:
        return check_url(value or None)

    @field_validator("llm_url")
    @classmethod
    def _llm_url(cls, value: str | None) -> str | None:
        return check_url(value or None, "http://host:port/v1")

    @field_validator("collection")
    @classmethod
    def _collection(cls, value: str) -> str:
        if not _COLLECTION.fullmatch(value) or ".." in value:
            raise ValueError("must be 3-512 letters, digits, '.', '_' or '-'")
        return value


def allowed(name: str) -> str:
    """What field ``name`` accepts, in words (from its type and bounds)."""
    info = Settings.model_fields[name]
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for key in ("ge", "gt", "le", "lt"):
            if getattr(item, key, None) is not None:
                bounds[key] = getattr(item, key)
    kinds: dict[Any, str] = {int: "a whole number", float: "a number"}
    kind = kinds.get(info.annotation, "a value")
    if "ge" in bounds and "le" in bounds:
        return f"{kind} from {bounds['ge']} to {bounds['le']}"
    if "gt" in bounds and "le" in bounds:
        return f"{kind} above {bounds['gt']} and at most {bounds['le']}"
    return kind


def _line(error: Any) -> str:
    """One validation error as ``NEWSQA_TOP_K='abc' is not valid: it must be ...``."""
    name = str(error["loc"][0]) if error.get("loc") else "?"
    value = error.get("input")
    shown = "(missing)" if value is None else repr(value if len(str(value)) < 80 else "…")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if name in Settings.model_fields and not message.startswith("must"):
        message = f"must be {allowed(name)}"
    return f"{PREFIX}{name.upper()}={shown} is not valid: it {message}"


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment; ``SettingsError`` (one line) when one is invalid."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_line(exc.errors()[0])) from None
