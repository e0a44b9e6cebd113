"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for the tests.

It replays scripted replies in order (the last one repeats), streamed as server-sent
events when the request asks for ``stream``, and records every request it gets.

    with StubLLM([Reply("Lavrov met Wang Yi. [1]")]) as stub:
        settings.llm_url = stub.url
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    text: str | Callable[[str], str] = ""  # or made from the prompt (the last user message)
    status: int = 200  # anything but 200 sends ``body`` (or an error object) with that status
    delay: float = 0.0  # seconds before the first byte
    body: str | None = None  # sent verbatim instead of a completion (malformed JSON, ...)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]


class StubLLM:
    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[Request] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(size) or b"{}")
                stub.requests.append(Request(self.path, dict(self.headers), payload))
                reply = stub.replies[min(len(stub.requests), len(stub.replies)) - 1]
                time.sleep(reply.delay)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    stub.send(self, reply, bool(payload.get("stream")))  # the client may give up

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def send(self, handler: BaseHTTPRequestHandler, reply: Reply, stream: bool) -> None:
        if stream and reply.status == 200 and reply.body is not None:  # a broken event
            self._write(handler, 200, "text/event-stream", f"data: {reply.body}\n\n".encode())
            return
        if reply.status != 200 or reply.body is not None:
            body = reply.body
            if body is None:
                body = json.dumps({"error": {"message": "stub failure", "type": "server_error"}})
            self._write(handler, reply.status, "application/json", body.encode())
            return
        text = reply.text if isinstance(reply.text, str) else reply.text(self.prompt())
        if stream:
            self._write(handler, 200, "text/event-stream", self._events(text))
        else:
            self._write(handler, 200, "application/json", json.dumps(completion(text)).encode())

    def prompt(self, index: int = -1) -> str:
        """The last user message of request ``index``."""
        messages = self.requests[index].payload.get("messages", [])
        return next(m["content"] for m in reversed(messages) if m["role"] == "user")

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def _events(text: str) -> bytes:
        words = text.split(" ")
        pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in pieces]
        events.append(chunk({}, finish="stop"))
        lines = [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
        return "".join(lines).encode()

    def __enter__(self) -> StubLLM:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
