from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.notices import NoticeLibrary

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_NAME = "sample-2021-banzi.txt"
SAMPLE = FIXTURES / "samples" / SAMPLE_NAME


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
    """A 2021 team material written for these tests, with the defects a drafter's first version has."""
    return SAMPLE.read_text(encoding="utf-8")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _register_hypothesis_profiles() -> None:
    """Property tests run a bounded number of examples (CI); JIANSHI_FUZZ_EXAMPLES=N asks for a larger run."""
    import os

    from hypothesis import HealthCheck, settings as hypothesis_settings

    slow_ok = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
    hypothesis_settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=slow_ok,
                                         derandomize=True, print_blob=True)
    examples = int(os.environ.get("JIANSHI_FUZZ_EXAMPLES", "0") or 0)
    hypothesis_settings.register_profile("large", max_examples=max(examples, 1), deadline=None,
                                         suppress_health_check=slow_ok, print_blob=True)
    hypothesis_settings.load_profile("large" if examples else "ci")


_register_hypothesis_profiles()
