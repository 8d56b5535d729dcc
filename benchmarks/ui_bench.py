"""Benchmark: the web chat as a drafter meets it, in Debian's chromium against a real `jianshi ui`.

- page load: from navigation until the page has opened the drafter's session (median of --loads fresh
  browser profiles);
- time to first streamed token: "写第一个方面" sent, until the first generated text shows in the chat
  (median of --asks, after one warm-up request), on the embedded model (--model-size, 1.5b by default);
- memory: resident memory of the UI process and of the model server, idle and at the peak while three
  browser sessions each ask for a problem's root causes at the same time.

The data directory is a fresh temporary one; the joined model file is linked in from the usual one when
present. The machine's CPU may be shared with other work: treat the figures as indicative.

    .venv/bin/python benchmarks/ui_bench.py [--model-size 1.5b] [--loads 7] [--asks 3] [--json]
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from fresh_home import fresh_home  # benchmarks/fresh_home.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, free_port, stop, wait_for  # noqa: E402

SESSION_READY = "() => (document.querySelector('#jianshi-sessions input') || {}).value"
WORKING = "正在起草这个方面…"
ANALYZE = "分析一下这个问题的根源：调研走过场，只听汇报不进农户"
STREAMED = f"""() => {{
  const bots = document.querySelectorAll('#jianshi-chat .bot');
  const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
  return text.startsWith('{WORKING}') && text.length > {len(WORKING)} + 2 || text.startsWith('（一）');
}}"""


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def memory(pid: int) -> dict:
    """MB resident: the UI process (with any helpers but the model server) and the model server."""
    ui, model = rss_kb(pid), 0
    for child in children(pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes() if Path(f"/proc/{child}/cmdline").exists() else b""
        if b"llama-server" in cmdline:
            model += rss_kb(child)
        else:
            ui += rss_kb(child)
    return {"ui_mb": round(ui / 1024), "model_mb": round(model / 1024), "total_mb": round((ui + model) / 1024)}


def start_server(model_size: str) -> tuple[subprocess.Popen, str, Path]:
    home = fresh_home("jianshi-ui-bench-")
    port = free_port()
    env = {**os.environ, "JIANSHI_HOME": str(home), "JIANSHI_EMBEDDED_MODEL": model_size}
    env.pop("JIANSHI_MODEL_URL", None)
    env.pop("OPENAI_BASE_URL", None)
    process = subprocess.Popen([str(Path(sys.executable).parent / "jianshi"), "ui", "--port", str(port)], env=env,
                               stdout=open(home / "ui.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/", 180)
    return process, f"http://127.0.0.1:{port}/", home


def last_call(home: Path) -> int:
    import sqlite3

    with sqlite3.connect(home / "logs.db") as db:
        return db.execute("SELECT COALESCE(MAX(id), 0) FROM calls").fetchone()[0]


def calls_since(home: Path, seen: int) -> list[dict]:
    """The model calls logged after `seen`: every call's outcome and time to its first token."""
    import sqlite3

    with sqlite3.connect(home / "logs.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM calls WHERE id > ? ORDER BY id", (seen,))]


def open_page(browser, url: str):
    page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(SESSION_READY, timeout=120_000)
    return page, time.perf_counter() - start


def pick_notice(page) -> None:
    page.locator("#jianshi-notice input").click()
    page.get_by_role("option", name="2024年度民主生活会（党纪学习教育）").click()
    page.locator("#jianshi-notice-info").get_by_text("带头严守政治纪律和政治规矩").first.wait_for(state="attached", timeout=60_000)


