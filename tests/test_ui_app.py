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
from ui.layout import MAP_HEADERS, SUCAI_HEADERS
from ui.services import Services
from ui.sessions import SessionStore

FACT_LINES = "\n".join(FACTS.lines)
OPINIONS = [  # (content, source, target) as a 征求意见 汇总表 lists them
    ("党组会议研究“三重一大”事项，有4项先定后报，请示报告制度执行不严", "座谈会", "班子"),
    ("重大事项请示报告不及时，有的事项先办后报", "意见箱", "班子"),
    ("班子成员下基层调研多是听汇报、看材料，深入一线少", "问卷", "班子"),
]


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


def test_a_year_without_preset_leads_to_pasting_the_notice(services):
    state = new_state(services, notice=None)
    _, history, _ = say(services, state, "用2026年的通知")
    reply = history[-1]["content"]
    assert "2026年度的通知还没有收录为预设" in reply and "粘贴通知原文" in reply
    assert services.store.get(state["owner"], state["session"]).meta.get("notice") is None
    _, history, _ = say(services, state, "写第一个方面")
    assert "粘贴通知原文" in history[-1]["content"]


def test_a_pasted_notice_with_a_miscounted_list_says_so(services):
    state = new_state(services, notice=None)
    text = "一、会议主题\n以学促干，推动工作提质增效。\n二、对照检查内容\n重点从以下三个方面：\n（一）带头学习理论。\n（二）带头担当作为。"
    outcome = services.editing.choose_notice(state["owner"], state["session"], text=text)
    assert "共2个方面" in outcome.reply and "注意：通知写的是3个方面" in outcome.reply


def test_a_failing_model_falls_back_and_a_crash_loses_nothing(bench, tmp_path):
    services = make_services(bench, tmp_path, FakeModel(default=ModelUnavailable("无法连接模型服务")))
    state = new_state(services)
    services.sucai.add_text(state["owner"], state["session"], OPINIONS[0][0])
    services.sucai.move(state["owner"], state["session"], "s01", 1)
    _, history, state = say(services, state, "写第一个方面")
    assert "模型生成未成功" in history[1]["content"]  # the entry's own words, with a warning
    assert "有4项先定后报" in history[1]["content"]
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
                       **launch_options(services.workbench.settings, app))
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
        time.sleep(0.3)  # long enough for the waiting requests to show that they wait
        self.busy -= 1
        return scripted_writer(messages)


def test_requests_for_a_local_model_queue_instead_of_colliding(bench, tmp_path):
    import threading

    model = LocalModel()
    services = make_services(bench, tmp_path, model)
    states = [new_state(services, owner=f"browser-{n}") for n in range(3)]
    for state in states:  # an entry of the drafter's own, so drafting the area calls the model
        services.sucai.add_text(state["owner"], state["session"], OPINIONS[0][0])
        services.sucai.move(state["owner"], state["session"], "s01", 1)
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


# ---- 素材: the drafter's own material, imported, sorted, edited, drafted from ------------------------


def opinions_xlsx(path, rows=OPINIONS):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "意见建议内容", "来源", "针对"])
    for n, (content, source, target) in enumerate(rows, start=1):
        sheet.append([n, content, source, target])
    book.save(path)
    return path


def sucai_writer(messages):
    """A faithful model for items from 素材: the ordinal, the hint's wording, then the entries as the example."""
    request = messages[-1].content
    if "本单位素材：" in request:
        ordinal = field_of(request, "序号")
        entries = request.split("本单位素材：", 1)[1].split("事实：", 1)[0]
        said = "；".join(line.split("：", 1)[-1].strip() for line in entries.strip().splitlines() if line.strip())
        return f"{ordinal}是{field_of(request, '参考写法')}。执行制度不够严格。比如，{said}。"
    return scripted_writer(messages)


def field_of(message, name):
    import re

    match = re.search(rf"{name}：(.*)", message)
    return match.group(1).strip() if match else ""


def meta(services, state):
    return services.store.get(state["owner"], state["session"]).meta


def entries(services, state):
    from assistant.sucai import Sucai

    return Sucai.from_list(meta(services, state).get("sucai"))


