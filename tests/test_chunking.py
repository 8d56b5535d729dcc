"""Chinese-aware chunking: along headings, 一是/二是 items and sentences, never inside a sentence."""

import random
import re

import pytest

from assistant.knowledge.chunking import (
    CLOSERS,
    MAX_HEADING_CHARS,
    TERMINALS,
    Chunker,
    paragraphs,
    split_sentences,
)
from conftest import SAMPLE, fixture_text

WORDS = ["理论学习", "主体责任", "党性修养", "群众路线", "调查研究", "中央八项规定精神", "形式主义", "担当作为",
         "民主集中制", "廉洁自律", "班子成员", "分管领域", "基层减负", "政治站位", "“两个维护”", "落实不到位"]
LINKS = ["还存在", "对", "不够", "有时", "在", "方面", "仍有差距", "没有真正", "满足于"]
NUMERALS = "一二三四五六七八九十"


def sentence(rng: random.Random, low: int = 3, high: int = 12) -> str:
    parts = [rng.choice(WORDS) + rng.choice(LINKS) for _ in range(rng.randint(low, high))]
    body = "，".join("".join(parts[i : i + 2]) for i in range(0, len(parts), 2))
    return body + rng.choice(["。", "。", "！", "？", "。”"])


def material(seed: int, areas: int = 4) -> str:
    rng = random.Random(seed)
    lines = ["关于某单位领导班子的对照检查材料", "", "一、存在的主要问题"]
    for area in range(areas):
        lines.append(f"（{NUMERALS[area]}）在{rng.choice(WORDS)}方面")
        for item in range(rng.randint(2, 3)):
            text = f"{NUMERALS[item]}是" + "".join(sentence(rng) for _ in range(rng.randint(1, 4)))
            lines.append(text + "比如，" + sentence(rng))
    lines.append("二、产生问题的原因剖析")
    lines.append("".join(sentence(rng) for _ in range(12)))
    return "\n".join(lines)


def sentences_of(text: str) -> list[str]:
    return [s for p, _ in paragraphs(text) for s in split_sentences(p)]


def ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS)[-1:] in TERMINALS


@pytest.mark.parametrize("seed", range(12))
def test_chunks_never_end_mid_sentence_and_stay_in_range(seed):
    chunker = Chunker(min_chars=300, max_chars=600)
    text = material(seed)
    chunks = chunker.split(text)
    assert len(chunks) >= 2
    body_sentences = set(sentences_of(text))
    for chunk in chunks:
        assert len(chunk.text) <= 600 + MAX_HEADING_CHARS
        last_line = chunk.text.split("\n")[-1]
        last = split_sentences(last_line)[-1]
        assert last in body_sentences, f"chunk {chunk.position} ends inside a sentence: …{chunk.text[-30:]}"
        assert ends_sentence(chunk.text), f"chunk {chunk.position} ends without a full stop: …{chunk.text[-30:]}"
    sizes = [len(c.text) for c in chunks[:-1]]
    assert sum(300 <= size <= 600 for size in sizes) >= 0.7 * len(sizes)


@pytest.mark.parametrize("seed", range(6))
def test_every_sentence_is_kept_in_order(seed):
    text = material(seed)
    chunks = Chunker().split(text)
    joined = "\n".join(c.text for c in chunks)
    position = 0
    for s in sentences_of(text):
        found = joined.find(s, position)
        assert found >= 0, f"sentence lost or out of order: {s}"
        position = found
    assert [c.position for c in chunks] == list(range(1, len(chunks) + 1))


def test_consecutive_chunks_share_exactly_one_sentence():
    rng = random.Random(7)
    text = "".join(sentence(rng, 6, 10) for _ in range(40))  # one long paragraph: cuts by size only
    chunks = Chunker(min_chars=300, max_chars=600).split(text)
    assert len(chunks) >= 3
    for before, after in zip(chunks, chunks[1:]):
        last = split_sentences(before.text)[-1]
        assert split_sentences(after.text)[0] == last
        assert split_sentences(after.text)[1] not in before.text


def test_no_overlap_across_a_heading_and_chunks_start_at_headings():
    rng = random.Random(3)
    text = "\n".join(f"（{NUMERALS[i]}）第{i + 1}个方面\n" + "".join(sentence(rng, 8, 10) for _ in range(5))
                     for i in range(3))
    chunks = Chunker(min_chars=200, max_chars=600).split(text)
    starts = [c for c in chunks if c.text.startswith("（")]
    assert len(starts) == 3
    for chunk in starts[1:]:
        previous = chunks[chunk.position - 2]
        assert split_sentences(previous.text)[-1] not in chunk.text
    assert chunks[-1].section == "（三）第3个方面"


