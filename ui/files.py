"""Files that cross the browser boundary: uploads into the knowledge base (type and size checked, names
sanitised, kept per browser) and the names of exported materials."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError

UPLOAD_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
UNSAFE = re.compile(r"[^\w\u4e00-\u9fff（）()【】《》\-. ]+")


def safe_name(name: str, *, default: str = "文件", limit: int = 80) -> str:
    """A bare file name: no folders, no control or shell characters, no leading dots, not too long."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = UNSAFE.sub("_", name).strip(" ._")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"_+", "_", stem)[: limit - len(suffix) - 1].strip(" ._") or default
    return f"{stem}.{suffix.lower()}" if suffix else stem


def owner_folder(root: Path, owner: str) -> Path:
    """Each browser's uploads in their own folder, named by a hash so the owner token never hits the disk."""
    return Path(root) / hashlib.sha256(owner.encode()).hexdigest()[:16]


@dataclass
class UploadReport:
    added: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def message(self) -> str:
        lines = [f"已加入知识库：{'、'.join(self.added)}"] if self.added else []
        return "\n".join(lines + [f"未能加入：{error}" for error in self.errors]) or "没有选择文件。"


class Uploads:
    """The knowledge panel: add the drafter's files to the index, list them, remove one."""

    def __init__(self, *, knowledge, root: Path, max_bytes: int) -> None:
        self.knowledge = knowledge  # a callable returning assistant.retrieval.knowledge_base.KnowledgeBase
        self.root = Path(root)
        self.max_bytes = max_bytes

    def visible_to(self, owner: str):
        """Which indexed rows this browser may draw on: everything except other browsers' uploads."""
        root = os.path.abspath(self.root) + os.sep  # paths are stored as ingest names them: absolute, not resolved
        mine = os.path.abspath(owner_folder(self.root, owner))

        def visible(meta: dict) -> bool:
            folder = os.path.dirname(str(meta.get("path", "")))
            return folder == mine or not (folder + os.sep).startswith(root)

        return visible

    def add(self, owner: str, paths: list[str]) -> UploadReport:
        report = UploadReport()
        folder = owner_folder(self.root, owner)
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for given in paths or []:
            source = Path(given)
            name = safe_name(source.name)
            try:
                if not name.lower().endswith(UPLOAD_SUFFIXES):
                    raise InputError(f"“{name}”的格式不支持", hint="只能上传 .txt、.md、.docx、.pdf")
                if source.stat().st_size > self.max_bytes:
                    raise InputError(f"“{name}”超过 {self.max_bytes // 1_000_000} MB 的上限")
            except InputError as exc:
                report.errors.append(exc.message + (f"（{exc.hint}）" if exc.hint else ""))
                continue
            target = folder / name
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                target.unlink(missing_ok=True)
                report.errors.append(f"{name}：保存失败（{exc.strerror or exc}）")
                continue
            saved.append(target)
        if saved:
            try:
                result = self.knowledge().ingester.ingest([str(p) for p in saved])
            except Exception as exc:  # a failed upload leaves nothing behind: no copy, no folder
                for path in saved:
                    path.unlink(missing_ok=True)
                report.errors.append(f"{'、'.join(p.name for p in saved)}：写入知识库失败（{type(exc).__name__}），请稍后重试")
                saved, result = [], None
            failed = {Path(e.path).name: e.message for e in result.errors} if result else {}
            report.errors += [f"{name}：{message}" for name, message in failed.items()]
            report.added += [p.name for p in saved if p.name not in failed]
            for path in saved:
                if path.name in failed:
                    path.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()
        return report

    def list(self, owner: str) -> list[tuple[str, int]]:
        """(file name, passages indexed) for this browser's uploads."""
        from assistant.retrieval.store import USER_COLLECTION

        folder = str(owner_folder(self.root, owner))
        counts: dict[str, int] = {}
        for meta in self.knowledge().store.metadatas(USER_COLLECTION).values():
            path = str(meta.get("path", ""))
            if str(Path(path).parent) == folder:
                counts[Path(path).name] = counts.get(Path(path).name, 0) + 1
        return sorted(counts.items())

    def transfer(self, old_owner: str, new_owner: str) -> None:
        """Move one owner's uploads to another, re-indexed under the new folder."""
        old, new = owner_folder(self.root, old_owner), owner_folder(self.root, new_owner)
        if not old.is_dir() or new.exists():
            return
        moved = [new / path.name for path in old.iterdir()]
        gone = [str(path) for path in old.iterdir()]
        shutil.move(str(old), str(new))
        ingester = self.knowledge().ingester
        ingester.ingest(gone)  # the old paths' passages are removed
        ingester.ingest([str(path) for path in moved])

    def remove(self, owner: str, name: str) -> str:
        path = owner_folder(self.root, owner) / safe_name(name)
        if not path.exists() and name not in dict(self.list(owner)):
            return f"知识库中没有“{name}”。"
        path.unlink(missing_ok=True)
        result = self.knowledge().ingester.ingest([str(path)])  # a vanished file's passages are removed
        return f"已从知识库移除“{path.name}”（{result.chunks_removed} 段）。"
