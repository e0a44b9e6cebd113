"""LLM answers against a scripted OpenAI-compatible stub on 127.0.0.1: each sentence is
verified against what it cites, and every failure ends in the extractive answer with a notice."""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from assistant.domain import Answer, Passage
from assistant.errors import LLMConfigError
from assistant.factory import assistant_for
from assistant.llm.answerer import build_messages, candidates_from, parse_reply
from assistant.serialization import answer_to_dict
from index.settings import Settings
from tests.conftest import ROOT, SEEDS
from tests.stub_llm import Reply, StubLLM

QUESTION = "Who invited Wang Yi to Moscow?"
EXTRACTIVE_ANSWER = "Shoigu"
KEY = "sk-test-7f3a9c-secret"


def number_of(fragment: str) -> Callable[[str], int]:
    """The number the prompt gives the sentence that contains ``fragment``."""

    def find(prompt: str) -> int:
        line = next(x for x in prompt.splitlines() if fragment in x and x.startswith("["))
        return int(line[1 : line.index("]")])

    return find


SHOIGU = number_of("at the invitation of Russian Security Council Secretary Sergey Shoigu")
GOOD = "Wang Yi came to Moscow at the invitation of Security Council Secretary Sergey Shoigu."


def reply(template: str) -> Callable[[str], str]:
    """A scripted reply whose ``{n}`` is the number of the Shoigu sentence in the prompt."""
    return lambda prompt: template.format(n=SHOIGU(prompt))


def ask(seed_assistant: Any, replies: list[Reply], stream: bool = False, **llm: Any) -> Any:
    """Ask QUESTION with ``answerer="llm"`` against a stub replaying ``replies``."""
    with StubLLM(replies) as stub:
        settings = Settings(llm_url=stub.url, llm_model="stub", **llm)
        assistant = assistant_for(seed_assistant.store, settings)
        streamed: list[str] = []
        on_text = streamed.append if stream else None
        answer = assistant.ask(QUESTION, answerer="llm", on_text=on_text)
    return answer, stub, streamed


def assert_cited_exactly(answer: Answer) -> None:
    """quote == article_text[start:end], and every [n] of the text has its citation."""
    for c in answer.citations:
        assert (SEEDS / c.article).read_text(encoding="utf-8")[c.start : c.end] == c.quote
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert numbers == {c.n for c in answer.citations}


def assert_extractive_fallback(answer: Answer, notice: str) -> None:
    assert answer.answerer == "extractive" and EXTRACTIVE_ANSWER in answer.text
    assert answer.notice and notice in answer.notice
    assert answer.notice.endswith("; showing the extractive answer")
    assert_cited_exactly(answer)


@pytest.mark.parametrize("stream", [False, True])
def test_a_correct_answer_is_kept_with_exact_citations(seed_assistant: Any, stream: bool) -> None:
    answer, stub, streamed = ask(seed_assistant, [Reply(reply(GOOD + " [{n}]"))], stream)
    assert answer.answerer == "llm" and answer.notice is None
    assert answer.text == GOOD + " [1]"
    assert answer.verification is not None and answer.verification.kept == 1
    assert "Shoigu" in answer.citations[0].quote
    assert_cited_exactly(answer)
    if stream:  # the text arrived piece by piece, as the model wrote it
        assert len(streamed) > 3 and "".join(streamed).startswith("Wang Yi came")
    assert stub.requests[0].payload["stream"] is stream
    assert stub.requests[0].payload["model"] == "stub"


