"""The quick commands (check, notices, --help) load none of the drafting, retrieval or web stack.

Each case runs in a fresh interpreter, so modules imported by other tests in this process do not count.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

CLEAN = Path(__file__).parent / "fixtures" / "clean-2024-banzi.txt"
# Loaded only by the commands that draft, search, import office files or serve the web page.
HEAVY = ("gradio", "chromadb", "openai", "langchain_core", "langchain", "llama_cpp", "jieba", "numpy", "tiktoken",
         "docx", "openpyxl", "pypdf", "httpx", "pydantic", "pydantic_settings", "assistant.operations",
         "assistant.models", "assistant.retrieval", "assistant.sucai")
PROBE = """
import json, sys
from click.testing import CliRunner
from assistant.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "modules": sorted(m for m in sys.modules if m.split(".")[0] != "__main__")}))
"""


def loaded_by(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in HEAVY)]


@pytest.mark.parametrize("args", [
    ("check", str(CLEAN)),
    ("check", str(CLEAN), "--json"),
    ("notices",),
    ("--help",),
], ids=["check", "check-json", "notices", "help"])
def test_quick_commands_do_not_import_the_heavy_stack(args):
    run = loaded_by(*args)
    assert run["exit"] == 0, run["output"]
    assert "assistant.cli" in run["modules"] and "assistant.rubric" in run["modules"]
    assert heavy_in(run["modules"]) == []


def test_check_json_still_reports_the_material():
    run = loaded_by("check", str(CLEAN), "--json")
    report = json.loads(run["output"])
    assert report["summary"]["blocker"] == 0 and report["areas"]
    assert "rich" not in {m.split(".")[0] for m in run["modules"]}  # nothing printed through rich


def test_the_probe_sees_a_heavy_import():
    """The guard can fail: a command that does load the drafting stack is caught."""
    run = loaded_by("models", "--json")
    assert "assistant.models" in heavy_in(run["modules"])


def test_every_command_module_is_listed_where_its_commands_are():
    """A command added to a cli_* module must be named in COMMAND_MODULES, or it would never load."""
    import importlib

    from assistant.cli import COMMAND_MODULES, main

    modules = sorted(path.stem for path in (PROJECT_ROOT / "assistant").glob("cli_*.py"))
    for module in modules:
        importlib.import_module(f"assistant.{module}")
    defined = {name: command.callback.__module__.removeprefix("assistant.")
               for name, command in main.commands.items() if command.callback.__module__ != "assistant.cli"}
    assert defined == COMMAND_MODULES
    assert set(COMMAND_MODULES.values()) == set(modules)


def test_a_mistyped_command_still_gets_a_suggestion():
    run = loaded_by("drafts")
    assert run["exit"] == 2 and "是不是要用“draft”" in run["output"]
