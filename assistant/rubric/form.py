"""Form rules: what a reviewer sees at a glance, before reading for content.

Placeholders left in, pinyin stand-ins, misquoted fixed formulae, unbalanced quotes, half-width punctuation
and accidentally doubled characters. Years and heading numbering live in `form_layout.py`. Every rule reads
`line.plain` line by line and reports the line number with a short excerpt around the fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .core import CheckContext, Finding, Severity, excerpt_around, rule
from .form_words import (CROSS_WORD, LATIN_WHITELIST, REDUPLICATIONS, STAND_INS, ZZ_ORGANISATION_NEXT,
                         ZZ_POLITICS_NEXT)

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Ideographs plus Chinese punctuation: the neighbourhood that makes a Latin run part of Chinese text.
CJK_CONTEXT = re.compile(f"[{CJK}\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2026\u2014]")
HAS_CJK = re.compile(f"[{CJK}]")
URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+")
PER_LINE_CAP = 5  # findings of one kind reported per line; the rest are counted in one more finding

# (substrings one of which a line must contain, pattern, message, suggestion); the guard skips the regex
# on the many lines that cannot match.
PLACEHOLDERS: list[tuple[tuple[str, ...], re.Pattern[str], str, str]] = [
    (("待",), re.compile(r"[〔\[［【（(]\s*待(?:补|填|完善|核实|确认)[^〕\]］】）)\n]{0,60}[〕\]］】）)]"),
     "尚有待补内容{m}", "补上真实情况（时间、人数、事例等）后删除待补标记"),
    (("参考库建议",), re.compile(r"〔参考库建议[^〕\n]{0,30}〕"),
     "这一条是参考库的建议{m}，不是本单位的素材",
     "换成本单位征求意见、谈心谈话或查摆出的实际问题和事例，再删去这个标记"),
    (("【",), re.compile(r"【[^】\n]{0,30}】"), "留有方括号占位“{m}”", "填入实际内容并删去【】"),
    (("XX", "xx", "Xx", "xX", "ＸＸ", "ｘｘ"), re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"),
     "留有占位符“{m}”", "换成实际的单位、数字或名称"),
    (("某某", "××", "○○", "□□"), re.compile(r"某某+|×{2,}|○{2,}|□{2,}"), "留有占位符“{m}”", "换成实际的人名、单位或数字"),
    (("此处",), re.compile(r"此处(?:填写|填入|补充|插入|添加)"), "留有填写提示“{m}”", "按提示写入实际内容并删去提示语"),
    (("略",), re.compile(r"(?:…{1,2}|\.{3,6})?\s*[（(](?:以下|此处|内容|具体|下)?略[）)]"), "内容以“{m}”省略",
     "写出完整内容，正式材料不能留省略号"),
]


def _url_spans(text: str) -> list[tuple[int, int]]:
    if "http" not in text and "www" not in text and "@" not in text:
        return []
    return [match.span() for match in URL.finditer(text)]


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


@rule("placeholder")
def placeholder(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        hits: list[tuple[int, int, str, str]] = []
        for guards, pattern, message, suggestion in PLACEHOLDERS:
            if not any(guard in text for guard in guards):
                continue
            for match in pattern.finditer(text):
                if not any(match.start() < end and start < match.end() for start, end, _, _ in hits):
                    hits.append((*match.span(), message.format(m=match.group().strip()), suggestion))
        hits.sort()
        for start, end, message, suggestion in hits[:PER_LINE_CAP]:
            yield ctx.finding("placeholder", Severity.BLOCKER, message, suggestion, line,
                              excerpt_around(text, start, end))
        if len(hits) > PER_LINE_CAP:
            yield ctx.finding("placeholder", Severity.BLOCKER, f"本行另有{len(hits) - PER_LINE_CAP}处占位符",
                              "逐一换成实际内容后再导出", line)


LATIN_RUN = re.compile(r"[A-Za-z]+")


def _stand_in_for(token: str, after: str) -> str:
    if token.lower() != "zz":
        return STAND_INS[token.lower()]
    if after.startswith(ZZ_ORGANISATION_NEXT):
        return "组织"
    if after.startswith(ZZ_POLITICS_NEXT):
        return "政治"
    return STAND_INS["zz"]


@rule("pinyin-abbrev")
def pinyin_abbrev(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        urls = _url_spans(text)
        for match in LATIN_RUN.finditer(text):
            token, start, end = match.group(), match.start(), match.end()
            if len(token) < 2 or not token.strip("Xx") or _in_spans(start, urls):
                continue
            before, after = text[:start].rstrip(" "), text[end:].lstrip(" ")
            if (before and before[-1].isdigit()) or (after and after[0].isdigit()):
                continue  # a model number or unit: 10KV, PM2.5
            near_cjk = bool(before and CJK_CONTEXT.match(before[-1])) or bool(after and CJK_CONTEXT.match(after[0]))
            excerpt = excerpt_around(text, start, end)
            if token.lower() in STAND_INS and (near_cjk or len(token) >= 4):
                full = _stand_in_for(token, after)
                yield ctx.finding("pinyin-abbrev", Severity.BLOCKER, f"“{token}”是拼音或字母代写，正式材料须写全称",
                                  f"将“{token}”改为“{full}”", line, excerpt)
            elif near_cjk and token.upper() not in LATIN_WHITELIST:
                capitals = token.isupper() and len(token) >= 3
                yield ctx.finding(
                    "pinyin-abbrev", Severity.MAJOR if capitals else Severity.BLOCKER,
                    f"中文里夹有字母“{token}”，疑为拼音缩写或代写",
                    "改为完整的中文表述；确属通用外文缩写的，首次出现时注明中文全称", line, excerpt)


# (opener, closer, name, what a same-type nesting should use instead, severity of such a nesting)
QUOTE_PAIRS = (("“", "”", "双引号", "引号内再引用应改用单引号‘’", Severity.MAJOR),
               ("‘", "’", "单引号", "", Severity.MAJOR),
               ("《", "》", "书名号", "书名号内再用书名应改用〈〉", Severity.MINOR))
PAIR_CHARS = {opener: re.compile(f"[{opener}{closer}]") for opener, closer, *_ in QUOTE_PAIRS}


def _pair_faults(text: str, opener: str, closer: str) -> Iterator[tuple[int, str]]:
    opened: list[int] = []
    for match in PAIR_CHARS[opener].finditer(text):
        pos = match.start()
        if match.group() == opener:
            if opened:
                yield pos, "nested"
            opened.append(pos)
        elif opened:
            opened.pop()
        else:
            yield pos, "stray"
    for pos in opened[:1]:
        yield pos, "unclosed"


@rule("quotes")
def quotes(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        if not any(char in text for char in "“”‘’《》\""):
            continue
        for opener, closer, name, nesting_hint, nesting_severity in QUOTE_PAIRS:
            if opener not in text and closer not in text:
                continue
            for pos, fault in list(_pair_faults(text, opener, closer))[:PER_LINE_CAP]:
                excerpt = excerpt_around(text, pos, pos + 1)
                if fault == "nested" and nesting_hint:
                    yield ctx.finding("quotes", nesting_severity, f"{name}内又套用了{name}",
                                      nesting_hint + "，如“深刻感悟‘两个确立’的决定性意义”", line, excerpt)
                elif fault != "nested":
                    missing = closer if fault == "unclosed" else opener
                    yield ctx.finding("quotes", Severity.MAJOR, f"本段{name}不配对，缺少“{missing}”",
                                      f"补上“{missing}”或删去多余的符号，使{opener}{closer}成对", line, excerpt)
        if '"' in text and HAS_CJK.search(text):
            count = text.count('"')
            yield ctx.finding("quotes", Severity.MINOR, f"中文里用了{count}处英文直引号\"",
                              "改为中文引号“”", line, excerpt_around(text, text.index('"'), text.index('"') + 1))


HALF_WIDTH = re.compile(r"[,;:?!()]")
HEADING_PREFIX = re.compile(r"^(?:[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[,.])")
DOUBLED_PUNCT = re.compile(r"[。，、；：！？]{2,}")
LEADING_PUNCT = re.compile(r"^[，。、；：,.;:]")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _next_to_cjk(text: str, pos: int) -> bool:
    return (pos > 0 and _is_cjk(text[pos - 1])) or (pos + 1 < len(text) and _is_cjk(text[pos + 1]))


@rule("punctuation")
def punctuation(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        if not text:
            continue
        skip = [*_url_spans(text)]
        heading = HEADING_PREFIX.match(text)
        if heading:
            skip.append(heading.span())  # reported by the numbering rule
        half = [match for match in HALF_WIDTH.finditer(text)
                if _next_to_cjk(text, match.start()) and not _in_spans(match.start(), skip)]
        if half:
            marks = "".join(dict.fromkeys(match.group() for match in half))
            yield ctx.finding("punctuation", Severity.MINOR, f"本行有{len(half)}处半角标点（{marks}）",
                              "中文句中改用全角标点：，；：？！（）", line,
                              excerpt_around(text, half[0].start(), half[0].end()))
        doubled = list(DOUBLED_PUNCT.finditer(text))
        if doubled:
            yield ctx.finding("punctuation", Severity.MINOR, f"本行有{len(doubled)}处标点重复（{doubled[0].group()}）",
                              "只保留一个标点", line, excerpt_around(text, doubled[0].start(), doubled[0].end()))
        if LEADING_PUNCT.match(text):
            yield ctx.finding("punctuation", Severity.MINOR, f"段首出现标点“{text[0]}”",
                              "删去段首标点，或把它移回上一段末尾", line, excerpt_around(text, 0, 1))


DOUBLED_CHAR = re.compile(f"([{CJK}])\\1")
CLAUSE_BREAK = re.compile(r"[，。；：、！？,;:!?“”‘’（）()]")
MEASURES = set("个件项条批代层道张份次步场番幕桩句字封笔户家位名座村年天")
PLACES = set("省市县区镇乡村州旗")  # 江川市市场监督管理局, 某县县委
UNITS = set("局处科所院校站队部厅社行庭会司署馆园团班")  # 监督管理局局长, 法院院长
CROSS_BY_PAIR: dict[str, list[tuple[str, int]]] = {}
for _context in CROSS_WORD:
    _at = next(i for i in range(len(_context) - 1) if _context[i] == _context[i + 1])
    CROSS_BY_PAIR.setdefault(_context[_at:_at + 2], []).append((_context, _at))


def _legit_double(text: str, pos: int) -> bool:
    pair = text[pos:pos + 2]
    if pair in REDUPLICATIONS:
        return True
    if pos + 3 < len(text) and text[pos + 2] == text[pos + 3] != pair[0]:
        return True  # first half of an AABB word: 扎扎实实
    if pos >= 2 and text[pos - 2] == text[pos - 1] != pair[0]:
        return True  # second half of an AABB word
    if pos >= 1 and text[pos - 1] == "一" and pair[0] in MEASURES:
        return True  # 一步步, 一件件
    if pair[0] in PLACES or (pair[0] in UNITS and text[pos + 2:pos + 3] == "长"):
        return True
    return any(text.startswith(context, pos - at) for context, at in CROSS_BY_PAIR.get(pair, ()) if pos >= at)


@rule("doubled-char")
def doubled_char(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        for match in DOUBLED_CHAR.finditer(text):
            if _legit_double(text, match.start()):
                continue
            char, start = match.group(1), match.start()
            fixed = CLAUSE_BREAK.split(text[max(0, start - 4):start])[-1] + char
            fixed += CLAUSE_BREAK.split(text[start + 2:start + 6])[0]
            yield ctx.finding("doubled-char", Severity.MAJOR, f"“{char}{char}”疑为误输入的重复字",
                              f"删去一个“{char}”，如“{fixed}”", line, excerpt_around(text, start, match.end()))


QUOTED_TERMS = re.compile(r"两个确立|四个意识|四个自信|两个维护|国之大者|两个结合|两个务必")
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『\"", "”’」』\""
MISQUOTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"两个确立[”’」\"]?的(?!决定性意义)[^，。；、\s]{0,4}?意义"), "“两个确立”的决定性意义"),
    (re.compile(r"两个坚[决定]维护"), "“两个维护”"),
    (re.compile(r"三个自信"), "“四个自信”"),
    (re.compile(r"习近平(?:新时代)?(?:中国)?(?:特色)?(?:社会)?主义(?:思想|理论)"), "习近平新时代中国特色社会主义思想"),
]
XI_THOUGHT = "习近平新时代中国特色社会主义思想"


@rule("formula")
def formula(ctx: CheckContext) -> Iterator[Finding]:
    for line in ctx.lines:
        text = line.plain
        wrong: list[tuple[int, int]] = []
        for pattern, correct in MISQUOTES:
            for match in pattern.finditer(text):
                if match.group() == XI_THOUGHT:
                    continue
                wrong.append(match.span())
                yield ctx.finding("formula", Severity.MAJOR, f"“{match.group()}”与规范表述不符",
                                  f"改为规范表述{correct}", line, excerpt_around(text, match.start(), match.end()))
        for match in QUOTED_TERMS.finditer(text):
            start, end = match.span()
            quoted = start > 0 and end < len(text) and text[start - 1] in OPEN_QUOTES and text[end] in CLOSE_QUOTES
            if quoted or _in_spans(start, wrong):
                continue
            yield ctx.finding("formula", Severity.MAJOR, f"规范表述{match.group()}未加引号",
                              f"写作“{match.group()}”", line, excerpt_around(text, start, end))
