"""The web chat's handlers called as functions over FakeModel-backed operations, then the app launched on a
free loopback port and called through gradio_client's named endpoints."""

import socket
import threading
import time
import zipfile

import docx
import gradio as gr
import pytest

from assistant.config import Settings
from assistant.models.base import ModelUnavailable
from assistant.models.fake import FakeModel
from assistant.workbench import Workbench
from tests.test_operations import FACTS, scripted_writer
from ui.app import build_app, launch_options
from ui.services import Services
from ui.sessions import SessionStore

FACT_LINES = "\n".join(FACTS.lines)


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    bench = Workbench.from_settings(Settings(home=tmp_path_factory.mktemp("home")))
    bench.retriever().search("理论学习", 1)  # index the bundled banks once for the module
    return bench


def make_services(bench, tmp_path, model=None):
    model = model or FakeModel(default=scripted_writer)
    return Services.build(bench, lambda: bench.operations(model=model, log=False),
                          store=SessionStore(tmp_path / "sessions.db"))


@pytest.fixture
def services(bench, tmp_path):
    return make_services(bench, tmp_path)


def new_state(services, owner="browser-a", notice="2024"):
    session = services.store.create(owner)
    services.editing.save_profile(owner, session.id, org="江川市市场监督管理局", kind="banzi", year=2024, facts=FACT_LINES)
    if notice:
        services.editing.choose_notice(owner, session.id, preset=notice)
    return {"owner": owner, "session": session.id, "section": None}


def say(services, state, message):
    frames = list(services.chat.chat(message, [], state))
    history, state = frames[-1]
    return frames, history, state


def sections(services, state):
    return services.store.get(state["owner"], state["session"]).sections


def test_draft_area_streams_cites_and_waits_for_acceptance(services):
    state = new_state(services)
    frames, history, state = say(services, state, "写第一个方面")
    assert len(frames) >= 2 and frames[0][0][-1]["content"].startswith("正在起草")
    assert history[0] == {"role": "user", "content": "写第一个方面"}
    reply = history[1]["content"]
    assert reply.startswith("（一）在带头严守政治纪律和政治规矩") and "[1]" in reply
    assert history[2]["metadata"]["title"].startswith("引用来源") and history[2]["content"].startswith("[1]")
    assert sections(services, state) == {}  # proposed, not written
    assert state["section"] == "area-1"
    _, history, state = say(services, state, "采用")
    assert sections(services, state)["area-1"].startswith("（一）在带头严守政治纪律")
    assert "已采用" in history[-1]["content"]
    saved = services.store.messages(state["owner"], state["session"])
    assert [m["role"] for m in saved][:2] == ["user", "assistant"] and saved[-1]["content"].startswith("已采用")
    say(services, state, "撤销")
    assert sections(services, state) == {}
    say(services, state, "重做")
    assert "area-1" in sections(services, state)


def test_the_drafter_can_edit_a_proposal_before_accepting(services):
    state = new_state(services)
    say(services, state, "写第二个方面")
    services.editing.accept(state["owner"], state["session"], "（二）在带头增强党性方面\n一是我改过的问题。比如，……。")
    assert sections(services, state) == {"area-2": "（二）在带头增强党性方面\n一是我改过的问题。比如，……。"}


def test_example_analysis_links_and_revision(services):
    state = new_state(services)
    say(services, state, "写第一个方面")
    say(services, state, "采用")
    before = sections(services, state)["area-1"]
    _, history, state = say(services, {**state, "section": "area-1"}, "给这一条补一个具体事例")
    proposal = services.store.get(state["owner"], state["session"]).meta["proposal"]
    assert proposal["changes"]["area-1"].count("比如") == before.count("比如") + 1
    _, history, state = say(services, state, "分析一下这个问题的根源：调研走过场，只听汇报不进农户")
    assert "原因维度" in history[1]["content"]
    assert set(services.store.get(state["owner"], state["session"]).meta["proposal"]["changes"]) == {"causes", "measures"}
    _, history, state = say(services, state, "把原因和措施对应起来")
    assert "对应关系" in history[1]["content"]
    say(services, state, "采用")
    assert sections(services, state)["causes"].startswith("（一）")
    _, history, state = say(services, {**state, "section": "area-1"}, "这一段改得更具体些")
    revised = services.store.get(state["owner"], state["session"]).meta["proposal"]["changes"]["area-1"]
    assert revised.startswith("（一）") and "党组书记牵头" in revised