def ask(page, message: str = "写第一个方面", timeout_s: float = 900) -> tuple[float, float]:
    """Seconds to the first streamed text, and to the finished proposal."""
    page.locator("#jianshi-message textarea").fill(message)
    start = time.perf_counter()
    page.locator("#jianshi-send").click()
    page.wait_for_function(STREAMED, timeout=timeout_s * 1000, polling=50)
    first = time.perf_counter() - start
    page.wait_for_function("() => document.querySelector('#jianshi-proposal textarea').value.startsWith('（一）')",
                           timeout=timeout_s * 1000)
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-size", default="1.5b", choices=["0.5b", "1.5b"])
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--asks", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    process, url, home = start_server(args.model_size)
    result = {"model": args.model_size, "cpus": os.cpu_count()}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            loads = []
            for _ in range(args.loads):
                page, seconds = open_page(browser, url)
                loads.append(seconds)
                page.context.close()
            result["page_load_s"] = {"median": round(statistics.median(loads), 3), "min": round(min(loads), 3),
                                     "max": round(max(loads), 3), "runs": len(loads)}
            page, _ = open_page(browser, url)
            pick_notice(page)
            warm = ask(page)  # starts the model and builds the index if the warm-up has not finished
            result["first_request_s"] = round(warm[1], 1)
            result["idle_memory"] = memory(process.pid)
            firsts, totals, model_firsts, outcomes = [], [], [], []
            for _ in range(args.asks):
                page.locator("#jianshi-discard").click()
                page.wait_for_function("() => document.querySelector('#jianshi-proposal textarea').value === ''")
                seen = last_call(home)
                first, total = ask(page)
                calls = calls_since(home, seen)
                firsts.append(first)
                totals.append(total)
                model_firsts += [c["first_token_ms"] / 1000 for c in calls[:1] if c["first_token_ms"]]
                outcomes += [c["outcome"] for c in calls]
            result["first_token_s"] = {"median": round(statistics.median(firsts), 2), "all": [round(x, 2) for x in firsts],
                                       "model_side": [round(x, 2) for x in model_firsts]}
            result["area_s"] = {"median": round(statistics.median(totals), 1), "all": [round(x, 1) for x in totals]}
            result["model_calls"] = {outcome: outcomes.count(outcome) for outcome in sorted(set(outcomes))}
            seen = last_call(home)
            result["three_sessions"] = three_sessions(browser, url, process.pid)
            outcomes = [c["outcome"] for c in calls_since(home, seen)]
            result["three_sessions"]["model_calls"] = {o: outcomes.count(o) for o in sorted(set(outcomes))}
            browser.close()
    finally:
        stop(process)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"模型：内置 {result['model']}；CPU {result['cpus']} 核（与其他任务共用，数字仅供参考）")
    print(f"页面加载（至打开会话）：中位数 {result['page_load_s']['median']} s（{result['page_load_s']['runs']} 次）")
    print(f"首个请求（含模型启动/索引准备）：{result['first_request_s']} s")
    print(f"首个流式字符（浏览器中看到）：中位数 {result['first_token_s']['median']} s；模型端：{result['first_token_s']['model_side']} s；"
          f"整个方面：中位数 {result['area_s']['median']} s；模型调用结果：{result['model_calls']}")
    print(f"内存（空闲）：界面 {result['idle_memory']['ui_mb']} MB，模型 {result['idle_memory']['model_mb']} MB")
    peak = result["three_sessions"]["peak"]
    print(f"内存（三个会话同时起草，峰值）：界面 {peak['ui_mb']} MB，模型 {peak['model_mb']} MB，合计 {peak['total_mb']} MB；"
          f"三个请求全部完成用时 {result['three_sessions']['seconds']} s")


def three_sessions(browser, url: str, pid: int) -> dict:
    pages = []
    for _ in range(3):
        page, _ = open_page(browser, url)
        pick_notice(page)
        pages.append(page)
    peak = memory(pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            now = memory(pid)
            if now["total_mb"] > peak["total_mb"]:
                peak = now
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    for page in pages:  # three requests in flight at once (one model call each); the model takes them in turn
        page.locator("#jianshi-message textarea").fill(ANALYZE)
        page.locator("#jianshi-send").click()
    for page in pages:
        page.wait_for_function("() => document.querySelector('#jianshi-proposal textarea').value.length > 0",
                               timeout=1_800_000)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return {"peak": peak, "seconds": round(seconds, 1)}


if __name__ == "__main__":
    main()
