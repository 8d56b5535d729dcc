"""Property tests: random bytes, random Unicode, damaged .docx/.pdf/.zip and random material-like text into
decoding, parse, `jianshi check`, the notice parser, chunking, ingest and the 素材 reader. Nothing may raise
past the Chinese InputError, and the CLI keeps its exit codes (0 no blockers, 1 blockers, 2 bad input).

CI runs a bounded number of examples (the "ci" profile in conftest.py); JIANSHI_FUZZ_EXAMPLES=N runs N each.
"""

import io
import re
import tempfile
from pathlib import Path

import docx
from click.testing import CliRunner
from hypothesis import given, strategies as st

from assistant.cli import main
from assistant.decoding import decode_bytes
from assistant.document import parse
from assistant.errors import InputError, JianshiError
from assistant.knowledge.chunking import Chunker
from assistant.knowledge.ingest import Ingester
from assistant.notice_parser import parse_notice_text
from assistant.sucai.importers import read_sucai
from knowledge_fixtures import make_text_pdf
from test_reading import MemoryStore

CJK = re.compile(r"[\u4e00-\u9fff]")
PIECES = ["一、存在的主要问题", "二、产生问题的原因剖析", "三、下步整改措施", "（一）", "（二）", "(三)", "1.", "一是", "二是",
          "比如，", "在带头严守政治纪律和政治规矩方面", "理论学习不够深入", "2024年", "3月", "12次", "“两个确立”", "。", "，",
          "；", "：", "# ", "## ", "**", "〔待补：时间〕", "XX", "mzshh", "\n", "\n\n", "\r\n", "\t", "　　", " "]
material_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=12)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), material_text)
# Any Unicode a file can hold: no lone surrogates (no encoding stores them).
storable_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)


def _docx_bytes() -> bytes:
    document = docx.Document()
    for line in ("某局领导班子对照检查材料", "一、存在的主要问题", "（一）在理论学习方面。一是学习不深。", "二、产生问题的原因剖析"):
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "意见建议内容"
    table.cell(1, 0).text, table.cell(1, 1).text = "1", "调研不够深入"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make_text_pdf(Path(folder) / "a.pdf", ["管党治党宽松软的问题", "调查研究不够深入"]).read_bytes()


DOCX, PDF = _docx_bytes(), _pdf_bytes()


@st.composite
def damaged(draw, original: bytes) -> bytes:
    """The original cut short, or with a few bytes overwritten, or both."""
    data = bytearray(original)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


encoded_text = st.builds(lambda text, encoding: text.encode(encoding, "ignore"), storable_text | material_text,
                         st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-be", "utf-32"]))
damaged_file = st.one_of(
    st.tuples(st.just(".docx"), damaged(DOCX)),
    st.tuples(st.just(".pdf"), damaged(PDF)),
    st.tuples(st.sampled_from([".docx", ".xlsx"]), damaged(DOCX)),  # a zip that is not the Office file it claims
    st.tuples(st.sampled_from([".txt", ".md", ".docx", ".pdf"]), st.binary(max_size=2000)),
    st.tuples(st.just(".txt"), encoded_text),
    st.tuples(st.sampled_from([".txt", ".md"]), encoded_text.flatmap(damaged)),  # e.g. UTF-16 cut to an odd length
)


def check_cli(path: Path):
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert CJK.search(result.output), result.output
    return result


@given(st.binary(max_size=3000))
def test_decoding_random_bytes_gives_text_or_an_input_error(data):
    try:
        loaded = decode_bytes(data)
    except InputError as exc:
        assert CJK.search(exc.message)
    else:
        assert isinstance(loaded.text, str)


@given(any_text)
def test_parse_never_fails_and_renders_back_the_same_text(text):
    """Lossless, except that a text mixing Windows and Unix line ends comes back with Windows ones throughout."""
    expected = text.replace("\r\n", "\n").replace("\n", "\r\n") if "\r\n" in text else text
    assert parse(text).render() == expected


@given(any_text)
def test_chunking_keeps_every_piece_within_bounds(text):
    chunker = Chunker()
    for chunk in chunker.split(text):
        assert chunk.text.strip() and len(chunk.text) <= chunker.max_chars + 60


@given(any_text)
def test_notice_parser_gives_a_notice_or_a_chinese_error(text):
    try:
        spec = parse_notice_text(text)
    except JianshiError as exc:
        assert CJK.search(exc.message)
    else:
        assert spec.areas


@given(storable_text | material_text)
def test_cli_check_of_any_text_file_keeps_the_exit_codes(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "材料.txt"
        path.write_text(text, encoding="utf-8")
        check_cli(path)


@given(damaged_file)
def test_cli_check_of_damaged_and_random_files_keeps_the_exit_codes(case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"材料{suffix}"
        path.write_bytes(data)
        check_cli(path)


@given(st.lists(damaged_file, min_size=1, max_size=4))
def test_ingest_takes_what_it_can_and_lists_the_rest(cases):
    with tempfile.TemporaryDirectory() as folder:
        for number, (suffix, data) in enumerate(cases):
            (Path(folder) / f"{number}{suffix}").write_bytes(data)
        result = Ingester(store=MemoryStore(), progress=False).ingest([folder])
        taken = {Path(p).name for p in result.added} | {Path(e.path).name for e in result.errors}
        readable = {f"{n}{s}" for n, (s, _) in enumerate(cases) if s != ".xlsx"}  # .xlsx is no knowledge type
        assert taken == readable
        assert all(CJK.search(error.message) for error in result.errors)


@given(damaged_file)
def test_sucai_reader_gives_entries_or_a_chinese_error(case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"素材{suffix}"
        path.write_bytes(data)
        try:
            sucai = read_sucai(path)
        except InputError as exc:
            assert CJK.search(exc.message)
        else:
            assert sucai.entries