def test_the_prompt_numbers_sentences_with_title_and_date_and_asks_for_markers(
    seed_assistant: Any,
) -> None:
    with StubLLM([Reply(reply(GOOD + " [{n}]"))]) as stub:
        assistant = assistant_for(seed_assistant.store, Settings(llm_url=stub.url))
        history = ["Where did Lavrov and Wang Yi meet in July?"]
        assistant.ask(QUESTION, answerer="llm", history=history)
    prompt = stub.prompt()
    system = stub.requests[0].payload["messages"][0]["content"]
    assert "NOT FOUND" in system and "[2]" in system
    assert re.search(
        r"^\[\d+\] \(Lavrov welcomes Xi Jinping's proposal for Ukraine conference\) ", prompt, re.M
    )
    assert re.search(r"^\[\d+\] \(000_a9c536138ddd3905\.txt\) Wang Yi arrived", prompt, re.M)
    assert prompt.startswith("Sentences:\n[1] (")
    assert history[0] in prompt and prompt.rstrip().endswith(f"Question: {QUESTION}\nAnswer:")


def test_an_invented_number_is_dropped(seed_assistant: Any) -> None:
    invented = "The visit lasted 12 days."
    answer, _, _ = ask(seed_assistant, [Reply(reply(f"{GOOD} [{{n}}] {invented} [{{n}}]"))])
    assert answer.answerer == "llm" and answer.text == GOOD + " [1]"
    assert answer.verification is not None
    assert (answer.verification.sentences, answer.verification.kept) == (2, 1)
    assert answer.verification.dropped == (invented,)
    assert_cited_exactly(answer)


def test_a_marker_for_a_sentence_never_given_is_dropped(seed_assistant: Any) -> None:
    answer, _, _ = ask(seed_assistant, [Reply(reply(f"{GOOD} [{{n}}] Shoigu invited him. [99]"))])
    assert answer.text == GOOD + " [1]" and "[99]" not in answer.text
    assert answer.verification is not None
    assert answer.verification.dropped == ("Shoigu invited him.",)
    assert_cited_exactly(answer)


def test_a_sentence_without_a_marker_is_dropped(seed_assistant: Any) -> None:
    answer, _, _ = ask(seed_assistant, [Reply(reply(f"{GOOD} [{{n}}] Shoigu is an official."))])
    assert answer.text == GOOD + " [1]"
    assert answer.verification is not None
    assert answer.verification.dropped == ("Shoigu is an official.",)


def test_when_nothing_survives_the_extractive_answer_is_shown(seed_assistant: Any) -> None:
    answer, _, _ = ask(seed_assistant, [Reply("Wang Yi was invited by Vladimir Putin. [1]")])
    assert_extractive_fallback(answer, "no sentence of the LLM's answer was supported")
    assert answer.verification is not None and answer.verification.kept == 0


def test_not_found_shows_the_extractive_answer(seed_assistant: Any) -> None:
    answer, _, _ = ask(seed_assistant, [Reply("NOT FOUND")], stream=True)
    assert_extractive_fallback(answer, "the LLM found no answer in the passages (NOT FOUND)")


@pytest.mark.parametrize("stream", [False, True])
def test_a_server_error_shows_the_extractive_answer(seed_assistant: Any, stream: bool) -> None:
    answer, stub, _ = ask(seed_assistant, [Reply(status=500)], stream)
    assert_extractive_fallback(answer, f"LLM unavailable: {stub.url} answered HTTP 500")
    assert len(stub.requests) == 1  # no retries


def test_a_timeout_shows_the_extractive_answer(seed_assistant: Any) -> None:
    answer, stub, _ = ask(seed_assistant, [Reply(GOOD, delay=3)], llm_timeout=1)
    assert_extractive_fallback(answer, f"no complete answer from {stub.url} within 1 s")


@pytest.mark.parametrize("stream", [False, True])
def test_malformed_json_shows_the_extractive_answer(seed_assistant: Any, stream: bool) -> None:
    answer, _, _ = ask(seed_assistant, [Reply(body='{"choices": [{"mess')], stream)
    assert_extractive_fallback(answer, "sent a reply that is not an OpenAI chat completion")


