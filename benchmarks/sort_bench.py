"""Benchmark: area sorting of the eval units' problem entries by retrieval alone (no model is started).

Builds the real sorter over the real index (embedded Chroma with the bundled knowledge, in a temporary data
directory unless --home is given), sorts each unit of evals/datasets/sucai.jsonl as the sucai eval does
(`unit_sucai`, recurrences marked, then the sorter), and scores it with the eval's own `placed_areas` and
`sort_accuracy`. A near tie, which the model would break in a draft, is left to the retrieval votes' first
choice (or to the runner-up with --ties second, to bound what a tie-breaker can change); the number of ties
is reported, with every miss.

    .venv/bin/python benchmarks/sort_bench.py [--home DIR] [--ties first|second] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evals import scorers as S  # noqa: E402
from assistant.evals.dataset import load_units  # noqa: E402
from assistant.evals.tasks import placed_areas, unit_sucai  # noqa: E402
from assistant.operations.catalog import Catalog  # noqa: E402
from assistant.sucai.carryover import mark_recurrences  # noqa: E402
from assistant.sucai.sorting import AreaSorter  # noqa: E402
from assistant.workbench import Workbench  # noqa: E402


def run(home: Path, ties: str) -> dict:
    bench = Workbench.from_settings(Settings(home=home))
    sorter = AreaSorter(retriever=bench.retriever(), catalog=Catalog(bench.settings.knowledge_dir / "banks"),
                        notices=bench.notices)
    seen: list[int] = []

    def tie_breaker(text: str, options: list[tuple[int, str]]) -> int:
        seen.append(1)
        return options[0][0] if ties == "first" else options[1][0]

    units, right, total, ties_all = [], 0, 0, 0
    for sample in load_units():
        notice = bench.notices.get(str(sample.input["notice"]))
        sucai = unit_sucai(sample)
        mark_recurrences(sucai)
        seen.clear()
        sorter.sort(notice, sucai, only_unplaced=True, tie_breaker=tie_breaker)
        predicted, expected = placed_areas(sucai, sample.target["entries"])
        score = S.sort_accuracy(predicted, expected)
        misses = [f"{key}: {predicted[key]}→{expected[key]}" for key in expected if predicted[key] != expected[key]]
        hits = len(expected) - len(misses)
        right, total, ties_all = right + hits, total + len(expected), ties_all + len(seen)
        units.append({"unit": sample.id, "notice": str(sample.input["notice"]), "accuracy": round(score.value, 3),
                      "right": hits, "entries": len(expected), "ties": len(seen), "misses": misses})
    return {"accuracy": round(right / total, 3), "right": right, "entries": total, "ties": ties_all,
            "tie_choice": ties, "units": units}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="数据目录（已有索引可复用；默认用新的临时目录）")
    parser.add_argument("--ties", choices=("first", "second"), default="first",
                        help="票数接近时取第一名（默认）或第二名")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="jianshi-sort-"))
    report = run(home, args.ties)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for unit in report["units"]:
        print(f"{unit['unit']} ({unit['notice']}) {unit['right']}/{unit['entries']} = {unit['accuracy']:.2f}"
              f"  ties {unit['ties']}  misses {', '.join(unit['misses']) or '-'}")
    print(f"all {report['right']}/{report['entries']} = {report['accuracy']:.3f}  ties {report['ties']}"
          f" (broken to the {report['tie_choice']} choice)")


if __name__ == "__main__":
    main()
