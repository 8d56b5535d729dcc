#!/usr/bin/env bash
# 一次性安装：创建 .venv 并安装检视及其依赖；再次运行时若无变化则几秒内完成。
# Idempotent set-up for a brand-new machine: system packages, the virtualenv, the project.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
STAMP_DIR="$VENV/.stamps"
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

say() { printf '\033[1;34m[检视安装]\033[0m %s\n' "$*"; }

# ---- system packages (Debian) -----------------------------------------------------------------------
APT_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk poppler-utils)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        say "安装系统软件包：${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "提示：缺少系统软件包 ${missing[*]}（导出预览与慢速测试需要），请用 apt-get 安装"
    fi
fi

# ---- virtualenv and Python packages -----------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "创建虚拟环境 .venv"
    "$PYTHON" -m venv "$VENV"
fi
mkdir -p "$STAMP_DIR"
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
have=$(cat "$STAMP_DIR/pyproject" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    say "安装 Python 依赖（首次约需几分钟）"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev]"
    echo "$want" > "$STAMP_DIR/pyproject"
fi
say "安装完成。运行：.venv/bin/jianshi --help"
