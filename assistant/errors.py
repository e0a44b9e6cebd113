"""The exception tree of the assistant layer."""

from __future__ import annotations

from index.errors import NewsqaError


class AssistantError(NewsqaError):
    """Base of the assistant's errors."""


class QuestionError(AssistantError):
    """The question cannot be asked (empty, too long)."""


class LLMUnavailable(AssistantError):
    """The LLM server is down, slow, failing or replying with garbage; never holds the key."""


class LLMConfigError(AssistantError):
    """NEWSQA_LLM_* settings that cannot work (not an http(s) URL, no LLM for --answerer llm)."""


class ModelError(AssistantError):
    """A committed model file (``assistant/models/*.json``) is missing or malformed."""
