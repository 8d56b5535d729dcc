from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.notices import NoticeLibrary

SHARED = PROJECT_ROOT.parent / "shared" / "reference"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own data directory; nothing touches the user's ~/.jianshi."""
    monkeypatch.setenv("JIANSHI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def notices() -> NoticeLibrary:
    return NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices")


@pytest.fixture(scope="session")
def sample_text() -> str:
    path = SHARED / "sample-2021-jiwei-banzi.txt"
    if not path.exists():
        pytest.skip("缺少 shared/reference 中的样例材料")
    return path.read_text(encoding="utf-8")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
