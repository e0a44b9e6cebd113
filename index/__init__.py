"""Indexing: load, clean, chunk, embed and store news articles (Chroma + BM25)."""
