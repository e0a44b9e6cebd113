"""The one settings object. Entry points build it and pass it down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of newsqa; each field is read from ``NEWSQA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="NEWSQA_", extra="ignore")

    data_dir: Path = Field(Path(".data"), description="Where the Chroma and BM25 index live.")
    corpus_dir: Path = Field(Path("seeds"), description="Articles indexed when none is named.")
    chroma_url: str | None = Field(None, description="A Chroma server, e.g. http://127.0.0.1:8000.")
    collection: str = Field("articles", description="The Chroma collection name.")
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answerer.")
    max_question_chars: int = Field(2000, ge=1)
    ui_host: str = "127.0.0.1"
    ui_port: int = Field(7860, ge=1, le=65535)
    ui_auth: str | None = Field(None, description="user:password, required off loopback.")
    ui_concurrency: int = Field(2, ge=1, le=16)
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1)
    llm_url: str | None = Field(
        None,
        description="An OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; unset: no LLM.",
    )
    llm_model: str = Field("default", description="The model name the LLM server expects.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for the LLM server.")
    llm_timeout: float = Field(60.0, gt=0, le=600, description="Seconds one LLM answer may take.")
