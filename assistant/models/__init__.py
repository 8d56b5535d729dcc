"""Model backends behind one seam: any OpenAI-compatible endpoint, the embedded llama.cpp model, a fake."""

from .base import ChatModel, Message, ModelError, ModelReply

__all__ = ["ChatModel", "Message", "ModelError", "ModelReply"]