def test_sucai_from_a_table_a_paste_and_a_bad_file(services, tmp_path):
    from ui import panels

    state = new_state(services)
    owner, sid = state["owner"], state["session"]
    outcome = services.sucai.add_files(owner, sid, [str(opinions_xlsx(tmp_path / "征求意见汇总.xlsx"))])
    assert outcome.reply.startswith("已加入素材") and "归入各个方面" in outcome.reply
    sucai = entries(services, state)
    assert len(sucai) >= 2 and all(e.kind == "opinion" and e.area in range(1, 5) for e in sucai.entries)
    assert any("4项先定后报" in e.text for e in sucai.entries)
    count = len(sucai)

    outcome = services.sucai.add_text(owner, sid, "谈心谈话：有的班子成员批评与自我批评辣味不足\n集中学习研讨6次")
    assert outcome.reply.startswith("已加入素材")
    assert len(entries(services, state)) == count + 2
    assert services.sucai.add_text(owner, sid, "   ").reply.startswith("粘贴框是空的")

    broken = tmp_path / "坏表格.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    notes = tmp_path / "笔记.pdf"
    notes.write_bytes(b"%PDF-1.4")
    again = tmp_path / "再传一次.xlsx"
    opinions_xlsx(again, OPINIONS[:1])
    outcome = services.sucai.add_files(owner, sid, [str(broken), str(notes)])
    assert outcome.reply.count("未能加入") == 2 and "坏表格.xlsx" in outcome.reply and "格式不支持" in outcome.reply
    assert "已有的素材不受影响" in outcome.reply
    assert len(entries(services, state)) == count + 2  # nothing lost, nothing added
    services.sucai.add_files(owner, sid, [str(opinions_xlsx(tmp_path / "征求意见汇总.xlsx"))])  # the same file again
    assert len(entries(services, state)) == count + 2

    restarted = make_services(services.workbench, tmp_path)  # a new server on the same data directory
    sucai = entries(restarted, state)
    assert len(sucai) == count + 2
    rows = panels.sucai_rows(sucai, restarted.editing.notice(restarted.store.get(owner, sid)))
    assert len(rows[0]) == len(SUCAI_HEADERS) == 8
    first = rows[0]
    assert first[0] == "s01" and first[1] == "征求意见" and first[5].startswith("（") and first[6].endswith("%")
    fact = next(row for row in rows if row[1] == "事实")
    assert fact[5] == "—" and fact[6] == "" and fact[7] == ""
    summary = panels.sucai_summary(sucai, restarted.editing.notice(restarted.store.get(owner, sid)))
    assert f"共 {count + 2} 条" in summary and "征求意见" in summary and "事实 1" in summary
    assert "各方面的问题素材" in summary and "不足两条" in summary


def test_sorting_the_sucai_needs_no_model(bench, tmp_path):
    services = Services.build(bench, lambda: 1 / 0, store=SessionStore(tmp_path / "sessions.db"))  # no model at all
    state = new_state(services)
    services.sucai.add_text(state["owner"], state["session"], "\n".join(text for text, _, _ in OPINIONS))
    assert all(e.area for e in entries(services, state).problems)


def test_sucai_entries_are_moved_merged_dropped_and_rekinded(services):
    state = new_state(services)
    owner, sid = state["owner"], state["session"]
    services.sucai.add_text(owner, sid, "\n".join(text for text, _, _ in OPINIONS))
    first, second, *_ = entries(services, state).entries
    outcome = services.sucai.move(owner, sid, first.id, 3)
    assert outcome.reply == f"已把 {first.id}（{first.text[:18]}…）移到（三）勇于担责。"
    moved = entries(services, state).get(first.id)
    assert (moved.area, moved.confidence, moved.flagged) == (3, 1.0, False)
    assert services.sucai.move(owner, sid, None, 3).reply.startswith("请先在“选一条素材”")
    assert services.sucai.move(owner, sid, first.id, None).reply == "请在“方面”中选一个方面。"

    outcome = services.sucai.merge(owner, sid, first.id, second.id)
    assert outcome.reply.startswith(f"已把 {second.id} 并入 {first.id}")
    merged = entries(services, state)
    assert merged.get(second.id) is None and merged.get(first.id).count == first.count + second.count
    assert services.sucai.merge(owner, sid, first.id, first.id).reply.startswith("请在“与这一条合并”")

    outcome = services.sucai.set_kind(owner, sid, first.id, "fact")
    assert f"从“{first.kind_label}”改为“事实”" in outcome.reply
    assert entries(services, state).get(first.id).area is None
    assert "不分方面" in services.sucai.move(owner, sid, first.id, 2).reply
    outcome = services.sucai.set_kind(owner, sid, first.id, "finding")
    assert "改为“查摆”" in outcome.reply and entries(services, state).get(first.id).area in range(1, 5)

    count = len(entries(services, state))
    assert services.sucai.drop(owner, sid, first.id).reply.startswith(f"已删除 {first.id}")
    assert len(entries(services, state)) == count - 1 and entries(services, state).get(first.id) is None


