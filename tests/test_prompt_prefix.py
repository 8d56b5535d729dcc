"""Prompt caching: every prompt's stable part (system text, few-shot examples) comes first and does not change
with the request, so consecutive calls of one prompt share everything but the last message and the model
server evaluates only the request again."""

import pytest

from assistant.config import PROJECT_ROOT
from assistant.prompts import PromptLibrary

LIBRARY = PromptLibrary(PROJECT_ROOT / "prompts")
REFS = [f"{name}@v{version}" for name in LIBRARY.names() for version in LIBRARY.versions(name)]


@pytest.mark.parametrize("ref", REFS)
def test_only_the_last_message_depends_on_the_request(ref):
    prompt = LIBRARY.get(ref)
    first = prompt.messages(**{name: f"甲{name}" for name in prompt.variables})
    second = prompt.messages(**{name: f"乙乙{name}" for name in prompt.variables})
    assert first[:-1] == second[:-1]
    assert first[-1] != second[-1] and first[-1].role == "user"
    assert all("甲" not in m.content for m in first[:-1])


def test_the_shared_prefix_is_most_of_a_short_request():
    """With a short request the stable prefix is the larger part: that is what the prompt cache saves."""
    prompt = LIBRARY.get("item_from_sucai")
    messages = prompt.messages(**{name: "某" for name in prompt.variables})
    prefix = sum(len(m.content) for m in messages[:-1])
    assert prefix > len(messages[-1].content)
