"""The OpenAI-compatible chat client (llama-index's ``OpenAILike``), behind one method.

Only ``NEWSQA_LLM_URL`` is contacted: no retries, no proxy from the environment, no
``OPENAI_*`` variables. Every failure becomes ``LLMUnavailable`` with a short message
that names the server (without any user:password in its URL) and never the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from assistant.errors import LLMConfigError, LLMUnavailable

OnText = Callable[[str], None]  # receives the reply's text as it streams in
MAX_TOKENS = 200
NO_KEY = "not-needed"  # OpenAI's client insists on a key; local servers ignore it


def shown_url(url: str) -> str:
    """``url`` as it may appear in messages: no user:password, no query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMConfigError(
            f"NEWSQA_LLM_URL must be an http(s) base URL such as http://127.0.0.1:11434/v1, "
            f"not {shown_url(url)!r}"
        )
    return url.strip().rstrip("/")


class LLMClient:
    """``complete(messages)``: the model's reply text, streamed to ``on_text`` when given."""

    def __init__(self, url: str, model: str, api_key: str | None, timeout: float) -> None:
        self.url, self.model, self.timeout = check_url(url), model, timeout
        self._key = api_key or None
        self._llm: Any = None

    def _client(self) -> Any:
        if self._llm is None:
            import httpx
            from llama_index.llms.openai_like import OpenAILike

            self._llm = OpenAILike(
                model=self.model,
                api_base=self.url,
                api_key=self._key or NO_KEY,
                timeout=self.timeout,
                max_retries=0,
                is_chat_model=True,
                context_window=8192,
                max_tokens=MAX_TOKENS,
                temperature=0.0,
                http_client=httpx.Client(trust_env=False, follow_redirects=False),
            )
        return self._llm

    def complete(self, messages: Sequence[tuple[str, str]], on_text: OnText | None = None) -> str:
        from llama_index.core.llms import ChatMessage

        chat = [ChatMessage(role=role, content=content) for role, content in messages]
        deadline = time.monotonic() + self.timeout
        try:
            if on_text is None:
                reply = self._client().chat(chat).message.content or ""
            else:
                reply = self._stream(chat, on_text, deadline)
        except LLMUnavailable:
            raise
        except Exception as exc:  # the client's errors, httpx's, JSON and validation errors
            raise LLMUnavailable(self._describe(exc)) from None
        if not reply.strip():
            raise LLMUnavailable(f"{shown_url(self.url)} returned an empty answer")
        return reply

    def _stream(self, chat: list[Any], on_text: OnText, deadline: float) -> str:
        parts: list[str] = []
        for chunk in self._client().stream_chat(chat):
            if chunk.delta:
                parts.append(chunk.delta)
                on_text(chunk.delta)
            if time.monotonic() > deadline:
                raise LLMUnavailable(self._late())
        return "".join(parts)

    def _late(self) -> str:
        return f"no complete answer from {shown_url(self.url)} within {self.timeout:g} s"

    def _describe(self, exc: Exception) -> str:
        """A one-line reason naming the server; the key is masked even if a server echoes it."""
        import openai

        where = shown_url(self.url)
        if isinstance(exc, openai.APITimeoutError):
            text = self._late()
        elif isinstance(exc, openai.APIConnectionError):
            text = f"cannot connect to {where}"
        elif isinstance(exc, openai.APIStatusError):
            text = f"{where} answered HTTP {exc.status_code}"
        else:
            text = f"{where} sent a reply that is not an OpenAI chat completion"
        if self._key:
            text = text.replace(self._key, "***")
        return text