def test_a_new_notice_sorts_the_sucai_again_keeping_hand_moves(services):
    state = new_state(services)
    owner, sid = state["owner"], state["session"]
    services.sucai.add_text(owner, sid, "\n".join(text for text, _, _ in OPINIONS))
    by_hand, other, *_ = entries(services, state).entries
    services.sucai.move(owner, sid, by_hand.id, 4)
    outcome = services.editing.choose_notice(owner, sid, preset="2023")
    assert "重新归入各个方面" in outcome.reply and "手动调整过的 1 条保持不变" in outcome.reply
    sucai = entries(services, state)
    assert sucai.get(by_hand.id).area == 4 and sucai.get(by_hand.id).confidence == 1.0
    assert sucai.get(other.id).area in range(1, 7) and sucai.get(other.id).confidence < 1.0
    services.sucai.move(owner, sid, by_hand.id, 6)  # the 2023 notice has six areas, the 2024 one four
    outcome = services.editing.choose_notice(owner, sid, preset="2024")
    assert "在这份通知中没有，已重新归类" in outcome.reply
    assert entries(services, state).get(by_hand.id).area in range(1, 5)


def test_drafting_uses_the_sucai_flags_bank_suggestions_and_keeps_the_map(bench, tmp_path):
    from assistant.operations.from_sucai import BANK_MARK
    from ui import panels

    services = make_services(bench, tmp_path, FakeModel(default=sucai_writer))
    state = new_state(services)
    owner, sid = state["owner"], state["session"]
    services.sucai.add_text(owner, sid, "\n".join(text for text, _, _ in OPINIONS[:2]))
    for entry in entries(services, state).problems:
        services.sucai.move(owner, sid, entry.id, 1)  # both in area 1; areas 2 to 4 have none

    _, history, state = say(services, state, "写第一个方面")
    proposal = meta(services, state)["proposal"]["changes"]["area-1"]
    assert "有4项先定后报" in proposal and BANK_MARK not in proposal  # the unit's own figure, from its 素材
    _, history, state = say(services, state, "写第二个方面")
    assert BANK_MARK in meta(services, state)["proposal"]["changes"]["area-2"]
    assert "第二个方面的本单位问题素材不足两条" in history[1]["content"]

    _, history, state = say(services, state, "起草全文")
    reply = history[1]["content"]
    assert reply.startswith("全文初稿已写好") and "第二、三、四个方面的本单位问题素材不足两条" in reply
    saved = meta(services, state)
    changes = saved["proposal"]["changes"]
    assert {"title", "opening", "area-1", "area-4", "causes", "measures"} <= set(changes)
    assert "有4项先定后报" in changes["area-1"] and BANK_MARK not in changes["area-1"]
    assert all(BANK_MARK in changes[f"area-{n}"] for n in (2, 3, 4))
    found = saved["map"]
    mine = [p for p in found["problems"] if p["area"] == 1]
    assert mine and all(p["origin"] == "sucai" and p["entries"] for p in mine)
    assert {e for p in mine for e in p["entries"]} == {e.id for e in entries(services, state).problems}
    assert found["causes"] and found["measures"]

    app = build_app(services.workbench, None, services=services)
    ui = _layout_of(app)
    view = panels.view(services, ui, dict(state))
    assert "含参考库建议" in view[ui.proposal_label]
    shown = panels.sucai_view(services, ui, dict(state))
    rows = shown[ui.map_table]
    assert len(rows) == len(found["problems"]) and len(rows[0]) == len(MAP_HEADERS)
    assert rows[0][0].startswith("（一）") and rows[0][2] == "、".join(found["problems"][0]["entries"])
    assert rows[0][3] != "—" and rows[0][5]  # causes, and who answers for the measures
    assert any(row[1].endswith("（参考库建议）") for row in rows)

    say(services, state, "采用")
    view = panels.view(services, ui, dict(state))
    labels = {value: label for label, value in view[ui.section]["choices"]}
    assert labels["area-2"].endswith("（含参考库建议）") and not labels["area-1"].endswith("（含参考库建议）")


