"""Answering: hybrid retrieval, extractive answers with exact citations, chat."""
