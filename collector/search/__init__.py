"""Hybrid search: FTS5 BM25 plus wordllama vectors."""
