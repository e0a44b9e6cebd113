"""The exception tree of the index layer. Messages are written for the user."""

from __future__ import annotations


class NewsqaError(Exception):
    """Base of every error newsqa raises on purpose; its message is shown to the user."""


class ArticleError(NewsqaError):
    """An article file cannot be used (empty, binary, not UTF-8, unreadable)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class NotContainedError(ArticleError):
    """The name is not a regular file inside the article folder (a link leaving it, a
    device, a pipe, a socket): it is no article, and what an earlier index took from it
    is dropped."""


class ModelError(NewsqaError):
    """The embedding model or its tokenizer is missing or not the expected file."""


class StoreError(NewsqaError):
    """The index cannot be opened or written."""


class IndexMissingError(StoreError):
    """No index has been built yet."""


class IndexMismatchError(StoreError):
    """The index was built with another embedding model or chunker."""


class DamagedIndexError(StoreError):
    """The index files exist but cannot be read: ``newsqa ingest --rebuild`` builds them again."""


class SettingsError(NewsqaError):
    """A ``NEWSQA_*`` setting has a value out of range or of the wrong kind."""
