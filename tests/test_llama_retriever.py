"""newsqa's hybrid retrieval inside a llama-index query engine (with llama-index's MockLLM)."""

from __future__ import annotations

from typing import Any

from tests.conftest import SEEDS

QUESTION = "Who invited Wang Yi to Moscow for the security consultations?"


def test_retriever_returns_nodes_with_exact_article_offsets(seed_assistant: Any) -> None:
    from assistant.llama_retriever import NewsqaRetriever

    nodes = NewsqaRetriever(seed_assistant, k=4).retrieve(QUESTION)
    expected = seed_assistant.ask(QUESTION, k=4).passages
    assert [n.node.node_id for n in nodes] == [p.chunk_id for p in expected]
    assert [n.score for n in nodes] == [p.score for p in expected]
    for hit in nodes:
        meta = hit.node.metadata
        text = (SEEDS / meta["article"]).read_text(encoding="utf-8")
        assert text[meta["start"] : meta["end"]] == hit.node.get_content()
        assert {"title", "date", "source"} <= set(meta)
        assert hit.node.ref_doc_id == meta["article"]


def test_retriever_honours_the_article_scope(seed_assistant: Any) -> None:
    from assistant.llama_retriever import NewsqaRetriever

    only = {"003_35d0aa4989227d75.txt"}
    nodes = NewsqaRetriever(seed_assistant, k=5, articles=only).retrieve("Where did they meet?")
    assert nodes and {n.node.metadata["article"] for n in nodes} == only


def test_query_engine_answers_from_newsqa_passages(seed_assistant: Any) -> None:
    """A RetrieverQueryEngine with MockLLM (which echoes its prompt): the prompt holds the
    passages newsqa retrieved, with title and date but without offsets."""
    from llama_index.core.llms import MockLLM
    from llama_index.core.query_engine import RetrieverQueryEngine

    from assistant.llama_retriever import NewsqaRetriever

    engine = RetrieverQueryEngine.from_args(NewsqaRetriever(seed_assistant, k=3), llm=MockLLM())
    response = engine.query(QUESTION)
    assert len(response.source_nodes) == 3
    top = response.source_nodes[0].node
    assert "Shoigu" in top.get_content() and "Shoigu" in str(response)
    assert QUESTION in str(response)
    assert f"title: {top.metadata['title']}" in str(response)
    assert "start:" not in str(response) and "chunk_id" not in str(response)
