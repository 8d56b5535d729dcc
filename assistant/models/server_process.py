"""The model server's process: started so that it ends with the app however the app ends, and recorded so that
a server left behind by an app that could not stop it is found and stopped at the next start.

- On Linux the server is asked (PR_SET_PDEATHSIG) for SIGTERM when its parent ends, even by SIGKILL or a crash.
  The kernel ties that signal to the parent *thread*, so the server is started from a thread that lives exactly
  as long as the server (it waits for it), never from a short-lived worker thread.
- Each running server is recorded in the data directory (`run/model-server-<app pid>-<server pid>.json`: the
  app's pid and command line, the server's pid and its exact command line). At start, a record whose app is gone and whose process still runs
  that same command line is a leftover: that process is stopped. A process that no longer matches (the pid was
  reused) is left alone; only the record goes.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """preexec_fn: SIGTERM to this child when the thread that started it ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: nothing is imported in the child
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def spawn(command: list[str], *, log) -> subprocess.Popen:
    """Start `command` from a keeper thread that waits for it, so the parent-death signal fires only when the
    server has ended or this whole process has."""
    started: queue.Queue = queue.Queue()

    def keeper() -> None:
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       preexec_fn=_die_with_parent())
        except BaseException as exc:  # noqa: BLE001  handed to the caller, who raises it
            started.put(exc)
            return
        started.put(process)
        process.wait()

    threading.Thread(target=keeper, name="jianshi-model-server", daemon=True).start()
    result = started.get()
    if isinstance(result, BaseException):
        raise result
    return result


def command_line(pid: int) -> list[str] | None:
    """The process's arguments, or None when there is no such process (or it cannot be read)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        if not Path("/proc").is_dir():  # not Linux: ask ps
            try:
                out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, timeout=5)
            except (OSError, subprocess.SubprocessError):
                return None
            return out.stdout.split() or None
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part] or None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return command_line(pid) is not None or not Path("/proc").is_dir()


def end(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it does not end in time."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child: reap it
                    return
            except ChildProcessError:
                pass
            if not alive(pid):
                return
            time.sleep(0.1)


class ServerRecords:
    """The running model servers of this data directory, one record per app process."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def add(self, process: subprocess.Popen, command: list[str], port: int) -> Path:
        """Record a server this app started; returns the record, for `remove`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"model-server-{os.getpid()}-{process.pid}.json"
        record = {"app": os.getpid(), "app_command": command_line(os.getpid()), "pid": process.pid, "port": port,
                  "command": command, "started": time.time()}
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        return path

    @staticmethod
    def remove(path: Path | None) -> None:
        if path is not None:
            path.unlink(missing_ok=True)

    def stop_leftovers(self) -> list[int]:
        """Stop the servers whose app has ended; returns their pids."""
        stopped = []
        for path in sorted(self.folder.glob("model-server-*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                app, pid, command = int(record["app"]), int(record["pid"]), list(record["command"])
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # unreadable: nothing can be checked against it
                continue
            if app == os.getpid() or alive(app) and command_line(app) == record.get("app_command"):
                continue  # this app's own servers, or another app's that is running now: in use
            if command_line(pid) == command:  # really the server that was recorded, not a reused pid
                end(pid)
                stopped.append(pid)
            path.unlink(missing_ok=True)
        return stopped
