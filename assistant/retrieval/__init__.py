"""Retrieval: dense vectors in Chroma, BM25 over jieba words, reciprocal-rank fusion, passages with ids.

Import `assistant.retrieval.knowledge_base.KnowledgeBase` to get a store, an ingester and a retriever wired
from one Settings object; nothing is built at import time.
"""
