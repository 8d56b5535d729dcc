"""One settings object, read once from the environment (prefix JIANSHI_) or a .env file."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    return Path.home() / ".jianshi"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANSHI_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="数据目录：索引、会话、模型、日志")
    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge", description="随项目发布的知识库")
    max_input_bytes: int = Field(default=1_000_000, description="单个材料文件的大小上限（字节）")
    # Length bounds in Chinese characters (domain.md): team 3,000–10,000, individual 1,500–7,000.
    length_banzi_min: int = 3000
    length_banzi_max: int = 10000
    length_geren_min: int = 1500
    length_geren_max: int = 7000
    items_per_area_min: int = 2
    items_per_area_max: int = 3
    causes_min: int = 3
    causes_max: int = 6

    def length_bounds(self, kind: str) -> tuple[int, int]:
        if kind == "geren":
            return self.length_geren_min, self.length_geren_max
        return self.length_banzi_min, self.length_banzi_max
