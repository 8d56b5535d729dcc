"""Benchmark: a whole material drafted from a 12-entry 素材 list on the embedded model, next to the earlier
bank-first `draft_all` given the same lines as facts, in the same run.

The earlier pipeline is the code at BASELINE_COMMIT, exported from git into a temporary folder and run in a
child process against the same running model server (as an OpenAI-compatible endpoint on loopback), so both
sides use the same server, weights, threads and machine. Reports the
median over repeats of the time per material and the prompt and output tokens sent, and for each side the
share of sentences found in the banks (雷同) and how many of the unit's problem entries reach the material.

    .venv/bin/python benchmarks/sucai_bench.py [--model 1.5b|0.5b] [--repeat 3] [--unit u01] [--save OUT.md] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evals.dataset import load_units  # noqa: E402
from assistant.evals.scorers import entries_reached  # noqa: E402
from assistant.evals.tasks import unit_sucai  # noqa: E402
from assistant.models.embedded import ALIAS  # noqa: E402
from assistant.operations import Facts  # noqa: E402
from assistant.similarity import bank_corpus, shared_share  # noqa: E402
from assistant.workbench import Workbench  # noqa: E402
from fresh_home import fresh_home  # noqa: E402

BASELINE_COMMIT = "989e975"  # drafting from the banks first, facts attached by wording overlap
BASELINE_RUN = """
import json, sys, time
from assistant.config import Settings
from assistant.operations import Facts
from assistant.workbench import Workbench
unit = json.loads(sys.argv[1])
bench = Workbench.from_settings(Settings())
ops = bench.operations(log=False)
notice = bench.notices.get(str(unit["notice"]))
start = time.perf_counter()
result = ops.draft_all(notice, org=unit["org"], kind=unit["kind"], facts=Facts(unit["lines"]))
print(json.dumps({"seconds": time.perf_counter() - start, "text": result.text, **result.usage}, ensure_ascii=False))
"""


def baseline(unit: dict, lines: list[str], base_url: str, tree: Path, home: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "JIANSHI_HOME": str(home), "JIANSHI_MODEL_URL": base_url,
           "JIANSHI_MODEL": ALIAS, "JIANSHI_MODEL_TIMEOUT": "600"}
    payload = json.dumps({"notice": unit["notice"], "org": unit["org"], "kind": unit["kind"], "lines": lines},
                         ensure_ascii=False)
    done = subprocess.run([sys.executable, "-c", BASELINE_RUN, payload], cwd=tree, env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_baseline(folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_COMMIT], capture_output=True, check=True)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="1.5b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--unit", default="u01", help="评测集 sucai 中的单位编号（默认 u01，12 条素材）")
    parser.add_argument("--save", type=Path, help="把最后一次生成的两份材料写入这个 Markdown 文件")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = Settings(embedded_model=args.model)
    bench = Workbench.from_settings(settings)
    sample = next(s for s in load_units() if s.id == args.unit)
    unit = sample.input
    notice = bench.notices.get(str(unit["notice"]))
    ops = bench.operations(log=False)
    lines = [e["text"] for e in sample.target["entries"]]
    banks = bank_corpus(settings.knowledge_dir / "banks")
    ops.draft_area(notice, 1, org=unit["org"], kind=unit["kind"], facts=Facts(), sucai=unit_sucai(sample))  # warm
    new, old = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tree = export_baseline(Path(tmp) / "baseline")
        # the older code keeps its own index in its own data directory, never in the one in use; it builds it
        # in its first round, which the median of three leaves out (the report lists every round)
        old_home = fresh_home("jianshi-sucai-bench-")
        for round_ in range(args.repeat):
            start = time.perf_counter()
            result = ops.draft_all(notice, org=unit["org"], kind=unit["kind"], facts=Facts(), sucai=unit_sucai(sample))
            new.append({"seconds": time.perf_counter() - start, "text": result.text, **result.usage})
            old.append(baseline(unit, lines, ops.step.model.server.base_url, tree, old_home))
            print(f"第{round_ + 1}轮：素材 {new[-1]['seconds']:.0f} 秒，参考库优先 {old[-1]['seconds']:.0f} 秒",
                  file=sys.stderr, flush=True)
    figures = {}
    for name, runs in (("sucai", new), ("baseline", old)):
        figures[name] = {
            "seconds_median": round(statistics.median(r["seconds"] for r in runs), 1),
            "input_tokens_median": statistics.median(r["input_tokens"] for r in runs),
            "output_tokens_median": statistics.median(r["output_tokens"] for r in runs),
            "bank_share": round(shared_share(runs[-1]["text"], banks), 3),
            "entries_reached": round(entries_reached(runs[-1]["text"], sample.target["entries"]).value, 3),
            "chars": len(runs[-1]["text"]), "slots": runs[-1]["text"].count("〔待补"),
        }
    figures["rounds_s"] = {"sucai": [round(r["seconds"], 1) for r in new], "baseline": [round(r["seconds"], 1) for r in old]}
    figures["time_ratio"] = round(figures["sucai"]["seconds_median"] / figures["baseline"]["seconds_median"], 2)
    figures["model"], figures["unit"], figures["repeat"] = args.model, args.unit, args.repeat
    if args.save:
        args.save.write_text(f"# 素材起草\n\n{new[-1]['text']}\n\n# 参考库优先（{BASELINE_COMMIT}）\n\n{old[-1]['text']}\n",
                             encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
