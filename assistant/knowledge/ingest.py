"""Bringing files into the index: incremental by content hash, deletions followed, errors reported per file.

A file whose bytes hash the same as when it was indexed is skipped. A changed file's chunks are replaced.
A file that disappeared from a folder (or a named file that no longer exists) has its chunks removed. A file
that cannot be read is reported and the rest still go in; its earlier chunks, if any, stay.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .banks import bundled_records, content_hash
from .chunking import Chunker
from ..textio import Limits, shown
from .loaders import SUPPORTED_SUFFIXES, check_file, load_file_text
from .records import Record

YEAR_IN_NAME = re.compile(r"(20\d{2})")


@dataclass
class FileError:
    path: str
    message: str
    hint: str = ""


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    errors: list[FileError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def file_id(path: Path) -> str:
    return "f" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~$"))


class Ingester:
    def __init__(self, *, store, chunker: Chunker | None = None, max_bytes: int = 20_000_000,
                 progress: bool | None = None, limits: Limits | None = None) -> None:
        self.store = store
        self.chunker = chunker or Chunker()
        self.limits = limits or Limits(max_bytes=max_bytes, max_chars=5_000_000)
        self.max_bytes = self.limits.max_bytes
        self.progress = progress  # None: a bar only on a terminal

    # ---- the drafter's files -------------------------------------------------------------------------
    def ingest(self, paths: list[str | Path], *, rebuild: bool = False) -> IngestResult:
        from ..retrieval.store import USER_COLLECTION

        result = IngestResult()
        if rebuild:
            self.store.drop(USER_COLLECTION)
        indexed = self._indexed_files()
        files, scopes = self._discover(paths, indexed, result)
        pending: list[tuple[Path, list[Record], list[str]]] = []
        for path in files:
            key = str(path)
            try:
                check_file(path, max_bytes=self.max_bytes)
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if key in indexed and indexed[key]["file_hash"] == digest:
                    result.unchanged.append(key)
                    continue
                chunks = self.chunker.split(load_file_text(path, limits=self.limits))
            except InputError as exc:
                result.errors.append(FileError(key, exc.message, exc.hint))
                continue
            except OSError as exc:
                result.errors.append(FileError(key, f"无法读取“{shown(path)}”：{exc.strerror or exc}", "请检查文件权限"))
                continue
            except Exception as exc:  # one unreadable file must not stop the folder: it is listed at the end
                result.errors.append(FileError(key, f"读取“{shown(path.name)}”失败（{type(exc).__name__}）",
                                               "请在原软件中另存后再导入"))
                continue
            records = [self._record(path, digest, chunk) for chunk in chunks]
            pending.append((path, records, indexed.get(key, {}).get("ids", [])))
        self._write(pending, result)
        gone = [key for key in indexed if key not in {str(f) for f in files} and _within(key, scopes)]
        for key in gone:
            self.store.delete(USER_COLLECTION, indexed[key]["ids"])
            result.removed.append(key)
            result.chunks_removed += len(indexed[key]["ids"])
        if result.changed:
            self.store.set_metadata(USER_COLLECTION)
        return result

    def _indexed_files(self) -> dict[str, dict]:
        from ..retrieval.store import USER_COLLECTION

        files: dict[str, dict] = {}
        for chunk_id, meta in self.store.metadatas(USER_COLLECTION).items():
            entry = files.setdefault(str(meta.get("path", "")), {"file_hash": meta.get("file_hash"), "ids": []})
            entry["ids"].append(chunk_id)
        return files

    def _discover(self, paths, indexed: dict, result: IngestResult) -> tuple[list[Path], list[Path]]:
        """Files to read, and the scopes (folders, vanished files) in which missing files count as deleted."""
        files: list[Path] = []
        scopes: list[Path] = []
        for given in paths:
            path = Path(os.path.abspath(os.path.expanduser(given)))  # normalised, symlinks kept as named
            if path.is_dir():
                scopes.append(path)
                for root, dirs, names in os.walk(path, onerror=lambda e: result.errors.append(
                        FileError(str(e.filename), f"无法读取文件夹“{e.filename}”：{e.strerror}", "请检查文件夹权限"))):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(names):
                        candidate = Path(root) / name
                        if candidate.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(candidate):
                            files.append(candidate)
            elif path.exists() or path.is_symlink():
                files.append(path)
            elif str(path) in indexed or any(_within(key, [path]) for key in indexed):
                scopes.append(path)
            else:
                result.errors.append(FileError(str(path), f"找不到文件“{given}”", "请检查路径是否正确"))
        return list(dict.fromkeys(files)), scopes

    def _record(self, path: Path, digest: str, chunk) -> Record:
        years = YEAR_IN_NAME.findall(path.stem)
        metadata = {
            "kind": "reference", "origin": "user", "dimension": "", "years": ",".join(dict.fromkeys(years)),
            "areas": "", "title": chunk.section, "source": path.name, "path": str(path),
            "file_hash": digest, "position": chunk.position,
        }
        return Record(f"{file_id(path)}-{chunk.position}", chunk.text, metadata)

    def _write(self, pending: list[tuple[Path, list[Record], list[str]]], result: IngestResult) -> None:
        from ..retrieval.store import USER_COLLECTION

        total = sum(len(records) for _, records, _ in pending)
        with self._bar(total, "写入知识库") as bar:
            for path, records, old_ids in pending:
                try:
                    self.store.upsert(USER_COLLECTION, records, on_batch=bar.update)
                    stale = sorted(set(old_ids) - {r.id for r in records})
                    self.store.delete(USER_COLLECTION, stale)
                except Exception as exc:  # one file's failure must not lose the others
                    result.errors.append(FileError(str(path), f"写入索引失败：{type(exc).__name__}", "请稍后重试"))
                    continue
                (result.updated if old_ids else result.added).append(str(path))
                result.chunks_added += len(records)
                result.chunks_removed += len(old_ids)

    # ---- the bundled knowledge -----------------------------------------------------------------------
    def sync_bundled(self, banks_dir: Path, notices_dir: Path, *, force: bool = False) -> int:
        """Index the bundled banks and notices when their content hash changed; the number of rows written."""
        from ..retrieval.store import BANK_COLLECTION

        records = bundled_records(Path(banks_dir), Path(notices_dir))
        digest = content_hash(records)
        if not force and self.store.metadata(BANK_COLLECTION).get("content_hash") == digest:
            return 0
        existing = self.store.metadatas(BANK_COLLECTION)
        changed = [r for r in records if existing.get(r.id, {}).get("hash") != r.digest]
        stale = sorted(set(existing) - {r.id for r in records})
        with self._bar(len(changed), "建立内置知识索引") as bar:
            self.store.upsert(BANK_COLLECTION, changed, on_batch=bar.update)
        self.store.delete(BANK_COLLECTION, stale)
        self.store.set_metadata(BANK_COLLECTION, content_hash=digest)
        return len(changed) + len(stale)

    def _bar(self, total: int, description: str):
        from tqdm import tqdm

        disable = (None if self.progress is None else not self.progress) if total else True
        return tqdm(total=total, desc=description, unit="段", disable=disable, leave=False)


def _within(key: str, scopes: list[Path]) -> bool:
    path = Path(key)
    return any(path == scope or scope in path.parents for scope in scopes)
