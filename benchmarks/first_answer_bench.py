"""Benchmark: from launching `jianshi ui` to the first answer, with the warm-up on and off, in the same run.

Each launch is a fresh `jianshi ui` process (this tree) on the embedded model, over one data directory that
`jianshi prepare` has set up as scripts/setup.sh does (the bundled index built, the model file checked; the
joined model file is linked in from the usual data directory when present). Per launch:

- page: from the launch until the page answers and a client has opened it;
- the drafter then spends --think seconds (choosing the notice, typing) before sending --message to /chat;
- first: from sending that first request to its answer; from launch: from the launch to that answer;
- later: another request (--other) and then the first one again, from sending it again to its answer: what
  a warm app takes for it. (Sent twice in a row, the server would find the whole prompt in its cache and
  answer far quicker than any new request; --other leaves only the shared prompt prefix cached, as in use.)

The launches alternate warm-up on / off (JIANSHI_WARM_UP=1/0) so load on the machine falls on both alike; the
figures are medians of --repeat launches each, with the ratios on/off and first/later. The CPU may be shared
with other work: on a busy machine the figures are noisy, compare the ratios.

    .venv/bin/python benchmarks/first_answer_bench.py [--model-size 1.5b] [--repeat 3] [--think 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from fresh_home import fresh_home  # benchmarks/fresh_home.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = "import sys; from assistant.cli import main; sys.argv[0] = 'jianshi'; sys.exit(main())"
MESSAGE = "分析一下这个问题的根源：调研走过场，只听汇报不进农户"
OTHER = "分析一下这个问题的根源：理论学习满足于读文件，学用结合不紧密"
TARGET_S = 20.0
FAILED = ("没有完成", "出错了")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(home: Path, model_size: str, warm_up: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("JIANSHI_") and key not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    env.update(PYTHONPATH=str(ROOT), JIANSHI_HOME=str(home), JIANSHI_EMBEDDED_MODEL=model_size,
               JIANSHI_WARM_UP="1" if warm_up else "0")
    return env


def prepare_home(model_size: str) -> tuple[Path, float]:
    """A fresh data directory set up as setup.sh does; the seconds `jianshi prepare` took."""
    home = fresh_home("jianshi-first-answer-", "*.gguf")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCH, "prepare"], env=environment(home, model_size, False),
                          cwd=home, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"jianshi prepare 失败：{done.stderr[-2000:]}")
    return home, time.perf_counter() - began


def wait_for_page(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"jianshi ui 退出了（退出码 {process.returncode}）")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{timeout:.0f} 秒内页面没有打开")


def ask(client, message: str) -> float:
    began = time.perf_counter()
    reply = client.predict(message, api_name="/chat")
    seconds = time.perf_counter() - began
    if not reply or reply.startswith(FAILED):
        raise SystemExit(f"请求没有得到回答：{reply[:300]}")
    return seconds


def one_launch(home: Path, model_size: str, warm_up: bool, think: float, messages: tuple[str, str],
               timeout: float) -> dict:
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(home / f"ui-{'on' if warm_up else 'off'}.log", "ab")
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", LAUNCH, "ui", "--port", str(port)], cwd=home, stdout=log,
                               stderr=subprocess.STDOUT, env=environment(home, model_size, warm_up),
                               start_new_session=True)
    try:
        wait_for_page(url, process, timeout)
        client = Client(url, verbose=False)
        page = time.perf_counter() - began
        time.sleep(max(0.0, think - (time.perf_counter() - began - page)))
        sent = time.perf_counter() - began
        message, other = messages
        first = ask(client, message)
        ask(client, other)
        later = ask(client, message)
        return {"page_s": page, "sent_s": sent, "first_s": first, "from_launch_s": sent + first, "later_s": later}
    finally:
        process.send_signal(signal.SIGTERM)  # the app stops its model server as it ends
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def median(rows: list[dict], key: str) -> float:
    return round(statistics.median(row[key] for row in rows), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-size", choices=["0.5b", "1.5b"], default="1.5b")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--think", type=float, default=10.0, help="页面打开后到发出第一个请求的秒数（起草人选通知、输入）")
    parser.add_argument("--message", default=MESSAGE, help="第一个请求（要用模型的一句话）")
    parser.add_argument("--other", default=OTHER, help="两次第一个请求之间的另一个请求")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    home, prepared = prepare_home(args.model_size)
    runs: dict[str, list[dict]] = {"on": [], "off": []}
    for _ in range(args.repeat):
        for mode in ("on", "off"):  # alternate, so a busy machine slows both alike
            runs[mode].append(one_launch(home, args.model_size, mode == "on", args.think, (args.message, args.other),
                                         args.timeout))
    keys = ("page_s", "first_s", "from_launch_s", "later_s")
    summary = {mode: {key: median(rows, key) for key in keys} for mode, rows in runs.items()}
    for mode in runs:
        summary[mode]["first_to_later"] = round(summary[mode]["first_s"] / summary[mode]["later_s"], 2)
    ratios = {key: round(summary["on"][key] / summary["off"][key], 2) for key in ("first_s", "from_launch_s")}
    report = {"model": args.model_size, "repeat": args.repeat, "think_s": args.think, "message": args.message,
              "prepare_s": round(prepared, 1), "target_first_s": TARGET_S, "median": summary, "ratio_on_off": ratios,
              "runs": {mode: [{k: round(v, 2) for k, v in row.items()} for row in rows] for mode, rows in runs.items()}}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"模型 {args.model_size}　每种各启动 {args.repeat} 次取中位数　页面打开后 {args.think:.0f} 秒发出第一个请求"
          f"　（安装时 jianshi prepare 用时 {prepared:.1f} 秒）")
    print(f"{'预热':<6}{'页面 s':>9}{'首个回答 s':>12}{'自启动起 s':>12}{'之后回答 s':>12}{'首个/之后':>10}")
    for mode, label in (("on", "开"), ("off", "关")):
        row = summary[mode]
        print(f"{label:<6}{row['page_s']:>9.2f}{row['first_s']:>12.2f}{row['from_launch_s']:>12.2f}"
              f"{row['later_s']:>12.2f}{row['first_to_later']:>10.2f}")
    print(f"比值 开/关：首个回答 {ratios['first_s']:.2f}，自启动起 {ratios['from_launch_s']:.2f}")
    first = summary["on"]["first_s"]
    print(f"预热开时首个回答 {first:.1f} 秒（目标 ≤ {TARGET_S:.0f} 秒：{'达到' if first <= TARGET_S else '未达到'}）")


if __name__ == "__main__":
    main()