def test_check_and_export_from_the_chat(services):
    state = new_state(services)
    say(services, state, "写开头")
    say(services, state, "采用")
    say(services, state, "写第一个方面")
    say(services, state, "采用")
    _, history, state = say(services, state, "检查一下")
    assert history[-1]["content"].startswith("检查完成")
    report = services.store.get(state["owner"], state["session"]).meta["report"]
    assert any(f["section"] == "area-1" and f["section_line"] for f in report["findings"])
    _, history, state = say(services, state, "导出Word")  # areas two to five unwritten: refused, as on the CLI
    assert history[-1]["content"].startswith("没有导出") and "必须修改" in history[-1]["content"]
    assert "export" not in services.store.get(state["owner"], state["session"]).meta
    _, history, state = say(services, state, "仍然导出Word")
    assert "这是草稿" in history[-1]["content"]
    path = services.store.get(state["owner"], state["session"]).meta["export"]
    assert path.endswith(".docx") and "江川市市场监督管理局" in path
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "存在的主要问题" in text and "在带头严守政治纪律和政治规矩" in text
    say(services, state, "强制导出markdown")
    assert services.store.get(state["owner"], state["session"]).meta["export"].endswith(".md")


def test_nothing_is_drafted_before_a_notice_is_chosen(services):
    state = new_state(services, notice=None)
    _, history, _ = say(services, state, "写第一个方面")
    assert "通知" in history[-1]["content"] and sections(services, state) == {}


def test_a_failing_model_falls_back_and_a_crash_loses_nothing(bench, tmp_path):
    services = make_services(bench, tmp_path, FakeModel(default=ModelUnavailable("无法连接模型服务")))
    state = new_state(services)
    _, history, state = say(services, state, "写第一个方面")
    assert "模型生成未成功" in history[1]["content"]  # the banks' text, with a warning
    crashing = Services.build(bench, lambda: 1 / 0, store=services.store)
    _, history, _ = say(crashing, state, "写第二个方面")
    assert "出错了" in history[-1]["content"] and "材料没有改动" in history[-1]["content"]
    saved = services.store.messages(state["owner"], state["session"])
    assert saved[-2]["content"] == "写第二个方面" and "出错了" in saved[-1]["content"]


def test_stop_ends_a_long_generation_and_keeps_the_draft(bench, tmp_path):
    def slow(messages):
        time.sleep(0.4)
        return scripted_writer(messages)

    services = make_services(bench, tmp_path, FakeModel(default=slow))
    state = new_state(services)
    chat = services.chat.chat("写第一个方面", [], state)
    next(chat)
    services.chat.stop(state)
    history, _ = list(chat)[-1]
    assert history[-1]["content"] == "已停止，材料没有改动。"
    session = services.store.get(state["owner"], state["session"])
    assert session.sections == {} and "proposal" not in session.meta


def test_uploads_are_checked_sanitised_and_kept_per_browser(services, tmp_path):
    good = tmp_path / "我们的2024年调研报告.txt"
    good.write_text("今年班子成员下基层调研31次，形成调研报告3篇。" * 20, encoding="utf-8")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ")
    tricky = tmp_path / "evil$name;.md"
    tricky.write_text("# 学习笔记\n理论学习要往深里走。", encoding="utf-8")
    report = services.uploads.add("browser-a", [str(good), str(bad), str(tricky)])
    assert report.added == ["我们的2024年调研报告.txt", "evil_name.md"]
    assert "格式不支持" in report.errors[0]
    assert dict(services.uploads.list("browser-a")) == {"evil_name.md": 1, "我们的2024年调研报告.txt": 1}
    assert services.uploads.list("browser-b") == []
    assert "已从知识库移除" in services.uploads.remove("browser-a", "evil_name.md")
    assert [name for name, _ in services.uploads.list("browser-a")] == ["我们的2024年调研报告.txt"]
    assert "没有" in services.uploads.remove("browser-b", "我们的2024年调研报告.txt")
    services.uploads.remove("browser-a", "我们的2024年调研报告.txt")


