"""Settings: constructor values, then the environment (any case), then .env, then defaults; types and bounds checked."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_environment(tmp_path, monkeypatch):
    """No stray model settings from the machine; each test in an empty folder (no .env)."""
    for name in ("JIANSHI_MODEL_URL", "OPENAI_BASE_URL", "JIANSHI_API_KEY", "OPENAI_API_KEY", "JIANSHI_MODEL",
                 "JIANSHI_MODEL_THREADS", "JIANSHI_LOG_CALLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_and_environment_with_types(monkeypatch, tmp_path):
    assert Settings().model_threads == 2 and Settings().log_calls is True and Settings().model_url is None
    monkeypatch.setenv("JIANSHI_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("jianshi_model_threads", "4")  # names in any case, as before
    monkeypatch.setenv("JIANSHI_LOG_CALLS", "off")
    monkeypatch.setenv("JIANSHI_MODEL_TIMEOUT", "7.5")
    settings = Settings()
    assert settings.home == tmp_path / "elsewhere" and isinstance(settings.home, Path)
    assert (settings.model_threads, settings.log_calls, settings.model_timeout) == (4, False, 7.5)


def test_constructor_wins_over_environment_and_is_converted(monkeypatch):
    monkeypatch.setenv("JIANSHI_MODEL_THREADS", "4")
    settings = Settings(model_threads="3", home="relative/home", unknown_name="ignored")
    assert settings.model_threads == 3 and settings.home == Path("relative/home")
    assert not hasattr(settings, "unknown_name")


def test_openai_names_are_read_but_jianshi_names_come_first(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "from-openai")
    assert (Settings().model_url, Settings().api_key) == ("http://127.0.0.1:9/v1", "from-openai")
    monkeypatch.setenv("JIANSHI_MODEL_URL", "http://127.0.0.1:10/v1")
    assert Settings().model_url == "http://127.0.0.1:10/v1"


def test_env_file_in_the_working_folder_below_the_environment(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("JIANSHI_MODEL=from-file\nJIANSHI_MODEL_THREADS=9\nOPENAI_API_KEY='k e y'\n"
                                   "UNRELATED=1\n", encoding="utf-8")
    monkeypatch.setenv("JIANSHI_MODEL_THREADS", "5")
    settings = Settings()
    assert (settings.model, settings.model_threads, settings.api_key) == ("from-file", 5, "k e y")


@pytest.mark.parametrize("name, value", [
    ("JIANSHI_MODEL_THREADS", "zwei"), ("JIANSHI_MODEL_THREADS", "2.5"), ("JIANSHI_LOG_CALLS", "maybe"),
    ("JIANSHI_SIMILARITY_THRESHOLD", "0"), ("JIANSHI_SIMILARITY_THRESHOLD", "1.5"),
    ("JIANSHI_SIMILARITY_MIN_CHARS", "1"),
])
def test_bad_values_are_refused_with_the_setting_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        Settings()
    assert name in caught.value.message and value in caught.value.message


def test_bounds_hold_at_their_edges(monkeypatch):
    monkeypatch.setenv("JIANSHI_SIMILARITY_THRESHOLD", "1")
    monkeypatch.setenv("JIANSHI_SIMILARITY_MIN_CHARS", "2")
    assert (Settings().similarity_threshold, Settings().similarity_min_chars) == (1.0, 2)


def test_model_copy_replaces_only_what_it_is_given():
    settings = Settings(model="a")
    copy = settings.model_copy(update={"model": "b", "model_url": None})
    assert (copy.model, settings.model, copy.home) == ("b", "a", settings.home)


def test_a_bad_setting_is_a_chinese_error_on_the_command_line(monkeypatch):
    monkeypatch.setenv("JIANSHI_MODEL_THREADS", "zwei")
    result = CliRunner().invoke(main, ["notices"])
    assert result.exit_code == 2
    assert "JIANSHI_MODEL_THREADS" in result.output and "应为整数" in result.output
    assert "Traceback" not in result.output