def test_cut_prefers_item_boundaries():
    rng = random.Random(11)
    items = [f"{NUMERALS[i]}是" + "".join(sentence(rng, 6, 8) for _ in range(3)) for i in range(4)]
    chunks = Chunker(min_chars=300, max_chars=600).split("".join(items))
    for chunk in chunks[1:]:
        fresh = split_sentences(chunk.text)[1]  # after the one-sentence overlap
        assert re.match(rf"[{NUMERALS}]是", fresh), chunk.text[:40]


def test_a_chunk_never_ends_with_a_heading():
    rng = random.Random(5)
    text = "".join(sentence(rng, 10, 12) for _ in range(4)) + "\n（二）下一个方面\n" + sentence(rng, 10, 12)
    for chunk in Chunker(min_chars=100, max_chars=400).split(text):
        assert not chunk.text.split("\n")[-1].startswith("（二）")


def test_only_an_overlong_sentence_is_cut_and_at_clause_marks_first():
    clause = "班子成员对分管领域的风险隐患排查不够深入细致"
    long_sentence = "；".join([clause] * 20) + "。"  # about 460 characters, one sentence
    text = "前面一句。" + long_sentence + "后面一句。"
    chunks = Chunker(min_chars=50, max_chars=200).split(text)
    assert all(len(c.text) <= 200 for c in chunks)
    assert "".join(c.text for c in chunks).count(clause) >= 20
    for chunk in chunks:
        assert ends_sentence(chunk.text) or chunk.text.endswith("；"), chunk.text[-10:]
    no_breaks = "字" * 450 + "。"
    pieces = Chunker(min_chars=50, max_chars=200).split(no_breaks)
    assert all(len(c.text) <= 200 for c in pieces) and "".join(c.text for c in pieces).count("字") >= 450


def test_wrapped_pdf_lines_are_joined_back():
    text = ("班子成员对习近平新时代中国特色社会主义思想的学习还不够深入\n系统，"
            "存在学用脱节的问题，\n导致工作质效不高。\n二是担当作为不够。")
    chunks = Chunker().split(text)
    assert chunks[0].text == ("班子成员对习近平新时代中国特色社会主义思想的学习还不够深入系统，存在学用脱节的问题，"
                              "导致工作质效不高。\n二是担当作为不够。")


def test_titles_and_markdown_headings():
    text = "# 学习体会\n\n## 一、理论学习\n正文第一句。正文第二句！\n短标题\n\n第二段的话。"
    found = paragraphs(text)
    assert found[0] == ("学习体会", True) and found[1] == ("一、理论学习", True)
    chunks = Chunker().split(text)
    assert len(chunks) == 1 and chunks[0].text.startswith("学习体会\n一、理论学习\n正文第一句。")
    assert "短标题\n第二段的话。" in chunks[0].text


def test_quotes_stay_with_their_sentence():
    assert split_sentences("他说：“要抓早抓小。”然后离开了。真的吗？是的！") == [
        "他说：“要抓早抓小。”", "然后离开了。", "真的吗？", "是的！"]


def test_short_and_empty_texts():
    assert Chunker().split("") == []
    assert Chunker().split(" \n\u3000\n") == []
    only = Chunker().split("  一句话。 ")
    assert len(only) == 1 and only[0].text == "一句话。" and only[0].position == 1
    with pytest.raises(ValueError):
        Chunker(min_chars=700, max_chars=600)


@pytest.mark.parametrize("name", ["clean-2024-banzi.txt", "clean-2023-geren.txt", "clean-2022-banzi.txt"])
def test_real_materials_cut_at_sentence_or_paragraph_ends(name):
    text = fixture_text(name)
    chunks = Chunker().split(text)
    paragraph_ends = {p[-12:] for p, _ in paragraphs(text)}
    for chunk in chunks:
        assert ends_sentence(chunk.text) or chunk.text[-12:] in paragraph_ends, chunk.text[-30:]
        assert len(chunk.text) <= 600 + MAX_HEADING_CHARS
    assert max(len(c.text) for c in chunks) > 300


def test_sample_material_sections_follow_headings():
    chunks = Chunker().split(SAMPLE.read_text(encoding="utf-8"))
    assert any(c.section.startswith("（二）带头牢记") for c in chunks)
    assert all(ends_sentence(c.text) or c.position == 1 for c in chunks)


def test_a_text_of_headings_only_is_still_cut_to_size():
    text = "\n".join(f"## 第{i}节 关于理论学习和调查研究的若干问题" for i in range(100))
    chunks = Chunker(min_chars=100, max_chars=300).split(text)
    assert len(chunks) > 5 and all(len(c.text) <= 300 for c in chunks)
    assert "\n".join(c.text for c in chunks).count("## ") == 0 and sum(c.text.count("第") for c in chunks) == 100
