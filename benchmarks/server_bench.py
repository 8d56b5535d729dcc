"""Benchmark: the embedded model's server routes on the real drafting steps, side by side in one run.

The same weights, threads and operations through each route, one route after another:
  today    llama-cpp-python's server (`python -m llama_cpp.server`), run only when llama_cpp is importable
  server   llama.cpp's `llama-server`, speculation off (the default setting)
  primed   `llama-server` as `server`, then every drafting prompt's stable prefix primed into its prompt cache
           (ModelStep.prime, as the web UI's warm-up does), timed apart from the drafting
  ngram    `llama-server` with n-gram speculation (ngram-simple; JIANSHI_MODEL_SPECULATION turns it on)
For each route: start-up, one area drafted from a unit's 素材 (draft_area, median of --repeat, each round a
different unit of --units, so that no round is a prompt-cache hit of the one before), the first streamed token of
each step, optionally whole materials (--whole: bank-first once, and one from each unit's 素材, median), the server's peak resident
memory, and, on llama-server, the prompt tokens it really evaluated against the tokens sent (the rest came
from its prompt cache). Every model call runs at temperature 0, so the texts of two routes can be compared:
the report says how many steps came out identical to the `server` route's.

The first 素材 material of a route (first_sucai_material_s) is reported apart: on `server` it pays the prefill of the
cause and measure prompts' system text and examples (the area rounds before it have cached the item prompt's), on
`primed` the warm-up has paid it.

    .venv/bin/python benchmarks/server_bench.py [--model 1.5b] [--repeat 3] [--whole] [--units u01,u02,u03] [--routes today,server,primed,ngram] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evals.dataset import load_units  # noqa: E402
from assistant.evals.tasks import unit_sucai  # noqa: E402
from assistant.models.base import Message  # noqa: E402
from assistant.models.embedded import ALIAS, EmbeddedModel, EmbeddedServer  # noqa: E402
from assistant.models.factory import embedded_weights  # noqa: E402
from assistant.operations import Facts  # noqa: E402
from assistant.operations.base import PRIMED_PROMPTS  # noqa: E402
from assistant.workbench import Workbench  # noqa: E402
from model_bench import FACTS  # noqa: E402  (the same facts as the model benchmark)

ORG = "江川市市场监督管理局"


def python_server_command(server: EmbeddedServer, port: int) -> list[str]:
    """Today's route: llama-cpp-python's server on the same weights and threads."""
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(server.model_path), "--model_alias", ALIAS,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(server.n_ctx), "--n_threads", str(server.n_threads)]


class Recorded:
    """The model at temperature 0, recording every call: sent and evaluated prompt tokens, first token, text."""

    def __init__(self, model: EmbeddedModel) -> None:
        self.model = model
        self.name = model.name
        self.calls: list[dict] = []

    def __getattr__(self, name):
        return getattr(self.model, name)

    def complete(self, messages, **kwargs):
        kwargs["temperature"] = 0.0
        before = evaluated_tokens(self.model.server)
        reply = self.model.complete(messages, **kwargs)
        after = evaluated_tokens(self.model.server)
        self.calls.append({"sent": reply.input_tokens, "evaluated": None if before is None else after - before,
                           "first_token_ms": reply.first_token_ms, "ms": reply.latency_ms, "text": reply.text})
        return reply


NGRAM = "ngram-simple"  # the speculation the ngram route measures (the default setting is off: it measured slower)


def evaluated_tokens(server: EmbeddedServer) -> int | None:
    """llama-server's count of prompt tokens it has evaluated (cached ones are not evaluated again)."""
    if server.port is None:
        return None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except (OSError, ValueError):
        return None
    found = re.search(r"^llamacpp:prompt_tokens_total\s+(\S+)", text, re.M)
    return int(float(found.group(1))) if found else None


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run_route(route: str, bench: Workbench, model_file: Path, args) -> dict:
    settings = bench.settings
    server = EmbeddedServer(model_file, n_ctx=settings.model_context, n_threads=settings.model_threads,
                            speculation="off" if route != "ngram" else NGRAM,
                            cache_ram_mib=settings.model_cache_ram,
                            **({"command": python_server_command} if route == "today" else {}))
    model = Recorded(EmbeddedModel(server, label=route))
    ops = bench.operations(model=model, log=False)
    notice = bench.notices.get("2024")
    samples = {s.id: s for s in load_units()}
    units = [samples[u] for u in args.units.split(",") if u]  # distinct requests: no repeat is a cache hit
    start = time.perf_counter()
    model.model.complete([Message("user", "好")], max_tokens=1)  # start the server, load the weights
    figures: dict = {"route": route, "startup_s": round(time.perf_counter() - start, 1)}
    if route == "primed":
        start = time.perf_counter()
        ops.step.prime(PRIMED_PROMPTS, pause=0.0)
        figures["prime_s"] = round(time.perf_counter() - start, 1)
        model.calls.clear()
    area_s, first_tokens, texts = [], [], []
    for i in range(args.repeat):
        sample = units[i % len(units)]
        unit = sample.input
        model.calls.clear()
        # one area from the unit's 素材: the model writes its items (an area from facts alone needs no model)
        result = ops.draft_area(bench.notices.get(str(unit["notice"])), 1, org=unit["org"], kind=unit["kind"],
                                facts=Facts(), sucai=unit_sucai(sample))
        area_s.append(result.elapsed_ms / 1000)
        first_tokens += [c["first_token_ms"] for c in model.calls if c["first_token_ms"] is not None]
        texts += [c["text"] for c in model.calls]
    figures.update(area_s_median=round(statistics.median(area_s), 1), area_s=[round(s, 1) for s in area_s],
                   first_token_ms_median=round(statistics.median(first_tokens)) if first_tokens else None)
    if args.whole:
        model.calls.clear()
        started = time.perf_counter()
        ops.draft_all(notice, org=ORG, kind="banzi", facts=FACTS)
        figures["bank_first_material_s"] = round(time.perf_counter() - started, 1)
        texts += [c["text"] for c in model.calls]
        whole_s, steps, sent, evaluated = [], [], [], []
        for sample in units:  # the first of them is the first 素材 material since the start
            unit = sample.input
            model.calls.clear()
            started = time.perf_counter()
            ops.draft_all(bench.notices.get(str(unit["notice"])), org=unit["org"], kind=unit["kind"], facts=Facts(),
                          sucai=unit_sucai(sample))
            whole_s.append(time.perf_counter() - started)
            steps.append(len(model.calls))
            sent.append(sum(c["sent"] for c in model.calls))
            if model.calls and model.calls[0]["evaluated"] is not None:
                evaluated.append(sum(c["evaluated"] for c in model.calls))
            texts += [c["text"] for c in model.calls]
        figures.update(sucai_material_s=round(statistics.median(whole_s), 1),
                       first_sucai_material_s=round(whole_s[0], 1),
                       sucai_material_each_s=[round(s, 1) for s in whole_s], sucai_steps=steps,
                       sucai_tokens_sent=sent, **({"sucai_tokens_evaluated": evaluated} if evaluated else {}))
    figures["peak_rss_mb"] = round(peak_rss_mb(server.process.pid))
    model.close()
    return {"figures": figures, "texts": texts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="1.5b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--whole", action="store_true",
                        help="also whole materials per route: bank-first once, and one from each unit's 素材 (slow)")
    parser.add_argument("--units", default="u01,u02,u03",
                        help="评测集 sucai 中的单位，逗号分隔：各轮依次用不同单位的素材（请求各不相同，不会整段命中提示缓存）")
    parser.add_argument("--routes", default="today,server,primed,ngram")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bench = Workbench.from_settings(Settings(embedded_model=args.model))
    model_file, _ = embedded_weights(bench.settings)
    bench.retriever().search("理论学习", 1)  # the index is built outside the timings
    routes = [r for r in args.routes.split(",") if r]
    if "today" in routes:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError:
            print("未安装 llama-cpp-python，跳过 today 一项", file=sys.stderr)
            routes.remove("today")
    results = {}
    for route in routes:
        results[route] = run_route(route, bench, model_file, args)
        print(json.dumps(results[route]["figures"], ensure_ascii=False), file=sys.stderr, flush=True)
    base = results.get("today") or results.get("server")
    report = {"model": args.model, "repeat": args.repeat, "routes": [r["figures"] for r in results.values()]}
    for route, result in results.items():
        figures = result["figures"]
        for key in ("area_s_median", "first_token_ms_median", "bank_first_material_s", "sucai_material_s",
                    "first_sucai_material_s"):
            if key in figures and base["figures"].get(key):
                figures[f"{key}_ratio"] = round(figures[key] / base["figures"][key], 2)
        if "server" in results and route != "server":
            reference = results["server"]["texts"]
            same = sum(a == b for a, b in zip(result["texts"], reference))
            figures["identical_to_server"] = f"{same}/{min(len(reference), len(result['texts']))}"
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
