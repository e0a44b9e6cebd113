"""The exception tree of the assistant layer."""

from __future__ import annotations

from index.errors import NewsqaError


class AssistantError(NewsqaError):
    """Base of the assistant's errors."""


class QuestionError(AssistantError):
    """The question cannot be asked (empty, too long)."""
