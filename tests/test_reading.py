"""The one reading path: bad encodings, zip bombs, long texts and long PDFs are refused in Chinese (exit 2),
Big5 is read right, a folder ingest goes on past a bad file, a failed upload leaves nothing behind."""

import io
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfWriter

from assistant.cli import main
from assistant.config import Settings
from assistant.errors import InputError
from assistant.knowledge.ingest import Ingester
from assistant.textio import Limits, decode_bytes, load_text, read_input
from assistant.workbench import Workbench
from ui.files import Uploads, owner_folder

CJK = re.compile(r"[\u4e00-\u9fff]")
TRADITIONAL = "我們班子在學習貫徹黨的創新理論方面還存在差距，調查研究不夠深入，聯繫群眾不夠緊密。"
SIMPLE = "一、存在的主要问题\n（一）在理论学习方面。一是学习不够深入。二是调研不够扎实。\n"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result, *words):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert CJK.search(result.output) and all(word in result.output for word in words), result.output


def utf16_odd(path: Path) -> Path:
    path.write_bytes(b"\xff\xfe" + SIMPLE.encode("utf-16-le") + b"\x41")
    return path


def utf16_lone_surrogate(path: Path) -> Path:
    path.write_bytes(b"\xff\xfe" + SIMPLE.encode("utf-16-le") + b"\x00\xd8" + "。".encode("utf-16-le"))
    return path


def docx_bomb(path: Path, xml_bytes: int = 22_800_000) -> Path:
    """A small .docx whose document.xml inflates to about xml_bytes of paragraphs."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    paragraph = "<w:p><w:r><w:t>一是学习不够深入。</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + paragraph * (xml_bytes // len(paragraph)) + tail
            out.writestr(item.filename, data)
    return path


# ---- decoding ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [utf16_odd, utf16_lone_surrogate])
def test_broken_utf16_is_refused_in_chinese_by_check(tmp_path, make):
    result = cli("check", make(tmp_path / "材料.txt"))
    assert_refused(result, "UTF-16")


def test_big5_file_is_read_as_big5_not_gb18030_garbage(tmp_path):
    path = tmp_path / "繁體.txt"
    path.write_bytes((TRADITIONAL * 3).encode("big5"))
    loaded = load_text(path)
    assert (loaded.encoding, loaded.text) == ("big5", TRADITIONAL * 3)


def test_gbk_text_is_still_read_as_gbk():
    data = (SIMPLE * 3).encode("gbk")
    assert decode_bytes(data).encoding == "gb18030" and decode_bytes(data).text == SIMPLE * 3


def test_text_that_reads_as_garbage_in_every_encoding_is_refused(tmp_path):
    path = tmp_path / "乱码.txt"
    path.write_bytes("㐀㐁㐂㐃㐄㐅㐆㐇㐈㐉㐊㐋㐌㐍㐎㐏".encode("gb18030") * 4)  # CJK Extension A: never in a material
    assert_refused(cli("check", path), "编码")


def test_pasted_text_with_a_lone_surrogate_is_an_input_error():
    bench = Workbench.from_settings(Settings())
    with pytest.raises(InputError, match="代理项"):
        bench.draft_from_text(SIMPLE + "\ud800")


# ---- bounded work ------------------------------------------------------------------------------------
def test_docx_that_unzips_to_megabytes_of_xml_is_refused_quickly(tmp_path):
    path = docx_bomb(tmp_path / "小文件.docx")
    assert path.stat().st_size < 200_000
    started = time.perf_counter()
    result = cli("check", path)
    assert time.perf_counter() - started < 5
    assert_refused(result, "解压后过大")


def test_docx_bomb_is_refused_by_the_sucai_reader_too(tmp_path):
    from assistant.sucai.importers import read_sucai

    with pytest.raises(InputError, match="解压后过大"):
        read_sucai(docx_bomb(tmp_path / "素材.docx"))


def test_too_many_characters_are_refused(tmp_path):
    path = tmp_path / "长.txt"
    path.write_text("a" * 400_000, encoding="utf-8")  # under the 1 MB cap on bytes, over the cap on characters
    assert_refused(cli("check", path), "字的上限")


def test_pdf_with_too_many_pages_is_refused(tmp_path):
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "长文件.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match="3 页，超过 2 页"):
        read_input(path, limits=Limits(max_bytes=1_000_000, max_pdf_pages=2))


def test_notice_file_is_capped_and_decoded_like_a_draft(tmp_path):
    draft = tmp_path / "材料.txt"
    draft.write_text(SIMPLE, encoding="utf-8")
    big = tmp_path / "通知.txt"
    big.write_text("（一）带头深刻感悟“两个确立”的决定性意义；\n" * 60_000, encoding="utf-8")
    assert_refused(cli("check", draft, "--notice", big), "上限")
    assert_refused(cli("check", draft, "--notice", utf16_odd(tmp_path / "通知2.txt")), "UTF-16")


# ---- ingest goes on; uploads leave nothing ---------------------------------------------------------------
class MemoryStore:
    """Just enough of IndexStore for the ingester: rows kept in a dict."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}

    def drop(self, collection):
        self.rows.clear()

    def metadatas(self, collection):
        return {key: meta for key, meta in self.rows.items()}

    def upsert(self, collection, records, on_batch=None):
        for record in records:
            self.rows[record.id] = record.metadata

    def delete(self, collection, ids):
        for key in ids:
            self.rows.pop(key, None)

    def set_metadata(self, collection, **values):
        pass


def test_ingest_of_a_folder_goes_on_past_bad_files_and_lists_them(tmp_path):
    folder = tmp_path / "资料"
    folder.mkdir()
    (folder / "a-好.txt").write_text(SIMPLE * 5, encoding="utf-8")
    utf16_odd(folder / "b-坏编码.txt")
    docx_bomb(folder / "c-炸弹.docx")
    (folder / "d-好.md").write_text("# 笔记\n" + SIMPLE * 5, encoding="utf-8")
    result = Ingester(store=MemoryStore(), progress=False).ingest([folder])
    assert [Path(p).name for p in result.added] == ["a-好.txt", "d-好.md"]
    assert [Path(e.path).name for e in result.errors] == ["b-坏编码.txt", "c-炸弹.docx"]
    assert all(CJK.search(e.message) for e in result.errors)


class FailingKnowledge:
    class ingester:  # noqa: N801  (stands in for the KnowledgeBase attribute)
        @staticmethod
        def ingest(paths, rebuild=False):
            raise RuntimeError("index went away")


def test_an_upload_that_fails_leaves_nothing_behind(tmp_path):
    source = tmp_path / "调研.txt"
    source.write_text(SIMPLE * 5, encoding="utf-8")
    uploads = Uploads(knowledge=lambda: FailingKnowledge, root=tmp_path / "uploads", max_bytes=1_000_000)
    report = uploads.add("browser-a", [str(source)])
    assert report.added == [] and "写入知识库失败" in report.errors[0]
    assert not owner_folder(tmp_path / "uploads", "browser-a").exists()


def test_an_upload_with_a_broken_encoding_is_reported_and_removed(tmp_path):
    class Knowledge:
        ingester = Ingester(store=MemoryStore(), progress=False)

    uploads = Uploads(knowledge=lambda: Knowledge, root=tmp_path / "uploads", max_bytes=1_000_000)
    report = uploads.add("browser-a", [str(utf16_odd(tmp_path / "坏.txt"))])
    assert report.added == [] and "UTF-16" in report.errors[0]
    assert not owner_folder(tmp_path / "uploads", "browser-a").exists()
