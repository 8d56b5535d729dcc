"""Materials belong to the browser by a server-signed HttpOnly cookie: the page never sees what makes it the
owner; /chat, session hashes, exports and uploads are all checked against that cookie."""

from pathlib import Path

import httpx
import pytest

from tests.test_ui_app import bench, free_port, make_services  # noqa: F401
from ui.app import build_app, launch_options
from ui.owner import COOKIE


@pytest.fixture
def served(bench, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "ui-cache"))  # this app's upload cache, not /tmp's
    services = make_services(bench, tmp_path)
    app = build_app(services.workbench, None, services=services, secret="older-versions-browser-storage")
    port = free_port()
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                       **launch_options(services.workbench.settings, app))
    yield f"http://127.0.0.1:{port}/", services
    app.close()


def browser(url: str) -> tuple[httpx.Client, str]:
    """A client that has opened the page once, as a browser does; and the owner its cookie names."""
    client = httpx.Client(base_url=url, timeout=30)
    client.get("/")
    return client, client.cookies[COOKIE]


def test_the_owner_cookie_is_signed_http_only_and_nothing_in_the_page_can_forge_it(served):
    url, services = served
    response = httpx.get(url, timeout=30)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = response.cookies[COOKIE]
    owner = services.key.verify(token)
    assert owner
    config = httpx.get(url + "config", cookies={COOKIE: token}, timeout=30).text
    assert services.key.key.hex() not in config and token not in config and token not in response.text
    forged = httpx.get(url, cookies={COOKIE: f"{owner}.{'0' * 64}"}, timeout=30)
    assert services.key.verify(forged.cookies[COOKIE]) not in (None, owner)  # a forged cookie buys a new owner
    kept = httpx.get(url, cookies={COOKIE: token}, timeout=30)
    assert COOKIE not in kept.cookies  # a valid cookie is kept as it is


def test_chat_materials_follow_the_owner_cookie_not_the_session_hash(served):
    from gradio_client import Client

    url, _ = served
    first = Client(url, verbose=False)
    assert "已选用" in first.predict("用2024年的通知", api_name="/chat")
    same_browser = Client(url, verbose=False, httpx_kwargs={"cookies": dict(first.cookies)})
    assert same_browser.session_hash != first.session_hash
    assert same_browser.predict("写第一个方面", api_name="/chat").startswith("（一）")  # the notice chosen above

    other, _ = browser(url)  # another browser naming the first one's session hash is refused
    joined = other.post("gradio_api/queue/join", json={"data": ["写第一个方面"], "fn_index": 0,
                                                        "session_hash": first.session_hash})
    assert joined.status_code == 403
    assert other.get("gradio_api/queue/data", params={"session_hash": first.session_hash}).status_code == 403


def test_an_export_is_served_to_its_owner_only(served):
    url, services = served
    mine, token = browser(url)
    owner = services.key.verify(token)
    session = services.store.create(owner)
    services.store.commit(owner, session.id, {"area-1": "（一）在理论学习方面\n一是学习不够深入。"}, "手写")
    services.editing.export(owner, session.id, "md", True)
    path = services.store.get(owner, session.id).meta["export"]
    assert mine.get(f"gradio_api/file={path}").status_code == 200
    stranger, _ = browser(url)
    assert stranger.get(f"gradio_api/file={path}").status_code == 404
    assert stranger.get(f"gradio_api/file/{path}").status_code == 404


def test_uploads_belong_to_the_browser_that_sent_them_and_leave_no_copy_behind(served, tmp_path):
    url, services = served
    mine, token = browser(url)
    stranger, stranger_token = browser(url)
    owner, other = services.key.verify(token), services.key.verify(stranger_token)
    text = "今年班子成员下基层调研31次，形成调研报告3篇。" * 20
    sent = mine.post("gradio_api/upload", files={"files": ("调研报告.txt", text.encode(), "text/plain")})
    (cached,) = sent.json()
    assert Path(cached).is_file() and str(tmp_path / "ui-cache") in cached
    assert stranger.get(f"gradio_api/file={cached}").status_code == 404
    assert mine.get(f"gradio_api/file={cached}").status_code == 200

    assert "不是从这个浏览器上传的" in services.add_to_knowledge(other, [cached])
    assert services.uploads.list(other) == [] and Path(cached).is_file()
    assert "已加入知识库" in services.add_to_knowledge(owner, [cached])
    assert not Path(cached).exists()  # the uploaded original left Gradio's cache once indexed
    assert [name for name, _ in services.uploads.list(owner)] == ["调研报告.txt"]
    assert "已从知识库移除" in services.uploads.remove(owner, "调研报告.txt")
    home = services.workbench.settings.home
    left = [p for root in (home, tmp_path / "ui-cache") for p in root.rglob("调研报告.txt")]
    assert left == []  # 移除 leaves no copy anywhere


def test_materials_of_an_older_versions_browser_token_are_adopted_once(bench, tmp_path):  # noqa: F811
    services = make_services(bench, tmp_path)
    session = services.store.create("token-kept-by-an-older-version")
    services.store.commit("token-kept-by-an-older-version", session.id, {"opening": "开头"}, "手写")
    services.editing.export("token-kept-by-an-older-version", session.id, "md", True)
    services.adopt("token-kept-by-an-older-version", "cookie-owner")
    assert services.store.list("token-kept-by-an-older-version") == []
    adopted = services.store.get("cookie-owner", session.id)
    assert adopted.sections == {"opening": "开头"} and Path(adopted.meta["export"]).is_file()
    assert services.gate.may_read("cookie-owner", adopted.meta["export"])
    assert not services.gate.may_read("token-kept-by-an-older-version", adopted.meta["export"])
