"""One settings object, read once from the environment (prefix JIANSHI_) or a .env file.

A plain dataclass rather than pydantic-settings: every command builds it, and importing pydantic-settings
alone took longer than a whole `jianshi check` may take. The rules are the ones pydantic-settings applied:
constructor values first, then environment variables (names in any case), then `.env` in the working folder,
then the defaults; values are converted to the field's type and bounds are checked.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import types
import typing
from pathlib import Path

from .errors import JianshiError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "JIANSHI_"
ENV_FILE = ".env"
TRUE_WORDS = {"1", "on", "t", "true", "y", "yes"}
FALSE_WORDS = {"0", "off", "f", "false", "n", "no"}


class SettingsError(JianshiError):
    """A setting from the environment, .env or the caller has a value of the wrong kind or out of bounds."""


class AliasChoices:
    """Names a field is read from instead of JIANSHI_<FIELD>, the first one set wins."""

    def __init__(self, *choices: str) -> None:
        self.choices = choices


def Field(default=dataclasses.MISSING, *, default_factory=dataclasses.MISSING, description: str = "",  # noqa: N802
          validation_alias: AliasChoices | None = None, gt: float | None = None, ge: float | None = None,
          le: float | None = None):
    """A settings field: its default, what it means, where else it is read from, and its bounds."""
    metadata = {"description": description, "aliases": validation_alias.choices if validation_alias else None,
                "gt": gt, "ge": ge, "le": le}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def _default_home() -> Path:
    return Path.home() / ".jianshi"


@dataclasses.dataclass(init=False)
class Settings:
    home: Path = Field(default_factory=_default_home, description="数据目录：索引、会话、模型、日志")
    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge", description="随项目发布的知识库")
    max_input_bytes: int = Field(default=1_000_000, description="单个材料文件的大小上限（字节）")
    max_ingest_bytes: int = Field(default=20_000_000, description="导入知识库的单个文件大小上限（字节）")
    max_input_chars: int = Field(default=300_000, description="单个材料（含粘贴的通知）读出的字数上限")
    max_ingest_chars: int = Field(default=5_000_000, description="导入知识库的单个文件读出的字数上限")
    max_unzipped_bytes: int = Field(default=10_000_000, description=".docx/.xlsx 解压后正文部分的大小上限（字节）")
    max_pdf_pages: int = Field(default=500, description="单个 PDF 的页数上限")
    chroma_url: str | None = Field(default=None, description="Chroma 服务地址（如 http://127.0.0.1:8000）；留空时索引保存在数据目录")
    retrieval_fast: bool = Field(default=True, description="检索快速路径：查询向量与关键词检索同时计算、同一查询文本的向量复用；"
                                 "关闭则按原来的顺序逐步计算（基准对比用）")
    query_cache_size: int = Field(default=256, ge=0, description="快速路径保留最近多少条查询文本的向量（0 为不保留）")
    embedding_threads: int = Field(default=0, ge=0, description="计算查询向量的线程数；0 为用全部核")
    # Model backend: a remote OpenAI-compatible endpoint when model_url is set, else the embedded model.
    model_url: str | None = Field(default=None, validation_alias=AliasChoices("JIANSHI_MODEL_URL", "OPENAI_BASE_URL"),
                                  description="OpenAI 兼容接口地址；留空则使用内置本地模型")
    api_key: str | None = Field(default=None, validation_alias=AliasChoices("JIANSHI_API_KEY", "OPENAI_API_KEY"))
    model: str | None = Field(default=None, description="远程接口上的模型名称，如 deepseek-chat、qwen-plus")
    model_path: Path | None = Field(default=None, description="本机其他 GGUF 模型文件；留空则用内置模型")
    embedded_model: str = Field(default="1.5b", description="内置模型：1.5b（起草用）或 0.5b（测试用小模型）")
    model_timeout: float = 120.0
    model_retries: int = 2
    model_threads: int = 2
    model_context: int = 4096
    llama_server: Path | None = Field(default=None, description="内置模型运行程序 llama-server 的位置；留空则用安装时编译到 .venv/bin 的那一个")
    model_speculation: str = Field(default="off", description="内置模型的推测解码方式（llama-server --spec-type，如 ngram-simple、ngram-mod）；off 为关闭（默认：两核上实测 n-gram 推测更慢）")
    model_cache_ram: int = Field(default=256, ge=0, description="内置模型在内存中另存提示前缀的上限（MiB）；0 为不存")
    log_calls: bool = Field(default=True, description="把每次模型调用记入数据目录的 logs.db")
    warm_up: bool = Field(default=True, description="启动网页界面时在后台预先启动内置模型、载入知识库索引和分词词典；"
                                                    "测试或内存小的机器可关闭（JIANSHI_WARM_UP=0）")
    judge_url: str | None = Field(default=None, description="评测用评审模型的 OpenAI 兼容地址（可选）")
    judge_model: str | None = Field(default=None, description="评审模型名称")
    judge_api_key: str | None = Field(default=None, description="评审模型的 API 密钥")
    ui_password: str | None = Field(default=None, description="网页界面对其他电脑开放（--host）时的访问密码")
    # Length bounds in Chinese characters (domain.md): team 3,000–10,000, individual 1,500–7,000.
    length_banzi_min: int = 3000
    length_banzi_max: int = 10000
    length_geren_min: int = 1500
    length_geren_max: int = 7000
    items_per_area_min: int = 2
    items_per_area_max: int = 3
    causes_min: int = 3
    causes_max: int = 6
    # 雷同: a sentence is shared when this share of its character bigrams stands in one bank or other sentence.
    similarity_threshold: float = Field(default=0.8, gt=0, le=1, description="雷同：一句话有这一比例的相邻两字组合见于另一句即视为雷同")
    similarity_min_chars: int = Field(default=20, ge=2, description="雷同：少于这么多汉字的短句不比对（不计〔待补〕空位）")

    def __init__(self, **values) -> None:
        """Each field from `values` (by name or alias), else the environment, else .env, else its default.

        Unknown names are ignored, as pydantic-settings did with extra="ignore".
        """
        environ = {name.lower(): value for name, value in os.environ.items()}
        dotenv = _read_env_file(Path(ENV_FILE))
        hints = typing.get_type_hints(type(self))
        for spec in dataclasses.fields(self):
            names = [name.lower() for name in spec.metadata.get("aliases") or ()] or [(ENV_PREFIX + spec.name).lower()]
            found = [values[key] for key in (spec.name, *(spec.metadata.get("aliases") or ())) if key in values]
            found += [source[name] for source in (environ, dotenv) for name in names if name in source]
            if found:
                value = _convert(found[0], hints[spec.name], names[0].upper())
            elif spec.default_factory is not dataclasses.MISSING:
                value = spec.default_factory()
            else:
                value = spec.default
            _check_bounds(value, spec.metadata, names[0].upper())
            setattr(self, spec.name, value)

    def model_copy(self, *, update: dict | None = None) -> Settings:
        """A copy with some fields replaced; the values are taken as given (as pydantic's model_copy did)."""
        duplicate = copy.copy(self)
        for name, value in (update or {}).items():
            setattr(duplicate, name, value)
        return duplicate

    def length_bounds(self, kind: str) -> tuple[int, int]:
        if kind == "geren":
            return self.length_geren_min, self.length_geren_max
        return self.length_banzi_min, self.length_banzi_max


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # only when a .env file is there

    return {name.lower(): value for name, value in dotenv_values(path).items() if value is not None}


def _convert(value, hint, env_name: str):
    """The value as the field's type; strings from the environment are parsed the way pydantic did."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if value is None and type(None) in options:
        return None
    target = next(option for option in options if option is not type(None))
    try:
        if target is bool:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in TRUE_WORDS | FALSE_WORDS:
                return word in TRUE_WORDS
            raise ValueError(value)
        if target is int:
            if isinstance(value, (bool, int)):
                return int(value)
            if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
                return int(value)
            number = float(value)  # "3.0" or 3.0 reads as 3, as in pydantic; 3.5 is refused
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        if target is float:
            return float(value)
        if target is str:
            if not isinstance(value, str):
                raise ValueError(value)
            return value
        return target(value)
    except (TypeError, ValueError):
        kind = {bool: "是或否（true/false）", int: "整数", float: "数字", str: "文字"}.get(target, "路径")
        raise SettingsError(f"设置 {env_name} 的值“{value}”无效：应为{kind}",
                            hint="请检查环境变量或 .env 文件中的这一项") from None


def _check_bounds(value, metadata, env_name: str) -> None:
    limits = [("gt", lambda v, b: v > b, "大于"), ("ge", lambda v, b: v >= b, "不小于"), ("le", lambda v, b: v <= b, "不大于")]
    for key, holds, words in limits:
        bound = metadata.get(key)
        if bound is not None and not holds(value, bound):
            raise SettingsError(f"设置 {env_name} 的值“{value}”超出范围：应{words} {bound}",
                                hint="请检查环境变量或 .env 文件中的这一项")
