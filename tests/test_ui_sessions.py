"""The session store on a real SQLite file: versions, undo/redo/restore/diff, messages, owners, restarts."""

import sqlite3
import threading

import pytest

from assistant.material import render, section_keys, split
from ui.sessions import MIGRATIONS, SessionNotFound, SessionStore


@pytest.fixture
def store(tmp_path):
    return SessionStore(tmp_path / "sessions.db")


def test_migrations_are_recorded_once(tmp_path):
    SessionStore(tmp_path / "s.db")
    SessionStore(tmp_path / "s.db")  # a restart applies nothing twice
    with sqlite3.connect(tmp_path / "s.db") as db:
        names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]


def test_every_change_is_a_version_and_undo_redo_walk_them(store):
    session = store.create("owner-a")
    store.commit("owner-a", session.id, {"opening": "开头一"}, "采用：开头")
    store.commit("owner-a", session.id, {"opening": "开头一", "area-1": "（一）方面"}, "采用：第一个方面")
    assert store.get("owner-a", session.id).sections == {"opening": "开头一", "area-1": "（一）方面"}
    assert store.undo("owner-a", session.id).sections == {"opening": "开头一"}
    assert store.undo("owner-a", session.id).sections == {}
    assert store.undo("owner-a", session.id) is None  # nothing before the empty material
    assert store.redo("owner-a", session.id).sections == {"opening": "开头一"}
    assert store.redo("owner-a", session.id).sections["area-1"] == "（一）方面"
    assert store.redo("owner-a", session.id) is None


def test_a_change_after_undo_starts_a_branch_and_redo_follows_it(store):
    sid = store.create("o").id
    store.commit("o", sid, {"opening": "A"}, "一")
    store.commit("o", sid, {"opening": "B"}, "二")
    store.undo("o", sid)
    store.commit("o", sid, {"opening": "C"}, "三")
    store.undo("o", sid)
    assert store.redo("o", sid).sections == {"opening": "C"}
    assert [v.label for v in store.versions("o", sid)] == ["三", "二", "一", "新建材料"]  # nothing lost


def test_identical_commit_adds_nothing_and_empty_sections_are_dropped(store):
    sid = store.create("o").id
    first = store.commit("o", sid, {"opening": "A", "causes": "  "}, "一")
    assert store.commit("o", sid, {"opening": "A"}, "又一") == first
    assert store.get("o", sid).sections == {"opening": "A"}


def test_typing_bursts_merge_into_one_version(store):
    sid = store.create("o").id
    for text in ("开", "开头", "开头一"):
        store.commit("o", sid, {"opening": text}, "修改：开头", merge_within=60)
    assert [v.label for v in store.versions("o", sid)] == ["修改：开头", "新建材料"]
    assert store.get("o", sid).sections == {"opening": "开头一"}
    store.commit("o", sid, {"opening": "开头一", "causes": "（一）原因"}, "修改：原因剖析", merge_within=60)
    assert len(store.versions("o", sid)) == 3


def test_restore_copies_an_old_version_as_a_new_change(store):
    sid = store.create("o").id
    old = store.commit("o", sid, {"opening": "旧开头"}, "一")
    store.commit("o", sid, {"opening": "新开头"}, "二")
    restored = store.restore("o", sid, old)
    assert restored.sections == {"opening": "旧开头"}
    assert store.versions("o", sid)[0].label == f"恢复到版本 {old}"
    assert store.undo("o", sid).sections == {"opening": "新开头"}


def test_diff_between_versions(store):
    sid = store.create("o").id
    old = store.commit("o", sid, {"opening": "第一行\n第二行"}, "一")
    store.commit("o", sid, {"opening": "第一行\n改过的第二行"}, "二")
    diff = store.diff("o", sid, old)
    assert "-第二行" in diff and "+改过的第二行" in diff and f"版本 {old}" in diff


def test_owners_see_only_their_own_sessions(store):
    mine = store.create("browser-a", "甲材料")
    store.create("browser-b", "乙材料")
    assert [s.title for s in store.list("browser-a")] == ["甲材料"]
    for call in (lambda: store.get("browser-b", mine.id), lambda: store.undo("browser-b", mine.id),
                 lambda: store.commit("browser-b", mine.id, {"opening": "x"}, "偷改"),
                 lambda: store.messages("browser-b", mine.id), lambda: store.delete("browser-b", mine.id)):
        with pytest.raises(SessionNotFound):
            call()
    assert store.get("browser-a", mine.id).sections == {}


def test_messages_and_settings_survive_a_restart(tmp_path):
    first = SessionStore(tmp_path / "s.db")
    sid = first.create("o").id
    first.add_message("o", sid, "user", "写第一个方面")
    reply = first.add_message("o", sid, "assistant", "正在起草…")
    first.update_message("o", sid, reply, "（一）……")
    first.add_message("o", sid, "assistant", "[1] 来源", {"title": "引用来源（1条）"})
    first.update("o", sid, title="江川市 · 2024", notice={"id": "2024"}, proposal={"label": "x", "changes": {}})
    first.update("o", sid, proposal=None)
    again = SessionStore(tmp_path / "s.db")
    session = again.get("o", sid)
    assert session.title == "江川市 · 2024" and session.meta == {"notice": {"id": "2024"}}
    assert again.messages("o", sid) == [
        {"role": "user", "content": "写第一个方面"}, {"role": "assistant", "content": "（一）……"},
        {"role": "assistant", "content": "[1] 来源", "metadata": {"title": "引用来源（1条）"}}]


def test_concurrent_writers_lose_nothing(store):
    sid = store.create("o").id

    def write(n):
        for i in range(10):
            store.add_message("o", sid, "user", f"{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.messages("o", sid)) == 30


def test_sections_render_with_numbered_parts_and_split_back(notices):
    notice = notices.get("2024")
    sections = {"title": "某局领导班子2024年度民主生活会对照检查材料", "opening": "按照《关于认真开好2024年度民主生活会的通知》要求，班子认真做好会前准备。现将对照检查情况报告如下：",
                "rectification": "对上年度查摆的问题……", "area-1": "（一）在带头严守政治纪律方面\n一是……比如，……。",
                "area-2": "（二）在带头增强党性方面\n一是……", "causes": "（一）理论学习不够深入。",
                "measures": "（一）强化理论武装。"}
    text, spans = render(sections, notice)
    assert "一、上年度民主生活会整改落实情况" in text and "二、存在的主要问题" in text
    assert "三、产生问题的原因剖析" in text and "四、下步整改措施" in text  # no case part written yet
    assert split(text) == sections
    area = next(span for span in spans if span.key == "area-1")
    assert text.split("\n")[area.body - 1].startswith("（一）")
    assert section_keys(notice)[:4] == ["title", "opening", "rectification", "area-1"]
    assert "case" in section_keys(notice)
