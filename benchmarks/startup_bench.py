"""Benchmark: how long the quick `jianshi` commands take as whole processes, next to the code they started from.

Each command (`check FILE`, `check FILE --json`, `notices`, `--help`) runs N times in fresh processes, for this
tree and for a baseline tree (by default the commit where this branch left main, unpacked with `git archive`
into a temporary folder), alternating the two so a busy machine slows both alike. Reported: the median wall
time, and the median import time (the sum of the top-level entries of `python -X importtime`, so modules a
command imports while it runs count too), with the ratio after/before.

    .venv/bin/python benchmarks/startup_bench.py [--repeat 15] [--base REF] [--bytecode] [--json]

On main itself the branch point is the current commit: give --base (e.g. the commit before a change) there.
--bytecode lets Python keep compiled modules (in a temporary cache, warmed once) as an installed copy does;
without it the environment decides (PYTHONDONTWRITEBYTECODE=1 makes every run compile the project's modules).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = ROOT / "tests" / "fixtures" / "clean-2024-banzi.txt"
TARGET_S = 0.3
# What the `jianshi` console script does, so a tree can be run without installing it.
LAUNCH = "import sys; from assistant.cli import main; sys.argv[0] = 'jianshi'; sys.exit(main())"
COMMANDS = {
    "check": ["check", str(MATERIAL)],
    "check --json": ["check", str(MATERIAL), "--json"],
    "notices": ["notices"],
    "--help": ["--help"],
}
TOP_LEVEL_IMPORT = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")


def unpack(ref: str, into: Path) -> Path:
    """The tree of `ref` written out under `into`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def environment(tree: Path, home: Path, pycache: Path | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("JIANSHI_")}
    env.update(PYTHONPATH=str(tree), JIANSHI_HOME=str(home))
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path, importtime: bool = False) -> tuple[float, float | None]:
    """Wall seconds of one process, and with `importtime` the seconds its imports took."""
    flags = ["-X", "importtime"] if importtime else []
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *flags, "-c", LAUNCH, *args], env=env, cwd=cwd, capture_output=True,
                          text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 when it finds a 必须修改 problem
        raise SystemExit(f"{' '.join(args)} 失败（退出码 {done.returncode}）：{done.stderr[-2000:]}")
    if not importtime:
        return wall, None
    micros = sum(int(m.group(1)) for line in done.stderr.splitlines() if (m := TOP_LEVEL_IMPORT.match(line)))
    return wall, micros / 1e6


def measure(trees: dict[str, Path], repeat: int, bytecode: bool, workdir: Path) -> dict:
    envs = {name: environment(tree, workdir / f"home-{name}", workdir / f"pycache-{name}" if bytecode else None)
            for name, tree in trees.items()}
    results = {}
    for label, args in COMMANDS.items():
        walls = {name: [] for name in trees}
        imports = {name: [] for name in trees}
        for name in trees:  # one unmeasured run each: warms the file cache (and the bytecode cache when kept)
            run(args, envs[name], workdir)
        for _ in range(repeat):
            for name in trees:  # alternate the trees so load on the machine falls on both alike
                walls[name].append(run(args, envs[name], workdir)[0])
                imports[name].append(run(args, envs[name], workdir, importtime=True)[1])
        row = {name: {"wall_s": round(statistics.median(walls[name]), 3),
                      "import_s": round(statistics.median(imports[name]), 3)} for name in trees}
        row["wall_ratio"] = round(row["after"]["wall_s"] / row["before"]["wall_s"], 2)
        row["import_ratio"] = round(row["after"]["import_s"] / row["before"]["import_s"], 2)
        results[label] = row
    return results


HEADERS = [("之前总用时 s", 13), ("之后总用时 s", 13), ("比值", 7), ("之前导入 s", 12), ("之后导入 s", 12), ("比值", 7)]


def right(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two); a negative width pads on the right."""
    columns = sum(2 if "\u4e00" <= char <= "\u9fff" else 1 for char in text)
    padding = " " * max(0, abs(width) - columns)
    return text + padding if width < 0 else padding + text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--base", help="基线的 git 提交（默认：本分支与 main 的分叉点）")
    parser.add_argument("--bytecode", action="store_true", help="保留编译后的模块（如安装后的情形）")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    base = args.base or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
                                       capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    if base == head:
        print("提示：基线就是当前提交，比值应约为 1；可用 --base 指定更早的提交", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        trees = {"before": unpack(base, workdir / "before"), "after": ROOT}
        results = measure(trees, args.repeat, args.bytecode, workdir)
    report = {"base": base, "repeat": args.repeat, "bytecode_kept": args.bytecode or not os.environ.get(
        "PYTHONDONTWRITEBYTECODE"), "target_s": TARGET_S, "commands": results}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"基线：{base[:12]}　每条命令各运行 {args.repeat} 次，取中位数"
          f"{'（保留编译后的模块）' if report['bytecode_kept'] else '（每次重新编译项目模块）'}")
    print(right("命令", -16) + "".join(right(title, width) for title, width in HEADERS))
    for label, row in results.items():
        print(f"{label:<16}{row['before']['wall_s']:>13.3f}{row['after']['wall_s']:>13.3f}{row['wall_ratio']:>7.2f}"
              f"{row['before']['import_s']:>12.3f}{row['after']['import_s']:>12.3f}{row['import_ratio']:>7.2f}")
    check = results["check"]["after"]["wall_s"]
    print(f"jianshi check 总用时中位数 {check:.3f} s（目标 ≤ {TARGET_S} s：{'达到' if check <= TARGET_S else '未达到'}）")


if __name__ == "__main__":
    main()
