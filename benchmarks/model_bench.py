"""Benchmark: the embedded model and the drafting operations on it.

Reports medians over repeats: time to first token and generation speed on a fixed Chinese prompt, the time
for one area (draft_area from the 素材 of the sucai eval set's first unit: the model writes each item), and for a
whole 2024 team material (draft_all), and the prompt tokens each operation sends (its token budget), counted by the
model's own tokenizer. (An area drafted from facts alone takes bank suggestions and calls no model.)

    .venv/bin/python benchmarks/model_bench.py [--model 1.5b|0.5b] [--repeat 3] [--whole [--save OUT.md]] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evals.dataset import load_units  # noqa: E402
from assistant.evals.tasks import unit_sucai  # noqa: E402
from assistant.models.base import Message  # noqa: E402
from assistant.operations import Facts  # noqa: E402
from assistant.workbench import Workbench  # noqa: E402

FACTS = Facts.from_text("""集中学习研讨6次，征求意见建议42条，谈心谈话36人次
上年度查摆问题21个，已完成18个
2024年党组会议研究重大事项时，有3项事项先实施后报告
全年下基层调研31次，形成调研报告仅3篇
2024年受理群众投诉2316件，其中46件超期办结""")
PROMPT = [Message("system", "你是公文写作助手。"), Message("user", "请用三句话说明民主生活会前为什么要开展谈心谈话。")]


def in_process(model_path: Path, settings: Settings, repeat: int) -> tuple[list[float], list[float]]:
    """TTFT (ms) and tokens/s of the same prompt through llama_cpp.Llama loaded in this process (needs the
    llama-cpp-python package, which set-up no longer installs: the server is llama.cpp's own llama-server)."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=settings.model_context, n_threads=settings.model_threads,
                verbose=False)
    messages = [{"role": m.role, "content": m.content} for m in PROMPT]
    llm.create_chat_completion(messages=[{"role": "user", "content": "好"}], max_tokens=1)
    ttft, speed = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        first, pieces = None, 0
        for chunk in llm.create_chat_completion(messages=messages, max_tokens=120, temperature=0.2, seed=1, stream=True):
            if chunk["choices"][0]["delta"].get("content"):
                pieces += 1
                first = first or time.perf_counter()
        end = time.perf_counter()
        ttft.append((first - start) * 1000)
        speed.append(max(pieces - 1, 1) / (end - first))
    llm.close()
    return ttft, speed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="1.5b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--whole", action="store_true", help="also time a whole material (slow)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process llama.cpp baseline")
    parser.add_argument("--save", type=Path, metavar="OUT.md", help="with --whole: keep the generated material here")
    args = parser.parse_args()

    settings = Settings(embedded_model=args.model)
    bench = Workbench.from_settings(settings)
    start = time.perf_counter()
    ops = bench.operations(log=False)
    model = ops.step.model
    model.complete([Message("user", "好")], max_tokens=1)  # start the server, load the weights
    startup_s = time.perf_counter() - start
    notice = bench.notices.get("2024")
    bench.retriever().search("理论学习", 1)  # build the index outside the timings

    ttft, speed = [], []
    for _ in range(args.repeat):
        reply = model.complete(PROMPT, max_tokens=120, temperature=0.2, seed=1)
        ttft.append(reply.first_token_ms)
        generation_s = (reply.latency_ms - reply.first_token_ms) / 1000
        speed.append(max(reply.output_tokens - 1, 1) / generation_s if generation_s > 0 else 0.0)

    area_s, area_calls, budgets = [], [], {}
    sample = load_units()[0]
    unit = sample.input
    for _ in range(args.repeat):
        result = ops.draft_area(bench.notices.get(str(unit["notice"])), 1, org=unit["org"], kind=unit["kind"],
                                facts=Facts(), sucai=unit_sucai(sample))
        area_s.append(result.elapsed_ms / 1000)
        area_calls.append(len([s for s in result.steps if s.model != "template"]))
        budgets["draft_area（素材，各步合计）"] = result.usage["input_tokens"]
    analysis = ops.analyze_problem("班子成员中心组学习时照着稿子念，很少联系分管工作谈体会")
    budgets["analyze_problem"] = analysis.usage["input_tokens"]
    example = ops.suggest_examples("下基层调研不深不实，调研报告少", FACTS)
    budgets["suggest_examples"] = example.usage["input_tokens"]
    text = (ROOT / "tests" / "fixtures" / "clean-2024-banzi.txt").read_text(encoding="utf-8")
    from assistant.document import PartRole

    revised = ops.revise_section(text, PartRole.MEASURES, 2, "改得更具体些", FACTS)
    budgets["revise_section"] = revised.usage["input_tokens"]

    figures = {
        "model": args.model, "repeat": args.repeat, "startup_s": round(startup_s, 1),
        "ttft_ms_median": round(statistics.median(ttft)), "tokens_per_s_median": round(statistics.median(speed), 1),
        "draft_area_s_median": round(statistics.median(area_s), 1), "draft_area_model_steps": area_calls,
        "prompt_tokens": budgets,
    }
    if args.whole:
        result = ops.draft_all(notice, org="江川市市场监督管理局", kind="banzi", facts=FACTS)
        figures["draft_all_s"] = round(result.elapsed_ms / 1000, 1)
        figures["draft_all_prompt_tokens"] = result.usage["input_tokens"]
        figures["draft_all_blockers"] = sorted({f["rule"] for f in result.data["rubric"]["findings"]
                                                if f["severity"] == "blocker"})
        figures["draft_all_chars"] = len(result.text)
        figures["draft_all_slots"] = result.text.count("〔待补")
        if args.save:
            args.save.write_text(result.text, encoding="utf-8")
    model.close()
    if not args.no_baseline and importlib.util.find_spec("llama_cpp") is None:
        print("未安装 llama-cpp-python，跳过进程内对照（可 pip install llama-cpp-python 后再测）", file=sys.stderr)
    elif not args.no_baseline:  # the same prompt on llama.cpp in this process: what serving it on loopback costs
        base_ttft, base_speed = in_process(model.server.model_path, settings, args.repeat)
        figures["in_process_ttft_ms_median"] = round(statistics.median(base_ttft))
        figures["in_process_tokens_per_s_median"] = round(statistics.median(base_speed), 1)
        figures["ratio_ttft_served_vs_in_process"] = round(figures["ttft_ms_median"] / figures["in_process_ttft_ms_median"], 2)
        figures["ratio_speed_served_vs_in_process"] = round(
            figures["tokens_per_s_median"] / figures["in_process_tokens_per_s_median"], 2)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
