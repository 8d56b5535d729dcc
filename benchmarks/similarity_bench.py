"""Benchmark: the 雷同 rule on a 10,000-character material against the banks and 10 other materials.

Reports the median of repeated runs of the rule (inverted bigram index with a prefix filter; the others'
index is built on every run, the bank index once) and, in the same process, a naive all-pairs comparison of
the same sentences as the baseline; both must find the same shared sentences.

    .venv/bin/python benchmarks/similarity_bench.py [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import similarity  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.document import parse  # noqa: E402
from assistant.rubric import run_rubric  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
FIXTURES = ROOT / "tests" / "fixtures"
NAMES = ("clean-2024-banzi.txt", "clean-2022-banzi.txt", "clean-2023-geren.txt")
TARGET_CHARS = 10_000
OTHERS = 10


def build_material(target: int = TARGET_CHARS) -> str:
    """The three clean fixtures one after another, cut at the line where the target length is reached."""
    out, chars = [], 0
    for name in NAMES:
        for line in (FIXTURES / name).read_text(encoding="utf-8").split("\n"):
            if chars >= target:
                return "\n".join(out)
            out.append(line)
            chars += len(CJK.findall(line))
    return "\n".join(out)


def shuffled_material(seed: int, target: int) -> str:
    """Real wording that shares no sentence with the fixtures: their clauses dealt out again into new sentences."""
    rng = random.Random(seed)
    clauses = [c for name in NAMES for c in re.split(r"[，。；：！？\n]", (FIXTURES / name).read_text(encoding="utf-8"))
               if len(c) >= 4]
    rng.shuffle(clauses)
    lines, line, chars = [], [], 0
    for clause in clauses:
        line.append(clause)
        chars += len(CJK.findall(clause))
        if rng.random() < 0.25:
            lines.append("，".join(line) + "。")
            line = []
        if chars >= target:
            break
    return "\n".join(lines + (["，".join(line) + "。"] if line else []))


def median_ms(fn, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def naive(text: str, bank: similarity.SentenceCorpus, others: list[tuple[str, str]], threshold: float,
          min_chars: int) -> list[tuple[int, str]]:
    """Every eligible sentence against every sentence of the banks and the others, no index."""
    pool = list(bank._grams)
    for label, other in others:
        pool += [s.grams for s in similarity.split_sentences(other, skip_headings=False)]
    shared = []
    for sentence in similarity.eligible_sentences(text, min_chars):
        need = max(1, math.ceil(threshold * len(sentence.grams) - 1e-9))
        if max(len(sentence.grams & grams) for grams in pool) >= need:
            shared.append((sentence.line, sentence.text))
    return shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = Settings()
    threshold, min_chars = settings.similarity_threshold, settings.similarity_min_chars
    text = build_material()
    # One neighbour copied the first 20 lines of the 2024 material; nine others reuse the fixtures' clauses only.
    others = [("其他材料1.txt", "\n".join((FIXTURES / NAMES[0]).read_text(encoding="utf-8").split("\n")[:20]))]
    others += [(f"其他材料{i + 1}.txt", shuffled_material(i, 8_000)) for i in range(1, OTHERS)]
    doc = parse(text)
    banks = settings.knowledge_dir / "banks"

    start = time.perf_counter()
    bank = similarity.bank_corpus(banks)
    bank_ms = (time.perf_counter() - start) * 1000

    def rule():
        return run_rubric(doc, settings=settings, only=["similarity"], others=others)

    report = rule()
    rule_ms = median_ms(rule, args.repeat)
    naive_ms = median_ms(lambda: naive(doc.plain_text, bank, others, threshold, min_chars), args.repeat)
    indexed_others = similarity.SentenceCorpus()
    for label, other in others:
        indexed_others.add(other, label)
    lookup_ms = median_ms(lambda: similarity.compare(doc.plain_text, [bank, indexed_others], threshold=threshold,
                                                     min_chars=min_chars), args.repeat)

    indexed = sorted((f.line, f.excerpt) for f in report.findings if f.line is not None)
    baseline = naive(doc.plain_text, bank, others, threshold, min_chars)
    assert len(indexed) == len(baseline), (len(indexed), len(baseline))
    assert [line for line, _ in indexed] == sorted(line for line, _ in baseline)

    result = {
        "chars": len(CJK.findall(text)),
        "sentences": len(similarity.eligible_sentences(doc.plain_text, min_chars)),
        "other_chars": sum(len(CJK.findall(t)) for _, t in others),
        "bank_sentences": len(bank),
        "shared": len(baseline),
        "shared_share": report.measures["shared_share"],
        "bank_build_ms": round(bank_ms, 1),
        "rule_ms_median": round(rule_ms, 1),
        "lookup_ms_median": round(lookup_ms, 1),
        "naive_ms_median": round(naive_ms, 1),
        "naive_over_rule": round(naive_ms / rule_ms, 1),
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"材料 {result['chars']} 字，可比对的句子 {result['sentences']} 句；其他材料 {OTHERS} 份共 {result['other_chars']} 字；"
              f"参考库 {result['bank_sentences']} 句")
        print(f"雷同 {result['shared']} 句（占 {result['shared_share']:.0%}），两种算法结果一致")
        print(f"参考库索引首次建立：{result['bank_build_ms']} ms（之后按目录缓存）")
        print(f"雷同检查中位数：{result['rule_ms_median']} ms（{args.repeat} 次，含为其他材料建索引；目标 < 1000 ms）；"
              f"其中逐句查找 {result['lookup_ms_median']} ms")
        print(f"逐对比较（基线）中位数：{result['naive_ms_median']} ms；为雷同检查的 {result['naive_over_rule']} 倍")


if __name__ == "__main__":
    main()
