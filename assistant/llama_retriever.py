"""newsqa's hybrid retrieval as a llama-index ``BaseRetriever``, for llama-index query engines.

Imported only when used (llama-index takes about two seconds to import); nothing else in
newsqa imports this module. Each hit is a ``NodeWithScore`` whose ``TextNode`` holds the
passage text exactly as in the article, with ``article``, ``start``, ``end``, ``title``,
``date`` and ``source`` in its metadata (``article_text[start:end] == node.text``) and the
fused score in [0, 1] as its score. Only the title, date and source are shown to an LLM.

    from assistant.llama_retriever import NewsqaRetriever
    from llama_index.core.query_engine import RetrieverQueryEngine

    retriever = NewsqaRetriever(build_assistant(Settings()), k=5)
    engine = RetrieverQueryEngine.from_args(retriever, llm=my_llm)  # always pass the LLM
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.callbacks import CallbackManager
from llama_index.core.schema import (
    NodeRelationship,
    NodeWithScore,
    QueryBundle,
    RelatedNodeInfo,
    TextNode,
)

from assistant.assistant import MAX_K, Assistant
from assistant.domain import Passage
from assistant.retrieval import Scope

HIDDEN_FROM_LLM = ("article", "start", "end", "chunk_id", "cosine", "bm25", "rank")


class NewsqaRetriever(BaseRetriever):
    """The ``k`` best passages for a query, from the articles ``articles`` only when given."""

    def __init__(
        self,
        assistant: Assistant,
        k: int | None = None,
        articles: Collection[str] | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        self._assistant = assistant
        self._k = max(1, min(k or assistant.top_k, MAX_K))
        self._scope = Scope.of(articles)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = self._assistant.analyse(query_bundle.query_str)
        passages = self._assistant.retriever.retrieve(question, self._k, self._scope)
        return [NodeWithScore(node=node_of(p), score=p.score) for p in passages]


def node_of(passage: Passage) -> TextNode:
    """A passage as a llama-index node; its id is the chunk id, its source the article."""
    metadata: dict[str, Any] = {
        "article": passage.article,
        "start": passage.start,
        "end": passage.end,
        "title": passage.title,
        "date": passage.date,
        "source": passage.source,
        "chunk_id": passage.chunk_id,
        "rank": passage.rank,
        "cosine": passage.cosine,
        "bm25": passage.bm25,
    }
    return TextNode(
        id_=passage.chunk_id or f"{passage.article}:{passage.start}-{passage.end}",
        text=passage.text,
        metadata=metadata,
        start_char_idx=passage.start,
        end_char_idx=passage.end,
        excluded_llm_metadata_keys=list(HIDDEN_FROM_LLM),
        excluded_embed_metadata_keys=list(metadata),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=passage.article)},
    )