def test_one_browsers_uploads_are_not_retrieved_for_another(services, tmp_path):
    marker = "苍梧岭水库移民安置回头看"
    upload = tmp_path / "移民安置调研.txt"
    upload.write_text(f"班子成员到{marker}现场调研，发现安置点配套设施欠账较多。" * 5, encoding="utf-8")
    shared = tmp_path / "shared" / "本机共用参考.txt"
    shared.parent.mkdir()
    shared.write_text(f"本机共用的参考材料：{marker}工作情况通报。" * 5, encoding="utf-8")
    services.workbench.knowledge().ingester.ingest([shared])  # like `jianshi ingest`: every browser may use it
    assert services.uploads.add("browser-a", [str(upload)]).added == ["移民安置调研.txt"]

    def sources(owner):
        ops = services.drafting.operations_for(owner)
        return {p.source for p in ops.analyst.retriever.search(marker, 10, kind="reference")}

    assert sources("browser-a") == {"移民安置调研.txt", "本机共用参考.txt"}
    assert sources("browser-b") == {"本机共用参考.txt"}
    hidden = next(p.id for p in services.workbench.retriever().search(marker, 10) if p.source == "移民安置调研.txt")
    assert services.drafting.operations_for("browser-b").areas.retriever.get(hidden) is None
    assert services.drafting.operations_for("browser-a").areas.retriever.get(hidden) is not None
    services.uploads.remove("browser-a", "移民安置调研.txt")
    services.workbench.knowledge().ingester.ingest([shared.parent], rebuild=False)
    shared.unlink()
    services.workbench.knowledge().ingester.ingest([shared.parent])


def test_the_panels_show_the_saved_session(services):
    state = new_state(services)
    say(services, state, "写第一个方面")
    app = build_app(services.workbench, None, services=services)
    assert isinstance(app, gr.Blocks)
    from ui import panels

    view = panels.view(services, _layout_of(app), {**state, "section": "area-1"})
    values = {getattr(component, "elem_id", None): value for component, value in view.items()}
    assert values["jianshi-proposal"].startswith("（一）")
    assert "2024年度" in values["jianshi-notice-info"]


def _layout_of(app):
    """The namespace of components build_app made (kept on the services for tests)."""
    return app.services.layout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(services, monkeypatch):
    outbound = []
    connect = socket.socket.connect

    def watch(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "localhost", "::1"):
            outbound.append(address)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", watch)
    app = build_app(services.workbench, None, services=services)
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                       **launch_options(services.workbench.settings))
    yield f"http://127.0.0.1:{port}/", outbound
    app.close()


def test_named_endpoints_over_http(served, fixture_path=None):
    from gradio_client import Client

    url, outbound = served
    client = Client(url, verbose=False)
    api = client.view_api(return_format="dict", print_info=False)
    assert {"/chat", "/check"} <= set(api["named_endpoints"])
    assert len(api["named_endpoints"]) == 2  # the page's own events stay private
    findings = client.predict("一、存在的主要问题\n（一）在理论学习方面\n一是学习不深入。", "2023", "", api_name="/check")
    assert findings["summary"]["blocker"] >= 1 and findings["findings"][0]["message"]
    assert "写第二个方面" in client.predict("你能做什么", api_name="/chat")
    assert "已选用" in client.predict("用2024年的通知", api_name="/chat")
    reply = client.predict("写第一个方面", api_name="/chat")
    assert reply.startswith("（一）") and "[1]" in reply
    other = Client(url, verbose=False)
    assert "通知" in other.predict("写第一个方面", api_name="/chat")  # another client, another material
    page = __import__("urllib.request").request.urlopen(url, timeout=10).read().decode()
    assert "检视" in page
    assert outbound == []  # nothing left the machine


@pytest.mark.parametrize("given, safe", [
    ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\张三\\材料.DOCX", "材料.docx"), (".bashrc", "bashrc"),
    ("a<b>|c.md", "a_b_c.md"), ("   ", "文件"), ("报告（定稿）.pdf", "报告（定稿）.pdf"), ("x" * 300 + ".txt", "x" * 76 + ".txt"),
])
def test_file_names_are_sanitised(given, safe):
    from ui.files import safe_name

    assert safe_name(given) == safe


