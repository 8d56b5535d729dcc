"""The knowledge base as a LangChain retriever, so a LangChain chain or agent can draw on the same index.

    from assistant.workbench import Workbench
    from assistant.retrieval.langchain_retriever import KnowledgeBaseRetriever

    retriever = KnowledgeBaseRetriever(retriever=Workbench.from_settings().retriever(), k=4, kind="problem")
    documents = retriever.invoke("调查研究不深入")  # LangChain Documents; metadata carries the citation

It wraps, and does not replace, assistant.retrieval.retriever.Retriever: the same hybrid search, filters and
passage ids. langchain-core is imported only when this module is.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class KnowledgeBaseRetriever(BaseRetriever):
    """LangChain's retriever interface over the project's Retriever (hybrid dense + BM25 search)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # assistant.retrieval.retriever.Retriever, or a scoped view of it
    k: int = 5
    kind: str | list[str] | None = None
    dimension: str | None = None
    year: int | str | None = None
    area: str | None = None
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages = self.retriever.search(query, self.k, kind=self.kind, dimension=self.dimension, year=self.year,
                                         area=self.area, mode=self.mode)
        return [Document(page_content=p.text, id=p.id, metadata=_metadata(p)) for p in passages]


def _metadata(passage) -> dict:
    """What a citation needs (id, source, position, kind, score), without repeating the text."""
    found = {key: value for key, value in passage.to_dict().items() if key != "text"}
    return {**found, "title": passage.title, "citation": passage.citation}
