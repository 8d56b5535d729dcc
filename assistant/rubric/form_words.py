"""Word lists for the form rules: pinyin stand-ins, legitimate Latin terms and legitimate doubled characters.

Kept apart from the rules so that the lists can grow without crowding the checks in `form.py`.
"""

from __future__ import annotations

# Pinyin or initial-letter stand-ins seen in drafts, lower-cased, with the Chinese they replace.
STAND_INS: dict[str, str] = {
    "mzshh": "民主生活会", "mzsh": "民主生活会", "shh": "生活会", "shenghuohui": "生活会", "minzhu": "民主",
    "dangshi": "党史", "ds": "党史", "dsxx": "党史学习", "dsxxjy": "党史学习教育",
    "zhengzhi": "政治", "zz": "政治或组织（按上下文）", "zzsh": "组织生活", "zzjs": "政治建设或组织建设",
    "dj": "党建", "djgz": "党建工作", "dangjian": "党建", "djxxjy": "党纪学习教育",
    "sxjy": "思想教育", "ztjy": "主题教育", "sxzz": "思想政治",
    "xjp": "习近平", "xjpxsd": "习近平新时代中国特色社会主义思想",
    "dy": "党员", "dangyuan": "党员", "dw": "党委", "dzz": "党组织", "zzb": "组织部",
    "jw": "纪委", "jjjc": "纪检监察", "lz": "廉政", "lianzheng": "廉政", "fubai": "腐败", "fb": "腐败",
    "ganbu": "干部", "qunzhong": "群众", "zuofeng": "作风", "jilv": "纪律", "jilu": "纪律",
    "zhongyang": "中央", "xuexi": "学习", "jiaoyu": "教育", "qmczd": "全面从严治党", "qmcyzd": "全面从严治党",
}

# "ZZ" reads as 组织 before these words and as 政治 before the others listed.
ZZ_ORGANISATION_NEXT = ("生活", "部", "关系", "委员", "程序", "体系", "人事", "架构")
ZZ_POLITICS_NEXT = ("站位", "意识", "能力", "纪律", "规矩", "监督", "生态", "判断", "领悟", "执行", "素质",
                    "立场", "忠诚", "三力", "任务", "理论", "建设", "觉悟", "方向", "责任", "上")

# Latin terms that legitimately stand in Chinese text (compared upper-cased).
LATIN_WHITELIST = frozenset("""
PPT APP AI GDP CPI PPI PMI PDF OA QQ VR AR MR WPS KPI OKR PM IT ID IP ICP APEC WTO PPP EPC ERP CBD GPS LED
CT DNA WIFI WI FI USB ETC QR MBA MPA EMBA UN EU NGO ISO SOP CEO CFO CPU GPU IPO OCR NFC VIP SARS COVID TV
CCTV DIY EXCEL WORD WECHAT LOGO IPAD IPHONE OK VS AB ABC SWOT PDCA ICU VPN WEB HTML CAD GIS BIM EMS SUV
NBA CBA FM AM UFO UP IPV IPV6 SIM TCL HR CRM BBS PC NO CET HSK WHO IMF OECD BRICS ASEAN RCEP LNG LPG PCR
CA SSL HTTP HTTPS WWW URL EMAIL MV KTV SPA DOC DOCX XLS XLSX TXT ZIP RAR JPG PNG
""".split())

# Legitimate reduplicated pairs (叠词) and the pairs inside common AABB words.
REDUPLICATIONS = frozenset("""
常常 人人 个个 事事 天天 层层 时时 处处 步步 紧紧 牢牢 深深 年年 月月 日日 夜夜 家家 户户 样样 件件 条条 次次
项项 桩桩 代代 种种 重重 默默 渐渐 刚刚 仅仅 往往 稍稍 偏偏 明明 白白 谈谈 看看 想想 说说 听听 问问 走走 试试
查查 议议 比比 大大 多多 小小 高高 远远 早早 好好 久久 迟迟 频频 屡屡 纷纷 连连 匆匆 草草 泛泛 淡淡 轻轻 慢慢
足足 整整 满满 每每 统统 通通 一一 片片 句句 字字 声声 念念 斤斤 沾沾 飘飘 熠熠 孜孜 谆谆 殷殷 赫赫 岌岌 栩栩
历历 茫茫 冉冉 悠悠 源源 欣欣 蒸蒸 绰绰 井井 头头 口口 区区 村村 乡乡 节节 累累 津津 滔滔 生生 世世 切切 星星
堂堂 恰恰 依依 款款 耿耿 洋洋 侃侃 亲亲 爸爸 妈妈 爷爷 奶奶 姐姐 弟弟 妹妹 哥哥 叔叔 姑姑 舅舅 宝宝
面面 息息 夸夸 碌碌 翼翼 勃勃 腾腾 滚滚 绵绵 甸甸 睁睁 巴巴 哄哄 凛凛 铮铮 漫漫 泱泱 济济 振振 喋喋 彬彬 循循
芸芸 蠢蠢 跃跃 落落 恋恋 昭昭 奕奕 赳赳 昂昂 彤彤 熊熊 巍巍 姗姗 惶惶 惴惴
""".split())
# AABB words (扎扎实实, 认认真真, 马马虎虎) are recognised by shape in form.py and need no entry here.

# Doubled characters that arise where two words meet (工作+作风); each entry is the text around the pair.
CROSS_WORD = (
    "工作作", "创作作", "合作作", "写作作", "操作作", "学习习", "委委员", "委委托", "人民民", "不了了之", "了了解",
    "会会前", "会会上", "会会后", "会会议", "会会期", "会会场", "小组组", "党组组", "中心组组", "组组长", "组组织",
    "组组成", "组组员", "监督督", "督促促", "研讨讨", "讨论论", "理论论", "要要求", "重要要", "主要要", "需要要",
    "必要要", "只要要", "落实实", "切实实", "务实实", "扎实实", "事实实", "现实实", "夯实实", "核实实", "实实际",
    "实实施", "实实现", "实实践", "实实处", "实实事", "实实效", "实实干", "地方方", "各方方", "多方方", "双方方",
    "方面面", "全面面", "层面面", "表面面", "局面面", "学生生", "发生生", "产生生", "民生生", "卫生生", "政治治",
    "整治治", "法治治", "自治治", "化化解", "发展展", "现现代", "现现实", "现现状", "现现场", "现现象", "现现行",
    "现现有", "创新新", "形成成", "完成成", "促成成", "变成成", "务务必", "务务实", "目的的", "所有有", "具有有",
    "拥有有", "没有有", "只有有", "推进进", "做做样子", "民主主", "员员工", "部部署", "部部门", "是是非",
)