def test_uploaded_sucai_copies_are_not_kept(tmp_path, monkeypatch):
    from ui.app import forget_uploads

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "cache"))
    upload = tmp_path / "cache" / "3f9a" / "征求意见汇总.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"PK")
    elsewhere = tmp_path / "mine.xlsx"
    elsewhere.write_bytes(b"PK")
    forget_uploads([str(upload), str(elsewhere)])
    assert not upload.parent.exists() and elsewhere.exists()  # only Gradio's own copies go


def test_check_compares_with_the_other_materials_on_this_machine(services):
    shared = ("班子成员到龙潭村调研时只在村部听了汇报，没有走进一户群众家中，群众反映的客运班线停开问题一个多月没有答复。"
              "这种调研走过场的作风，说到底是群众观点树得不牢。")
    mine, theirs, fresh = new_state(services), new_state(services, owner="browser-b"), new_state(services)
    for state in (mine, theirs):
        services.editing.save_section(state["owner"], state["session"], "area-2", f"（二）在砥砺作风方面\n一是调研不深入。{shared}")
    services.editing.save_section(fresh["owner"], fresh["session"], "area-2",
                                  "（二）在砥砺作风方面\n一是学习不系统，专题研讨时照着稿子念，没有联系分管的农村公路养护工作谈体会，学用脱节。")
    services.editing.check(mine["owner"], mine["session"])
    report = services.store.get(mine["owner"], mine["session"]).meta["report"]
    shared_findings = [f for f in report["findings"] if f["rule"] == "similarity" and f.get("line")]
    assert shared_findings and all("本机其他起草人的一份材料" in f["message"] for f in shared_findings)
    services.editing.check(fresh["owner"], fresh["session"])
    fresh_report = services.store.get(fresh["owner"], fresh["session"]).meta["report"]
    assert not [f for f in fresh_report["findings"] if f["rule"] == "similarity" and f.get("line")]


def test_the_ledger_from_the_export_tab(bench, tmp_path):
    from openpyxl import load_workbook

    services = make_services(bench, tmp_path, FakeModel(default=sucai_writer))
    state = new_state(services)
    owner, sid = state["owner"], state["session"]
    assert "还没有写各方面的问题" in services.editing.export_ledger(owner, sid).reply
    services.sucai.add_text(owner, sid, "\n".join(text for text, _, _ in OPINIONS[:3]))
    say(services, state, "起草全文")
    say(services, state, "采用")
    found = meta(services, state)["map"]
    reply = services.editing.export_ledger(owner, sid).reply
    path = meta(services, state)["export"]
    assert path.endswith("整改清单.xlsx") and "江川市市场监督管理局" in path and "推断" not in reply
    assert f"{len(found['problems'])} 个问题" in reply
    sheet = load_workbook(path).active
    assert [cell.value for cell in sheet[2]][:3] == ["序号", "方面", "问题"]
    assert sheet.max_row - 2 == len(found["problems"])
    assert sheet["B3"].value.startswith("带头严守政治纪律")  # the notice's area title
    services.editing.save_section(owner, sid, "measures", "（一）改进调研作风。每季度到基层调研不少于2次。")
    reply = services.editing.export_ledger(owner, sid).reply  # edited since the draft: read from the text
    assert "推断" in reply and load_workbook(meta(services, state)["export"]).active["E3"].value.startswith("改进调研作风")

    app = build_app(services.workbench, None, services=services)
    assert _layout_of(app).export_ledger.elem_id == "jianshi-export-ledger"