def test_a_server_that_is_down_shows_the_extractive_answer(seed_assistant: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the question is asked
    url = f"http://127.0.0.1:{port}/v1"
    assistant = assistant_for(seed_assistant.store, Settings(llm_url=url))
    answer = assistant.ask(QUESTION, answerer="llm")
    assert_extractive_fallback(answer, f"LLM unavailable: cannot connect to {url}")


def test_the_key_is_sent_to_the_server_and_never_shown(
    seed_assistant: Any, caplog: pytest.LogCaptureFixture
) -> None:
    echo = json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}"}})
    with caplog.at_level(logging.DEBUG):
        answer, stub, _ = ask(seed_assistant, [Reply(status=401, body=echo)], llm_api_key=KEY)
    assert stub.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    assert_extractive_fallback(answer, "answered HTTP 401")
    assert KEY not in json.dumps(answer_to_dict(answer)) and KEY not in caplog.text
    assert KEY not in repr(Settings(llm_api_key=KEY))


def test_the_json_carries_answerer_and_verification(seed_assistant: Any) -> None:
    answer, _, _ = ask(seed_assistant, [Reply(reply(f"{GOOD} [{{n}}] It rained. [{{n}}]"))])
    data = answer_to_dict(answer)
    assert data["answerer"] == "llm" and data["notice"] is None
    assert data["verification"] == {"sentences": 2, "kept": 1, "dropped": ["It rained."]}
    plain = answer_to_dict(seed_assistant.ask(QUESTION))
    assert plain["answerer"] == "extractive" and plain["verification"] is None


def test_asking_for_the_llm_without_one_is_an_error(seed_assistant: Any) -> None:
    with pytest.raises(LLMConfigError, match="NEWSQA_LLM_URL"):
        seed_assistant.ask(QUESTION, answerer="llm")


def test_the_prompt_gives_the_date_when_the_article_states_one() -> None:
    text = "Rain fell. Roads closed."
    p = Passage("a.txt", 0, len(text), text, 1.0, sentences=((0, 10), (11, 24)), date="2024-05-31")
    user = build_messages("Why?", [], candidates_from([p]))[1][1]
    assert "[1] (a.txt, 2024-05-31) Rain fell.\n[2] (a.txt, 2024-05-31) Roads closed." in user


def test_replies_are_split_into_sentences_with_their_markers() -> None:
    got = parse_reply("Answer: Lavrov met Wang [1][3]. Then, U.S. officials left. [2, 4] Odd [5]")
    assert got == [
        ("Lavrov met Wang.", (1, 3)),
        ("Then, U.S. officials left.", (2, 4)),
        ("Odd", (5,)),
    ]
    assert parse_reply("<think>[1] maybe</think> Fine. [2]") == [("Fine.", (2,))]


def test_the_extractive_path_does_not_import_the_llm_client() -> None:
    code = (
        "import sys, cli, assistant.factory, assistant.llm.answerer;"
        "bad = [m for m in sys.modules if m.startswith(('openai', 'llama_index.llms.openai'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_ui_streams_the_llm_text_then_the_verified_answer(seed_assistant: Any) -> None:
    from webui.backend import Backend
    from webui.chat import Chat
    from webui.viewer import Viewer

    with StubLLM([Reply(reply(f"{GOOD} [{{n}}] It lasted 12 days. [{{n}}]"))]) as stub:
        assistant = assistant_for(seed_assistant.store, Settings(llm_url=stub.url))
        backend = Backend(assistant, Settings())
        handlers = Chat(backend, Viewer(backend), stream_delay=0)
        steps = list(handlers.respond(QUESTION, [], [], 5, [], "", ""))
        api = handlers.ask_api(QUESTION)
    shown = [step[1][-1]["content"] for step in steps]
    assert "checking against the sources" in shown[0] and "Wang" in shown[0]
    assert any("12 days" in s for s in shown[:-1])  # streamed as written, before verification
    final = shown[-1]
    assert "12 days" not in final and "1 unsupported sentence removed" in final
    assert "newsqa-c1" in final and steps[-1][2][0].answerer == "llm"
    assert api["answerer"] == "llm" and api["verification"]["kept"] == 1
