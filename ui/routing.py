"""What the drafter asked for, in plain Chinese: a pure function from a chat message to an Intent.

Common slips are forgiven (放面 → 方面, 地二个 → 第二个, 检察 → 检查, 到出 → 导出); a request that names
no target, or that matches nothing, becomes a `clarify` intent whose reply asks back in Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.notices import containment
from assistant.numbering import cn_to_int

CN = "一二三四五六七八九十两"
NUMBER = rf"[{CN}\d]{{1,3}}"
TYPOS = [
    (r"放面|方m|房面|芳面|方缅|方靣", "方面"), (r"[地弟递帝](?=\s*[一二三四五六七八九十两\d])", "第"),
    (r"检察|捡查|减查|检差|简查|检茶|见查", "检查"), (r"到出|倒出|道出|导处|导初", "导出"),
    (r"源因|原应|愿因", "原因"), (r"根原|跟源|根远", "根源"), (r"措失|错施|措是|挫施", "措施"),
    (r"事列|列子|例字|示例|实例", "事例"), (r"撤消|撤小", "撤销"), (r"具提|具休|据体", "具体"),
    (r"开投|开图|开透", "开头"), (r"wrod|wrd|ward|wold|worb", "word"), (r"彩用|菜用|采纳", "采用"),
]
SECTION_WORDS = [
    ("opening", r"开头|开篇|引言|前言|导语|开场"), ("title", r"标题|题目"),
    ("rectification", r"上年度|整改落实情况|整改情况"), ("case", r"案例剖析|典型案例|反面典型"),
    ("causes", r"原因剖析|原因部分|根源部分|原因"), ("measures", r"整改措施|措施部分|努力方向|措施"),
]
HERE = r"这一?[段节条部块项]|这部分|这里|此[段节处]|该[段节]|当前|上面这|刚才"
WRITE = r"写|起草|草拟|拟|生成|出|来|弄|搞|做|补写|撰写|准备"
HELP = ("你好，我可以帮您起草和修改对照检查材料。可以这样说：\n"
        "· 写第二个方面 / 写开头 / 起草全文\n· 给这一条补一个具体事例\n· 分析一下这个问题的根源：调研走过场\n"
        "· 把原因和措施对应起来\n· 这一段改得更具体些\n· 检查一下\n· 导出Word\n"
        "生成的内容会先放在“待采用”框里，您确认后点“采用到材料”才会写入。")


@dataclass(frozen=True)
class Intent:
    name: str  # draft_area, draft_opening, draft_all, suggest_examples, analyze_problem, causes_and_measures,
    #            revise_section, check, export, accept, discard, undo, redo, set_notice, help, clarify
    args: dict = field(default_factory=dict)
    reply: str = ""  # what to say back for help and clarify


@dataclass
class RouteContext:
    area_count: int = 0  # 0 when no notice is chosen yet
    area_titles: list[str] = field(default_factory=list)
    section: str | None = None  # the section the drafter has open: "opening", "area-2", "causes", ...
    has_proposal: bool = False


def normalize(message: str) -> str:
    text = unicodedata.normalize("NFKC", message or "").strip().lower()
    for pattern, replacement in TYPOS:
        text = re.sub(pattern, replacement, text)
    return text


def to_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return cn_to_int(token.replace("两", "二"))


def area_number(text: str) -> int | None:
    """第二个方面 / 第2个方面 / 方面二 / （二） / 二、 → 2."""
    for pattern in (rf"第\s*({NUMBER})\s*个?\s*(?:方面|部分|节|项)", rf"(?:方面|部分)\s*({NUMBER})",
                    rf"[(]\s*([{CN}]{{1,3}}|\d{{1,2}})\s*[)]", rf"(?:^|[^第{CN}\d])([{CN}]{{1,3}})\s*、",
                    rf"第\s*({NUMBER})\s*个(?!条)"):
        match = re.search(pattern, text)
        if match and to_number(match.group(1)):
            return to_number(match.group(1))
    return None


def item_number(text: str) -> int | None:
    match = re.search(rf"第\s*({NUMBER})\s*条|([{CN}])是", text)
    return to_number(match.group(1) or match.group(2)) if match else None


def area_by_title(text: str, titles: list[str]) -> int | None:
    """The area whose title the message quotes most of (写政治纪律那个方面 → the area about 政治纪律)."""
    words = re.sub(rf"(?:{WRITE}|一下|那个|这个|方面|的|请|帮我|给我)", "", text)
    if len(words) < 2:
        return None
    scores = [(containment(words, title), index) for index, title in enumerate(titles, start=1)]
    best = max(scores, default=(0.0, None))
    return best[1] if best[0] >= 0.5 else None


def section_named(text: str, context: RouteContext) -> str | None:
    number = area_number(text)
    if number:
        return f"area-{number}"
    if re.search(HERE, text) and context.section:
        return context.section
    for key, words in SECTION_WORDS:
        if re.search(words, text):
            return key
    if context.area_titles and (found := area_by_title(text, context.area_titles)):
        return f"area-{found}"
    return None


def clarify(reply: str) -> Intent:
    return Intent("clarify", reply=reply)


def _check_area(number: int, context: RouteContext) -> Intent | None:
    if context.area_count and number > context.area_count:
        return clarify(f"本次通知只有{context.area_count}个方面，请说“写第一个方面”到“写第{context.area_count}个方面”中的一个。")
    return None


def route(message: str, context: RouteContext | None = None) -> Intent:
    context = context or RouteContext()
    text = normalize(message)
    bare = re.sub(r"[\s。！!？?，,～~…]+", "", text)
    if not bare:
        return clarify("请告诉我要做什么，比如“写第一个方面”或“检查一下”。")
    if re.fullmatch(r"(?:请|帮我)?(?:采用|接受|就用这个|用这个|就这样|确认采用|确定|好的?采用|可以采用|行采用)(?:吧|这段|这个|了)?", bare):
        return Intent("accept") if context.has_proposal else clarify("目前没有待采用的内容。请先让我写一段，比如“写第一个方面”。")
    if re.fullmatch(r"(?:放弃|不要了?|不用了|丢掉|删掉这段|不采用)(?:吧|这段|这个)?", bare):
        return Intent("discard")
    if re.search(r"撤销|撤回|回退|返回上一步|恢复上一步|undo", bare):
        return Intent("undo")
    if re.search(r"重做|恢复撤销|redo", bare):
        return Intent("redo")
    if re.fullmatch(r"(?:你好|您好|帮助|help|\?|怎么用|你能做什么|能做什么|有什么功能|使用说明)", bare):
        return Intent("help", reply=HELP)

    problem_text = re.split(r"[:：]", message.strip(), maxsplit=1)  # the drafter's own wording, not normalised
    if re.search(r"根源|根子|剖析.{0,4}问题|分析.{0,8}(?:问题|原因)|找.{0,4}原因|(?:问题|这).{0,4}原因", text) \
            and not re.search(r"措施", text):
        problem = problem_text[1].strip(" “”\"'") if len(problem_text) > 1 else ""
        quoted = re.search(r"[“\"](.+?)[”\"]", message)
        problem = problem or (quoted.group(1) if quoted else "")
        if len(problem) < 4:
            return clarify("请把要剖析的问题写在冒号后面，比如：“分析一下这个问题的根源：调研走过场，只听汇报不进农户”。")
        return Intent("analyze_problem", {"problem": problem})
    if re.search(r"原因", text) and re.search(r"措施", text) or re.search(rf"(?:{WRITE}).{{0,4}}(?:原因剖析|整改措施)", text):
        return Intent("causes_and_measures")
    if re.search(r"导出|下载|输出|存成|保存为|另存", text) or re.fullmatch(r"(?:word|docx|markdown|md)(?:文档|文件)?", bare):
        fmt = "md" if re.search(r"markdown|(?<![a-z])md(?![a-z])", text) else "docx"
        anyway = re.search(r"仍然|仍旧|依然|还是要?|强制|照样|硬要|先导出|草稿", text)
        return Intent("export", {"format": fmt, "force": True} if anyway else {"format": fmt})
    if re.search(r"检查|审读|审核|体检|把关|挑.{0,2}毛病|有什么问题|有没有问题|哪里不对", text):
        return Intent("check")
    if re.search(r"(?:用|选|按|换成|改用|切换到?)\s*(20\d\d)\s*年?度?\s*的?\s*通知|^(20\d\d)\s*年?度?\s*通知$", bare):
        year = re.search(r"20\d\d", bare).group(0)
        return Intent("set_notice", {"notice": year})

    if re.search(r"事例|例子|案例|比如|举例|举个例", text) and re.search(r"补|加|添|写|举|给|找|来|配|充实|增加|缺", text) \
            and not re.search(r"案例剖析|典型案例", text):
        section = section_named(text, context) if area_number(text) or re.search(HERE, text) else context.section
        return Intent("suggest_examples", {"section": section, "item": item_number(text)})
    if re.search(r"改|修改|润色|完善|充实|精简|压缩|具体|细化|调整|优化|缩短|扩写|重写这", text) \
            and not re.search(r"整改措施|整改落实", text.replace("改得", "")) or re.search(r"改得|修改", text):
        section = section_named(text, context)
        if section is None:
            return clarify("要修改哪一部分？请先在右侧“材料”里选中一节，或者说“把第二个方面改得更具体些”。")
        if section.startswith("area-") and (wrong := _check_area(int(section[5:]), context)):
            return wrong
        return Intent("revise_section", {"section": section, "instruction": message.strip()})

    if re.search(rf"(?:{WRITE}).{{0,6}}(?:全文|全部|整篇|完整|一整份|整份|初稿|所有)|一键", text):
        return Intent("draft_all")
    if re.search(r"开头|开篇|引言|前言|导语|标题|上年度整改|整改落实情况|案例剖析", text):
        return Intent("draft_opening")
    number = area_number(text)
    if number is None and re.search(r"下一个?方面|下个方面", text):
        current = context.section or ""
        number = int(current[5:]) + 1 if current.startswith("area-") else 1
    if number is None and "方面" in text and context.area_titles:
        number = area_by_title(text, context.area_titles)
    if number is not None:
        return _check_area(number, context) or Intent("draft_area", {"area": number})
    if "方面" in text:
        count = f"本次通知共{context.area_count}个方面，" if context.area_count else ""
        return clarify(f"{count}要写哪一个方面？请说“写第一个方面”这样的序号。")
    if re.search(rf"^(?:请|帮我|给我|麻烦)?(?:{WRITE})", bare) or re.search(r"写", bare):
        return clarify("要写哪一部分？可以说“写开头”“写第一个方面”“把原因和措施对应起来”或“起草全文”。")
    return clarify("我没太明白。" + HELP)
