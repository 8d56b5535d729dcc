"""The embedded model's server ends with the app whatever ends it (a crash, SIGTERM, SIGINT), and a server left
by an earlier app is stopped at the next start. A small stand-in server keeps these fast; the last test runs
`jianshi ui` on the real 0.5B model."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.models.embedded import EmbeddedServer
from assistant.models.server_process import ServerRecords, command_line

STUB = Path(__file__).parent / "model_server_stub.py"

# The app as a child process: an embedded server on the stand-in, then what `jianshi ui` does while it serves.
APP = """
import sys, time
from pathlib import Path
from assistant.cli_ui import ending_on_signals
from assistant.models.embedded import EmbeddedServer
from assistant.models.server_process import ServerRecords

stub, run = sys.argv[1], Path(sys.argv[2])
server = EmbeddedServer(Path("model.gguf"), records=ServerRecords(run), start_timeout=30,
                        command=lambda s, port: [sys.executable, stub, "--port", str(port), "--model_alias", "jianshi-local"])
server.start()
print(server.process.pid, flush=True)
try:
    with ending_on_signals(server.stop):
        while True:  # as Gradio's block_thread
            time.sleep(0.1)
except KeyboardInterrupt:
    pass
finally:
    server.stop()
"""


def stub_command(server, port):
    return [sys.executable, str(STUB), "--port", str(port), "--model_alias", "jianshi-local"]


def gone(pid: int, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if command_line(pid) is None:
            return True
        time.sleep(0.1)
    return False


def as_in_a_terminal() -> None:
    """The app as a terminal's foreground command has it: Ctrl+C (SIGINT) at its default. A test run started in
    the background by a script (`cmd &`) inherits SIGINT ignored, and so would the app, which then rightly
    ignores it as any program does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_app(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    app = subprocess.Popen([sys.executable, "-c", APP, str(STUB), str(tmp_path / "run")], stdout=subprocess.PIPE,
                           env=env, cwd=tmp_path, text=True, preexec_fn=as_in_a_terminal)
    server_pid = int(app.stdout.readline())
    assert command_line(server_pid)  # the server runs
    return app, server_pid


@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["crash", "sigterm", "sigint"])
def test_the_server_ends_with_the_app(tmp_path, ending):
    app, server_pid = start_app(tmp_path)
    try:
        app.send_signal(ending)
        app.wait(timeout=30)
        assert gone(server_pid), "the model server outlived the app"
    finally:
        app.kill()
        if command_line(server_pid):
            os.kill(server_pid, signal.SIGKILL)


def test_the_server_started_from_a_short_lived_thread_outlives_that_thread(tmp_path):
    """The parent-death signal is tied to a thread: the warm-up thread that starts the server must not take it."""
    import threading

    server = EmbeddedServer(tmp_path / "model.gguf", command=stub_command, start_timeout=30)
    starter = threading.Thread(target=server.start)
    starter.start()
    starter.join()
    try:
        time.sleep(1.0)
        assert server.process.poll() is None
    finally:
        server.stop()


def test_two_servers_of_one_app_do_not_stop_each_other(tmp_path):
    records = ServerRecords(tmp_path / "run")
    first = EmbeddedServer(tmp_path / "a.gguf", records=records, command=stub_command, start_timeout=30)
    second = EmbeddedServer(tmp_path / "b.gguf", records=records, command=stub_command, start_timeout=30)
    try:
        first.start()
        second.start()
        assert first.process.poll() is None and second.process.poll() is None
        assert len(list((tmp_path / "run").glob("*.json"))) == 2
        first.stop()
        assert second.process.poll() is None and len(list((tmp_path / "run").glob("*.json"))) == 1
    finally:
        first.stop()
        second.stop()


def test_a_server_left_by_an_earlier_app_is_stopped_at_the_next_start(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    # A server whose app has gone without stopping it (as with an app killed on a system without the signal).
    left = subprocess.Popen(stub_command(None, 0)[:2] + ["--port", "0"], start_new_session=True)
    ended_app = subprocess.Popen([sys.executable, "-c", "pass"])
    ended_app.wait()
    (run / f"model-server-{ended_app.pid}.json").write_text(json.dumps(
        {"app": ended_app.pid, "app_command": ["python"], "pid": left.pid, "port": 0,
         "command": command_line(left.pid)}), encoding="utf-8")
    # A record whose pid now belongs to another program: that program is left alone.
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    (run / "model-server-1-2.json").write_text(json.dumps(
        {"app": ended_app.pid, "pid": other.pid, "port": 0, "command": ["llama-server", "--port", "1"]}),
        encoding="utf-8")
    server = EmbeddedServer(tmp_path / "model.gguf", records=ServerRecords(run), command=stub_command, start_timeout=30)
    try:
        url = server.start()
        left.wait(timeout=15)  # stopped (and reaped here, its parent)
        assert other.poll() is None
        records = [json.loads(p.read_text()) for p in run.glob("*.json")]
        assert [r["pid"] for r in records] == [server.process.pid]
        with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
            assert json.load(response)["data"]
    finally:
        server.stop()
        other.kill()
        left.kill()
    assert list(run.glob("*.json")) == []  # a clean stop leaves no record


@pytest.mark.slow
def test_sigterm_to_jianshi_ui_stops_the_real_model_server(tmp_path):
    """`jianshi ui` on the 0.5B model, ended with SIGTERM as a service manager would: no llama.cpp server left."""
    from assistant.config import Settings
    from assistant.models.factory import embedded_weights

    home = tmp_path / "home"
    embedded_weights(Settings(home=home, embedded_model="0.5b"))  # joined before the clock starts
    env = {**os.environ, "JIANSHI_HOME": str(home), "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("JIANSHI_MODEL_URL", None), env.pop("OPENAI_BASE_URL", None)
    port = free_port()
    app = subprocess.Popen([sys.executable, "-c", "from assistant.cli import main; main()", "ui", "--model-size", "0.5b", "--port", str(port)],
                           env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (found := list((home / "run").glob(f"model-server-{app.pid}-*.json"))) \
                and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
        assert found, app.stdout.read() if app.poll() is not None else "no model server was started"
        record = found[0]
        server_pid = json.loads(record.read_text())["pid"]
        assert command_line(server_pid)[0].endswith("llama-server")
        app.send_signal(signal.SIGTERM)
        output, _ = app.communicate(timeout=60)
        assert gone(server_pid), "the llama.cpp server outlived `jianshi ui`"
        assert "已停止" in output and not record.exists()
    finally:
        app.kill()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