@pytest.fixture
def launches(monkeypatch):
    """Run `jianshi ui` up to the launch, recording what it would serve with."""
    calls = []
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kwargs: calls.append(kwargs))
    monkeypatch.setattr(Services, "warm_up", lambda self: None)
    monkeypatch.delenv("JIANSHI_UI_PASSWORD", raising=False)
    for name, value in (("GRADIO_ANALYTICS_ENABLED", "True"), ("HF_HUB_OFFLINE", "0"), ("HF_HUB_DISABLE_TELEMETRY", "0")):
        monkeypatch.setenv(name, value)  # the command must switch these off; monkeypatch restores them after
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    return calls


def run_ui(*args, input=None, env=None):
    from click.testing import CliRunner

    from assistant.cli import main

    return CliRunner().invoke(main, ["ui", *args], input=input, env=env)


def test_ui_binds_loopback_without_password_by_default(launches):
    result = run_ui("--port", str(free_port()))
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:" in result.output
    (kwargs,) = launches
    assert kwargs["server_name"] == "127.0.0.1" and kwargs["auth"] is None and kwargs["share"] is False
    import os

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_ui_on_another_address_asks_for_a_password(launches):
    result = run_ui("--host", "0.0.0.0", "--port", str(free_port()), input="secret-pw\nsecret-pw\n")
    assert result.exit_code == 0, result.output
    auth = launches[0]["auth"]
    assert auth("任意", "secret-pw") and not auth("任意", "wrong")
    result = run_ui("--host", "0.0.0.0", "--port", str(free_port()), env={"JIANSHI_UI_PASSWORD": "from-env-pw"})
    assert launches[1]["auth"]("x", "from-env-pw")
    result = run_ui("--host", "0.0.0.0", "--port", str(free_port()), "--no-auth")
    assert launches[2]["auth"] is None and "没有密码" in result.output
    result = run_ui("--host", "0.0.0.0", "--port", str(free_port()), input="123\n123\n")
    assert result.exit_code == 2 and "密码太短" in result.output


def test_ui_refuses_a_busy_port_in_chinese(launches):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_ui("--port", str(busy.getsockname()[1]))
    assert result.exit_code == 2 and "已被占用" in result.output and not launches


def test_ui_model_size_option_picks_the_embedded_model(launches, monkeypatch):
    seen = {}
    import ui.app

    real = ui.app.build_app
    monkeypatch.setattr(ui.app, "build_app", lambda bench, *a, **k: seen.setdefault("bench", bench) and real(bench, *a, **k))
    assert run_ui("--model-size", "0.5b", "--port", str(free_port())).exit_code == 0
    assert seen["bench"].settings.embedded_model == "0.5b"


class LocalModel(FakeModel):
    """A fake that, like the embedded model, has a server answering one request at a time."""

    class Server:
        started = 0

        def __init__(self):
            self.turn = threading.RLock()  # as EmbeddedServer.turn

        def start(self):
            self.started += 1

    def __init__(self):
        super().__init__(default=self.reply)
        self.server = self.Server()
        self.busy = 0
        self.overlaps = 0

    def reply(self, messages):
        self.busy += 1
        self.overlaps += self.busy > 1
        time.sleep(0.05)
        self.busy -= 1
        return scripted_writer(messages)


def test_requests_for_a_local_model_queue_instead_of_colliding(bench, tmp_path):
    import threading

    model = LocalModel()
    services = make_services(bench, tmp_path, model)
    states = [new_state(services, owner=f"browser-{n}") for n in range(3)]
    frames = {}

    def ask(state):
        frames[state["owner"]] = [frame for frame, _ in services.chat.chat("写第一个方面", [], state)]

    threads = [threading.Thread(target=ask, args=(state,)) for state in states]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert model.overlaps == 0 and model.server.started == 1
    assert all(history[-1][1]["content"].startswith("（一）") for history in frames.values())
    shown = [m["content"] for history in frames.values() for frame in history for m in frame if m["role"] == "assistant"]
    assert any("排队" in text for text in shown)
