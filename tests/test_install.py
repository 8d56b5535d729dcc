"""Reproducible installs: every Python package that scripts/setup.sh installs is pinned and checked by sha256."""

import re
import tomllib

from assistant.config import PROJECT_ROOT
from assistant.models.weights import BUNDLED

REQUIREMENTS = PROJECT_ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][\w.-]*)==(\S+)", re.M)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def entries(path) -> dict[str, list[str]]:
    """Each pinned requirement in a pip requirements file → its hashes."""
    text = path.read_text(encoding="utf-8")
    found = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block.strip())
        if match:
            found[normal(match.group(1))] = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
    return found


def test_lock_pins_every_dependency_with_hashes():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    runtime = [line for line in (REQUIREMENTS / "runtime.in").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")]
    lock = entries(REQUIREMENTS / "lock.txt")
    for spec in declared + runtime:
        name = normal(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0])
        assert name in lock, f"{name} is not in requirements/lock.txt"
    assert len(lock) > 50 and all(hashes for hashes in lock.values()), [n for n, h in lock.items() if not h]


def test_model_parts_and_unbundled_packages_are_checked_by_hash():
    models = entries(REQUIREMENTS / "models.txt")
    parts = {normal(name) for weights in BUNDLED.values() for name in weights.packages}
    assert set(models) == parts and all(models.values())
    nodeps = entries(REQUIREMENTS / "nodeps.txt")
    assert set(nodeps) == {"llama-index-core"} and all(nodeps.values())


def test_the_model_server_is_built_from_a_hash_checked_source_archive():
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    version = re.search(r"^LLAMA_VERSION=(\S+)", setup, re.M).group(1)
    source = entries(REQUIREMENTS / "llama-source.txt")
    assert list(source) == ["llama-cpp-python"] and len(source["llama-cpp-python"]) == 1
    assert f"llama-cpp-python=={version} " in (REQUIREMENTS / "llama-source.txt").read_text(encoding="utf-8")
    download = re.search(r"pip download (.+?)-r requirements/llama-source\.txt", setup, re.S)
    assert download and "--require-hashes" in download.group(1) and "--no-deps" in download.group(1)
    assert "--target llama-server" in setup and "-DGGML_NATIVE=OFF" in setup and '"$VENV/bin/llama-server"' in setup


def test_setup_installs_nothing_unhashed():
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    installs = re.findall(r"pip_install (.+)", setup)
    assert installs, "setup.sh installs through pip_install"
    for command in installs:
        hashed = "--require-hashes" in command and "-r requirements/" in command
        assert hashed or command.strip() == "--no-deps --no-build-isolation -e .", command
    for name in ("lock.txt", "nodeps.txt", "models.txt"):
        assert f"requirements/{name}" in setup
