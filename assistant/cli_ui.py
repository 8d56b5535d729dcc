"""`jianshi ui`: the web chat, on this machine only (127.0.0.1) unless --host says otherwise.

The app ends the same way whatever ends it: Ctrl+C (SIGINT), SIGTERM (a service manager, `kill`) and SIGHUP
(the terminal closed) all stop the embedded model's server before the process exits; a crash is covered by
the server's parent-death signal (assistant/models/server_process.py).

While the page opens, the embedded model's server starts and the index loads in the background (ui/warmup.py;
the `warm_up` setting turns it off): the page is served at once, and a first request waits for that start.

Listening on another address asks for a password (JIANSHI_UI_PASSWORD, or typed at start) unless
--no-auth is given. Gradio is kept offline: no analytics, no version check, no share tunnel, and its upload
cache sits in the data directory rather than the shared /tmp.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .errors import InputError
from .workbench import Workbench

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def offline_gradio(home: Path) -> None:
    """Set before gradio is imported: it reads these at import time."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    cache = home / "ui-cache"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(cache))


def browser_secret(home: Path) -> str:
    """What Gradio's browser storage was encrypted with by older versions. Not a secret (Gradio sends it to
    the page); kept only so the owner token an older version stored can be read once and adopted. Owners
    are now signed cookies keyed with `owner-key` (ui/owner.py), which never leaves the data directory."""
    path = home / "ui-secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@contextmanager
def ending_on_signals(close: Callable[[], None]) -> Iterator[None]:
    """SIGTERM and SIGHUP end the app as Ctrl+C does: the model server is stopped at once, then the web server
    is closed by the KeyboardInterrupt Gradio already handles. The previous handlers come back afterwards."""
    def handler(signum, _frame):
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends the process outright
        close()
        raise KeyboardInterrupt

    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    if threading.current_thread() is not threading.main_thread():
        wanted = []  # handlers can only be set from the main thread
    previous = {signum: signal.signal(signum, handler) for signum in wanted}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@main.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；默认只允许本机访问")
@click.option("--port", type=click.IntRange(1, 65535), default=7860, show_default=True, help="端口")
@click.option("--no-auth", is_flag=True, help="监听其他地址时也不设访问密码（不建议）")
@click.option("--model-size", type=click.Choice(["0.5b", "1.5b"]), help="内置模型：1.5b 起草用，0.5b 测试用小模型")
@click.pass_obj
@friendly_errors
def ui(bench: Workbench, host: str, port: int, no_auth: bool, model_size: str | None) -> None:
    """打开网页对话界面：对话起草、边写边看材料、检查和导出（默认只在本机访问）。"""
    settings = bench.settings
    if model_size:
        settings.embedded_model = model_size
    auth = None
    if not is_loopback(host) and not no_auth:
        password = settings.ui_password or click.prompt(
            "界面将对其他电脑开放，请设置访问密码", hide_input=True, confirmation_prompt="请再输入一次")
        if len(password) < 6:
            raise InputError("访问密码太短", hint="请至少使用 6 个字符")
        auth = lambda _user, given: secrets.compare_digest(given.encode(), password.encode())  # noqa: E731
    if not port_free(host, port):
        raise InputError(f"端口 {port} 已被占用", hint="请用 --port 换一个端口，或先关闭正在运行的检视界面")
    offline_gradio(settings.home)

    from ui.app import build_app, launch_options
    from ui.owner import OwnerKey

    app = build_app(bench, lambda: bench.operations(), secret=browser_secret(settings.home),
                    key=OwnerKey.from_file(settings.home / "owner-key"))
    shown = f"[{host}]" if ":" in host else host
    console = _console()
    console.print(f"[green]检视网页界面已启动：[/]http://{shown}:{port}  （按 Ctrl+C 停止）")
    if auth:
        console.print("[yellow]已对其他电脑开放，登录时用户名可任意填写，密码为刚才设置的密码。[/]")
    elif not is_loopback(host):
        console.print("[bold red]注意：界面已对其他电脑开放且没有密码，材料可能被他人看到。[/]")
    try:
        with ending_on_signals(app.services.close):
            if app.services.warm_up():
                console.print("[dim]正在后台启动内置模型、载入知识库；页面现在即可使用，第一个请求如在此之前发出会稍等片刻。[/]"
                              if not settings.model_url else "[dim]正在后台载入知识库；页面现在即可使用。[/]")
            app.queue(default_concurrency_limit=4).launch(
                server_name=host, server_port=port, auth=auth, auth_message="请输入访问密码（用户名可任意填写）",
                quiet=True, inbrowser=False, **launch_options(settings, app))
    finally:
        app.services.close()
        console.print("检视网页界面已停止。")
