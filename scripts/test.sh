#!/usr/bin/env bash
# 安装所需的一切，然后运行全部测试（包括标记为 slow 的测试）。
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -m "slow or not slow" "$@"
