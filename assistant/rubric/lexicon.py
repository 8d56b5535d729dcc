"""Word lists the content and structure rules share: cause dimensions and tell-tale phrases.

The dimension ids are the ones the knowledge banks use: theory, party-spirit, people, responsibility,
discipline, governance.
"""

import re

DIMENSION_LABELS = {
    "theory": "理想信念、理论武装",
    "party-spirit": "政治站位、党性修养",
    "people": "宗旨意识、群众观点",
    "responsibility": "担当作为、斗争精神、政绩观",
    "discipline": "纪律规矩、作风、廉洁自律",
    "governance": "管党治党、主体责任、民主集中制、自身建设",
}

DIMENSION_WORDS = {
    "theory": ("理论", "学习", "理想信念", "创新理论", "思想武装", "学懂弄通", "世界观", "信仰", "学思想", "读书"),
    "party-spirit": ("政治", "党性", "站位", "两个维护", "两个确立", "四个意识", "忠诚", "政治能力", "政治判断", "组织生活", "党内政治生活"),
    "people": ("群众", "宗旨", "为民", "人民", "民生", "办实事", "服务对象", "企业", "基层"),
    "responsibility": ("担当", "斗争", "作为", "政绩观", "开拓创新", "勇于创新", "创新意识", "攻坚", "魄力", "干事创业", "敢于", "勇于", "本领", "能力"),
    "discipline": ("纪律", "规矩", "作风", "廉洁", "八项规定", "四风", "形式主义", "官僚主义", "自律", "底线", "规定", "家风", "节俭"),
    "governance": ("主体责任", "管党治党", "从严治党", "民主集中制", "班子建设", "自身建设", "一岗双责", "监督", "制度", "队伍", "干部管理"),
}


def dimensions_of(text: str) -> set[str]:
    """The dimensions whose words a text uses (empty when none)."""
    return {dim for dim, words in DIMENSION_WORDS.items() if any(word in text for word in words)}


THINKING_WORDS = re.compile(
    r"思想|认识|意识|观念|站位|党性|理念|信念|宗旨|初心|政治|觉悟|自觉|世界观|价值观|政绩观|精神|态度|心态|理论|"
    r"作风|文风|会风|两个维护|两个确立|四个意识|形式主义|官僚主义|担当|劲头|责任|纪律|规矩|廉洁|忧患|敢于|不愿|不敢|怕"
)
WORK_WORDS = re.compile(r"业务|工作|任务|指标|进度|项目|台账|考核|经费|效率|流程|系统|数据")
DEFICIT_WORDS = re.compile(
    r"不够|不足|不强|欠缺|差距|没有|未能|未|不到位|薄弱|滞后|缺乏|不深|不细|不实|不严|不高|不力|偏差|问题|短板|弱化|淡化|松懈|不善于|不愿|不敢|存在"
)
ACHIEVEMENT_WORDS = re.compile(
    r"取得了?|成效显著|圆满完成|得到.{0,8}(?:肯定|表扬|好评)|走在.{0,4}前列|受到.{0,6}表彰|好评|率先|名列前茅|超额完成|一致认可|显著提升"
)
DISGUISED_PRAISE = re.compile(
    r"(?:工作|加班)太(?:投入|拼|多)|对自己要求(?:太|过)严|要求(?:过高|太高)|只顾工作.{0,6}(?:忽视|顾不上).{0,4}(?:身体|家庭|休息)|"
    r"(?:性子|脾气)(?:太|过)急.{0,12}(?:工作|事业)|太过认真|追求完美"
)
OBJECTIVE_EXCUSES = re.compile(
    r"任务(?:繁重|重|多)|人手(?:少|不足|紧张)|人员不足|时间(?:紧|仓促)|客观原因|客观条件|经费不足|条件有限|基础薄弱|历史遗留|上级(?:要求|安排)|事务性工作多|疲于应付"
)
VAGUE_WORDS = re.compile(r"进一步|不断|切实|持续|着力|努力|积极|全面|深入|大力|认真")
DEADLINE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:底|中旬|上旬|下旬)?前?|[一二三四五六七八九十]{1,2}月(?:底|中旬)?前|年底前|年内|月底前|季度|每月|每周|每季|每年|每半年|立行立改|长期坚持|限期|定期|常态化开展|\d+\s*(?:个)?(?:工作日|天|日|周|个月)内"
)
OWNER = re.compile(r"牵头|负责|责任人|分管|班子成员|书记|局长|主要负责同志|主任|各部门|本人|我|由.{1,12}(?:组织|落实|承办)")
ACTION = re.compile(r"制定|建立|开展|组织|召开|完成|修订|出台|清单|台账|销号|举办|实行|落实.{0,4}制度|走访|调研|约谈|检查|培训|开设")
SPECIFIC = re.compile(r"\d|[一二三四五六七八九十百千]+(?:次|人|件|条|项|个|家|篇|场|起|名)|《[^》]+》|年\d{1,2}月|[月日]份?")
