"""Load and soak: a real `jianshi ui` on loopback, called through its named endpoints (gradio_client).

- burst: 20 `/check` calls at once, then 3 `/chat` conversations at once (each: choose the 2024 notice,
  "写第一个方面", then a problem's root causes, which calls the model); every call must come back without an error;
- soak: 500 `/check` calls (4 at a time), with the UI process's resident memory (VmRSS) before and after.

/chat runs on a scripted OpenAI-compatible stub on loopback (tests/openai_stub.py, set as JIANSHI_MODEL_URL),
so the figures measure the app, not a model: the stub's short replies fail validation and the drafting
falls back to the marked bank text, as it would with a failing model. Bounded in count and in time
(--max-seconds); the data directory is a fresh temporary one. Linux only (memory is read from /proc).

    .venv/bin/python benchmarks/load_soak.py [--checks 20] [--chats 3] [--soak 500] [--max-seconds 900] [--json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.openai_stub import StubOpenAI  # noqa: E402
from tests.test_ui_browser import free_port, stop, wait_for  # noqa: E402

MATERIAL = (ROOT / "tests" / "fixtures" / "clean-2024-banzi.txt").read_text(encoding="utf-8")
FAILED = ("出错了", "没有完成")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(call):
    start = time.perf_counter()
    try:
        result = call()
        error = None
    except Exception as exc:  # noqa: BLE001  counted and reported, the run goes on
        result, error = None, f"{type(exc).__name__}: {exc}"
    return (time.perf_counter() - start) * 1000, result, error


def summary(latencies: list[float], errors: list[str]) -> dict:
    ordered = sorted(latencies)
    return {"calls": len(latencies), "errors": len(errors), "error_samples": errors[:3],
            "median_ms": round(statistics.median(ordered), 1) if ordered else None,
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else None,
            "max_ms": round(ordered[-1], 1) if ordered else None}


def check_once(client) -> dict:
    findings = client.predict(MATERIAL, "2024", "banzi", api_name="/check")
    if not isinstance(findings, dict) or "summary" not in findings:
        raise AssertionError(f"unexpected /check reply: {str(findings)[:80]}")
    return findings


def chat_conversation(client) -> str:
    first = client.predict("用2024年的通知", api_name="/chat")
    drafted = client.predict("写第一个方面", api_name="/chat")
    analysed = client.predict("分析一下这个问题的根源：调研走过场，只听汇报不进农户", api_name="/chat")
    for reply, expected in ((first, "已选用"), (drafted, "（一）"), (analysed, "原因维度")):
        if expected not in reply or any(word in reply for word in FAILED):
            raise AssertionError(f"unexpected /chat reply: {reply[:80]}")
    return analysed


def run(args) -> dict:
    from gradio_client import Client

    deadline = time.monotonic() + args.max_seconds
    home = Path(tempfile.mkdtemp(prefix="jianshi-soak-"))
    port = free_port()
    with StubOpenAI() as stub:
        env = {**os.environ, "JIANSHI_HOME": str(home), "JIANSHI_MODEL_URL": stub.base_url,
               "JIANSHI_MODEL": "stub-model", "JIANSHI_MODEL_RETRIES": "0", "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": str(ROOT)}
        with open(home / "ui.log", "ab") as log:
            ui = subprocess.Popen([sys.executable, "-c", "from assistant.cli import main; main()", "ui", "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url, 180)
            warm = Client(url, verbose=False)
            check_once(warm)
            chat_conversation(Client(url, verbose=False))  # builds the index: not measured
            figures = {"model": "scripted OpenAI-compatible stub on loopback", "rss_idle_mb": round(rss_mb(ui.pid), 1)}

            clients = [Client(url, verbose=False) for _ in range(args.checks)]
            with ThreadPoolExecutor(args.checks) as pool:
                results = list(pool.map(lambda c: timed(lambda: check_once(c)), clients))
            figures["check_burst"] = summary([r[0] for r in results], [r[2] for r in results if r[2]])

            talkers = [Client(url, verbose=False) for _ in range(args.chats)]
            with ThreadPoolExecutor(args.chats) as pool:
                results = list(pool.map(lambda c: timed(lambda: chat_conversation(c)), talkers))
            figures["chat_burst"] = summary([r[0] for r in results], [r[2] for r in results if r[2]])

            figures["rss_before_soak_mb"] = round(rss_mb(ui.pid), 1)
            soakers = [Client(url, verbose=False) for _ in range(4)]
            latencies, errors, lock, count = [], [], threading.Lock(), iter(range(args.soak))

            def soak(client):
                while time.monotonic() < deadline:
                    with lock:
                        if next(count, None) is None:
                            return
                    ms, _, error = timed(lambda: check_once(client))
                    with lock:
                        latencies.append(ms)
                        if error:
                            errors.append(error)

            started = time.monotonic()
            with ThreadPoolExecutor(len(soakers)) as pool:
                list(pool.map(soak, soakers))
            figures["soak"] = {**summary(latencies, errors), "seconds": round(time.monotonic() - started, 1),
                               "stopped_by_time_limit": len(latencies) < args.soak}
            figures["rss_after_soak_mb"] = round(rss_mb(ui.pid), 1)
            figures["stub_model_requests"] = len(stub.requests)
            return figures
        finally:
            stop(ui)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=20, help="同时发出的 /check 调用数")
    parser.add_argument("--chats", type=int, default=3, help="同时进行的 /chat 对话数")
    parser.add_argument("--soak", type=int, default=500, help="浸泡测试的 /check 调用总数")
    parser.add_argument("--max-seconds", type=float, default=900, help="整个测试的时间上限（秒）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args()
    figures = run(args)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    print(f"模型：{figures['model']}（收到 {figures['stub_model_requests']} 次请求）")
    for key, label in (("check_burst", f"{args.checks} 个 /check 同时"), ("chat_burst", f"{args.chats} 个 /chat 对话同时"),
                       ("soak", f"{args.soak} 次 /check（4 路并发）")):
        row = figures[key]
        print(f"{label}：{row['calls']} 次，错误 {row['errors']}，中位 {row['median_ms']} ms，"
              f"P95 {row['p95_ms']} ms，最长 {row['max_ms']} ms")
    print(f"界面进程内存（RSS）：空闲 {figures['rss_idle_mb']} MB，浸泡前 {figures['rss_before_soak_mb']} MB，"
          f"浸泡后 {figures['rss_after_soak_mb']} MB")


if __name__ == "__main__":
    main()
