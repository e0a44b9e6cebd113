"""The optional LLM answerer: the client of an OpenAI-compatible server, the answerer, and the
verification of every sentence it writes."""
