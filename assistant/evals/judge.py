"""An optional LLM judge: two versions' outputs for the same case, shown as A and B in a seeded random order,
judged against the reviewers' rubric. Used only when JIANSHI_JUDGE_URL and JIANSHI_JUDGE_MODEL are set
(Settings.judge_url, judge_model, judge_api_key).

The score `judge_win_rate` is 1 for the version the judge preferred, 0 for the other, 0.5 each for a tie;
every other version is compared with the first one, which gets the mean of its comparisons.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

from ..models.base import ChatModel, Message
from .cache import CachingModel
from .scorers import Score

SYSTEM = """你是民主生活会对照检查材料的审读人。比较同一任务的两份输出A和B，按以下标准判断哪一份更好：
1. 问题写到思想根子上，不是单纯的工作问题，也不是变相表扬；
2. 事例具体，只使用任务中给出的事实，没有编造时间、数字、人名、文件名，缺的信息留〔待补〕；
3. 口吻正确（班子材料用“班子”“有的班子成员”，个人材料用“我”“本人”），格式符合要求，语言规范简洁。
先在第一行只写一个字：A、B 或 平（两份相当），第二行用一句话说明理由。"""
VERDICT = re.compile(r"[ABＡＢ平]")


def build_judge(cache_path: Path | None, settings) -> "PairwiseJudge | None":
    """The judge the settings name, or None when no judge is configured."""
    if not (settings.judge_url and settings.judge_model):
        return None
    from ..models.openai_compat import OpenAICompatModel

    model = OpenAICompatModel(base_url=settings.judge_url, model=settings.judge_model,
                              api_key=settings.judge_api_key or "sk-local", label=settings.judge_url)
    return PairwiseJudge(CachingModel(model, cache_path))


class PairwiseJudge:
    def __init__(self, model: ChatModel, *, seed: int = 7) -> None:
        self.model = model
        self.seed = seed

    @property
    def name(self) -> str:
        return self.model.name

    def compare(self, task: str, first: str, second: str, *, key: str) -> tuple[str, str]:
        """("first" | "second" | "tie", the judge's reason). The order shown depends only on seed and key."""
        swapped = random.Random(f"{self.seed}:{key}").random() < 0.5
        shown_a, shown_b = (second, first) if swapped else (first, second)
        request = f"任务：\n{task}\n\n输出A：\n{shown_a}\n\n输出B：\n{shown_b}"
        reply = self.model.complete([Message("system", SYSTEM), Message("user", request)], max_tokens=120,
                                    temperature=0.0, seed=self.seed).text.strip()
        match = VERDICT.search(reply.split("\n", 1)[0]) or VERDICT.search(reply)
        reason = reply.split("\n", 1)[1].strip() if "\n" in reply else reply
        if match is None or match.group(0) == "平":
            return "tie", reason
        picked_a = match.group(0) in "AＡ"
        return ("first" if picked_a != swapped else "second"), reason

    def score_rows(self, rows: list[dict], versions: list[str], samples: dict) -> None:
        """Adds `judge_win_rate` to the rows of model-backed cases, comparing every version with the first."""
        cases: dict[tuple, dict[str, dict]] = defaultdict(dict)
        for row in rows:
            if row["version"] is not None and not row.get("error"):
                cases[(row["family"], row["id"], row["repeat"])][row["version"]] = row
        reference = versions[0]
        for (family, case, repeat), by_version in cases.items():
            if reference not in by_version:
                continue
            task = describe_task(samples[(family, case)])
            mine: list[float] = []
            for version in versions[1:]:
                if version not in by_version:
                    continue
                first, second = (_text(by_version[v]) for v in (reference, version))
                winner, reason = self.compare(task, first, second, key=f"{family}:{case}:{repeat}:{version}")
                value = {"first": 0.0, "second": 1.0, "tie": 0.5}[winner]
                by_version[version]["scores"]["judge_win_rate"] = Score(value, None, f"对比{reference}：{reason}").to_dict()
                mine.append(1.0 - value)
            if mine:
                by_version[reference]["scores"]["judge_win_rate"] = Score(sum(mine) / len(mine), None,
                                                                          "与其他版本逐一比较的平均").to_dict()


def describe_task(sample) -> str:
    parts = []
    for key, value in sample.input.items():
        if key == "draft":
            continue
        parts.append(f"{key}：{'；'.join(map(str, value)) if isinstance(value, list) else value}")
    return "\n".join(parts)


def _text(row: dict) -> str:
    output = row["output"]
    return output.get("reasoning") or output.get("text", "")
