"""Prompts as versioned files: prompts/<name>/v<N>.yaml, loaded by name (newest) or name@vN.

A prompt file holds name, version, description, system, template, few-shot examples and sampling options,
and `appends_owner: true` when the code, not the model, ends the reply with the owner and the deadline.
Rendering fails loudly on a missing variable, so a prompt change can never silently drop an input.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import JianshiError
from .models.base import Message

VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")


class PromptError(JianshiError):
    """A prompt file is missing, malformed, or rendered without a variable it needs."""


@dataclass
class Prompt:
    name: str
    version: int
    system: str
    template: str
    examples: list[dict] = field(default_factory=list)  # [{"input": {...vars}, "output": "..."}]
    description: str = ""
    max_tokens: int = 256
    temperature: float = 0.2
    source_hash: str = ""
    appends_owner: bool = False  # the model writes no owner or deadline; the code appends them (measures)

    @property
    def ref(self) -> str:
        return f"{self.name}@v{self.version}"

    @property
    def variables(self) -> set[str]:
        return {field_name for _, field_name, _, _ in string.Formatter().parse(self.template) if field_name}

    def render(self, **values) -> str:
        missing = self.variables - set(values)
        if missing:
            raise PromptError(f"提示词 {self.ref} 缺少变量：{'、'.join(sorted(missing))}")
        return self.template.format(**{key: values[key] for key in self.variables})

    def messages(self, **values) -> list[Message]:
        """System, then each few-shot example as a user/assistant pair, then the rendered request."""
        messages = [Message("system", self.system.strip())] if self.system.strip() else []
        for example in self.examples:
            messages.append(Message("user", self.render(**example["input"])))
            messages.append(Message("assistant", str(example["output"]).strip()))
        messages.append(Message("user", self.render(**values)))
        return messages


IN_USE = "in_use.yaml"


class PromptLibrary:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[tuple[str, int], Prompt] = {}

    def versions(self, name: str) -> list[int]:
        folder = self.folder / name
        if not folder.is_dir():
            return []
        return sorted(int(m.group(1)) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name)))

    def names(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir() and self.versions(p.name))

    def in_use(self) -> dict[str, int]:
        """prompts/in_use.yaml: the version drafting uses for a bare name, chosen by the team after an eval;
        a prompt not listed there is used in its newest version."""
        path = self.folder / IN_USE
        if not path.exists():
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
            raise PromptError(f"{path} 格式不对", hint="每行写成 名称: 版本号，如 cause_explain: 1")
        return {str(k): int(v) for k, v in data.items()}

    def get(self, ref: str, version: int | None = None) -> Prompt:
        """`name` (the version in use: in_use.yaml, else the newest), `name@v2` or `name@2`."""
        name, _, tag = ref.partition("@")
        if tag:
            version = int(tag.lstrip("v")) if tag.lstrip("v").isdigit() else None
            if version is None:
                raise PromptError(f"提示词版本写法不对：{ref}", hint="请写成 名称@v2 的形式")
        available = self.versions(name)
        if not available:
            raise PromptError(f"找不到提示词“{name}”", hint=f"prompts/ 下现有：{'、'.join(self.names())}")
        version = version or self.in_use().get(name) or available[-1]
        if version not in available:
            raise PromptError(f"提示词“{name}”没有第 {version} 版", hint=f"现有版本：{available}")
        key = (name, version)
        if key not in self._cache:
            self._cache[key] = self._load(name, version)
        return self._cache[key]

    def _load(self, name: str, version: int) -> Prompt:
        path = next(p for p in (self.folder / name).iterdir() if VERSION_FILE.match(p.name)
                    and int(VERSION_FILE.match(p.name).group(1)) == version)
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
        if not isinstance(data, dict) or "template" not in data:
            raise PromptError(f"提示词文件格式不对：{path}", hint="需要 template 字段")
        return Prompt(name=name, version=version, system=str(data.get("system", "")), template=str(data["template"]),
                      examples=list(data.get("examples", [])), description=str(data.get("description", "")),
                      max_tokens=int(data.get("max_tokens", 256)), temperature=float(data.get("temperature", 0.2)),
                      source_hash=hashlib.sha256(raw).hexdigest()[:16],
                      appends_owner=data.get("appends_owner") is True)
