"""One settings object, read once from the environment (prefix JIANSHI_) or a .env file."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    return Path.home() / ".jianshi"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANSHI_", env_file=".env", extra="ignore", populate_by_name=True)

    home: Path = Field(default_factory=_default_home, description="数据目录：索引、会话、模型、日志")
    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge", description="随项目发布的知识库")
    max_input_bytes: int = Field(default=1_000_000, description="单个材料文件的大小上限（字节）")
    max_ingest_bytes: int = Field(default=20_000_000, description="导入知识库的单个文件大小上限（字节）")
    max_input_chars: int = Field(default=300_000, description="单个材料（含粘贴的通知）读出的字数上限")
    max_ingest_chars: int = Field(default=5_000_000, description="导入知识库的单个文件读出的字数上限")
    max_unzipped_bytes: int = Field(default=10_000_000, description=".docx/.xlsx 解压后正文部分的大小上限（字节）")
    max_pdf_pages: int = Field(default=500, description="单个 PDF 的页数上限")
    chroma_url: str | None = Field(default=None, description="Chroma 服务地址（如 http://127.0.0.1:8000）；留空时索引保存在数据目录")
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
    log_calls: bool = Field(default=True, description="把每次模型调用记入数据目录的 logs.db")
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

    def length_bounds(self, kind: str) -> tuple[int, int]:
        if kind == "geren":
            return self.length_geren_min, self.length_geren_max
        return self.length_banzi_min, self.length_banzi_max
