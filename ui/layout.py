"""The page: a chat column beside a draft column (material, notice, profile, knowledge, check, versions,
export). Only components are made here; ui/app.py wires them to the handlers."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from assistant.sucai import KIND_LABELS

from .files import UPLOAD_SUFFIXES
from .sucai import SUCAI_SUFFIXES

EXAMPLES = ["写第一个方面", "给这一条补一个具体事例", "分析一下这个问题的根源：调研走过场，只听汇报不进农户",
            "把原因和措施对应起来", "这一段改得更具体些", "检查一下", "导出Word"]
WELCOME = ("**您好，我是检视**。我帮您起草民主生活会对照检查材料，全部在本机运行，内容不出本机。\n\n"
           "1. 在右侧“通知”里选年度通知；2026 年度等还没有预设的年度，请选“粘贴通知原文”，粘贴本单位收到的通知；\n2. 在“单位信息”里填单位名称和要用到的事实；\n"
           "3. 在“素材”里上传或粘贴本单位的征求意见、谈心谈话、查摆问题等素材；\n"
           "4. 在这里说“写第一个方面”或“起草全文”，生成的内容先放进“待采用”，您确认后才写入材料。")
SEVERITIES = (("blocker", "必须修改"), ("major", "重要"), ("minor", "提示"))
SUCAI_HEADERS = ["编号", "类别", "内容", "来源", "次数", "方面", "把握", "需核对"]
MAP_HEADERS = ["方面", "问题", "来自素材", "原因", "措施", "责任人", "时限"]
CSS = """
#jianshi-proposal textarea {background: #fffbea}
.jianshi-findings table {font-size: 14px}
footer {display: none !important}
"""


def build_layout(notice_choices: list[tuple[str, str]]) -> SimpleNamespace:
    ui = SimpleNamespace()
    ui.state = gr.State({})
    with gr.Row(equal_height=True):
        with gr.Column(scale=5, min_width=420):
            gr.Markdown("## 检视 · 民主生活会对照检查材料起草助手\n本机运行，内容不出本机", elem_id="jianshi-title")
        ui.sessions = gr.Dropdown(label="我的材料", choices=[], scale=4, elem_id="jianshi-sessions")
        ui.new_session = gr.Button("新建材料", scale=1, min_width=90, size="sm")
    with gr.Row():
        with gr.Column(scale=5):
            ui.chatbot = gr.Chatbot(label="对话", height=460, placeholder=WELCOME, elem_id="jianshi-chat",
                                    buttons=["copy"], feedback_options=None)
            with gr.Row():
                ui.message = gr.Textbox(show_label=False, placeholder="说说要做什么，例如：写第一个方面", scale=8,
                                        elem_id="jianshi-message", max_length=4000)
                ui.send = gr.Button("发送", variant="primary", scale=1, min_width=70, elem_id="jianshi-send")
                ui.stop = gr.Button("停止", variant="stop", scale=1, min_width=70, elem_id="jianshi-stop")
            gr.Examples(examples=EXAMPLES, inputs=[ui.message], label="可以这样说")
            with gr.Group(elem_id="jianshi-proposal-box"):
                ui.proposal_label = gr.Markdown("**待采用**：（暂无）", elem_id="jianshi-proposal-label")
                ui.proposal = gr.Textbox(show_label=False, lines=6, max_lines=16, elem_id="jianshi-proposal",
                                         placeholder="我写的内容会先放在这里，您可以修改后再采用")
                with gr.Row():
                    ui.accept = gr.Button("采用到材料", variant="primary", elem_id="jianshi-accept")
                    ui.discard = gr.Button("放弃", elem_id="jianshi-discard")
        with gr.Column(scale=6):
            with gr.Tabs(selected="notice", elem_id="jianshi-tabs") as ui.tabs:
                _material_tab(ui)
                _notice_tab(ui, notice_choices)
                _profile_tab(ui)
                _sucai_tab(ui)
                _knowledge_tab(ui)
                _check_tab(ui)
                _versions_tab(ui)
                _export_tab(ui)
    return ui


def _material_tab(ui) -> None:
    with gr.Tab("材料", id="material"):
        ui.section = gr.Radio(label="选择一节", choices=[], elem_id="jianshi-section")
        ui.editor = gr.Textbox(label="本节内容（可直接修改，自动保存）", lines=12, max_lines=30, elem_id="jianshi-editor")
        with gr.Row():
            ui.undo = gr.Button("撤销", size="sm")
            ui.redo = gr.Button("重做", size="sm")
        with gr.Accordion("全文（也可以粘贴一整份材料）", open=False):
            ui.fulltext = gr.Textbox(show_label=False, lines=16, max_lines=40, elem_id="jianshi-fulltext")
            ui.save_fulltext = gr.Button("按全文保存", size="sm")


def _notice_tab(ui, notice_choices) -> None:
    with gr.Tab("通知", id="notice"):
        ui.notice = gr.Dropdown(label="年度通知", choices=[*notice_choices, ("粘贴通知原文", "pasted")],
                                elem_id="jianshi-notice")
        ui.notice_text = gr.Textbox(label="通知原文（选“粘贴通知原文”时填写）", lines=6, max_lines=20)
        ui.parse_notice = gr.Button("识别通知中的方面", size="sm")
        ui.notice_info = gr.Markdown("还没有选择通知。", elem_id="jianshi-notice-info")


def _profile_tab(ui) -> None:
    with gr.Tab("单位信息", id="profile"):
        ui.org = gr.Textbox(label="单位名称", placeholder="如：江川市市场监督管理局", max_length=60)
        with gr.Row():
            ui.kind = gr.Radio(label="材料类型", choices=[("领导班子", "banzi"), ("个人", "geren")], value="banzi")
            ui.year = gr.Number(label="年度", precision=0, minimum=2016, maximum=2100)
        ui.facts = gr.Textbox(label="要用到的事实（每行一条：数字、事件、时间、人名）", lines=8, max_lines=30,
                              placeholder="集中学习研讨6次，征求意见建议42条，谈心谈话36人次\n全年下基层调研31次，形成调研报告仅3篇")
        ui.profile_saved = gr.Markdown("")


def _sucai_tab(ui) -> None:
    with gr.Tab("素材", id="sucai"):
        ui.sucai_summary = gr.Markdown("", elem_id="jianshi-sucai-summary")
        with gr.Accordion("加入素材", open=True):
            ui.sucai_upload = gr.File(label="上传素材文件（.txt、.md、.docx、.xlsx，可一次选多个）", file_count="multiple",
                                      file_types=list(SUCAI_SUFFIXES), elem_id="jianshi-sucai-upload")
            ui.sucai_paste = gr.Textbox(label="或者粘贴素材（每行一条）", lines=4, max_lines=16, max_length=100_000,
                                        elem_id="jianshi-sucai-paste",
                                        placeholder="征求意见：班子成员下基层调研多是听汇报、看材料\n查摆：学习研讨联系实际不够")
            ui.sucai_add = gr.Button("加入素材", size="sm", elem_id="jianshi-sucai-add")
        ui.sucai_status = gr.Markdown("", elem_id="jianshi-sucai-status")
        with gr.Row():
            ui.sucai_pick = gr.Dropdown(label="选一条素材（也可点表格中的一行）", choices=[], scale=3,
                                        elem_id="jianshi-sucai-pick")
            ui.sucai_area = gr.Dropdown(label="方面", choices=[], scale=2, elem_id="jianshi-sucai-area")
            ui.sucai_move = gr.Button("移到该方面", size="sm", scale=1, min_width=90, elem_id="jianshi-sucai-move")
        with gr.Row():
            ui.sucai_kind = gr.Dropdown(label="类别", choices=[(label, kind) for kind, label in KIND_LABELS.items()],
                                        scale=2, elem_id="jianshi-sucai-kind")
            ui.sucai_set_kind = gr.Button("改类别", size="sm", scale=1, min_width=70, elem_id="jianshi-sucai-set-kind")
            ui.sucai_other = gr.Dropdown(label="与这一条合并", choices=[], scale=3, elem_id="jianshi-sucai-other")
            ui.sucai_merge = gr.Button("合并", size="sm", scale=1, min_width=60, elem_id="jianshi-sucai-merge")
            ui.sucai_drop = gr.Button("删除这一条", size="sm", scale=1, min_width=90, elem_id="jianshi-sucai-drop")
        ui.sucai_table = gr.Dataframe(headers=SUCAI_HEADERS, interactive=False, wrap=True, label="素材",
                                      column_widths=["7%", "11%", "38%", "14%", "6%", "12%", "6%", "6%"],
                                      elem_id="jianshi-sucai-table")
        with gr.Accordion("问题 → 原因 → 措施（起草全文后在这里列出）", open=False, elem_id="jianshi-map-box") as ui.map_box:
            ui.map_table = gr.Dataframe(headers=MAP_HEADERS, interactive=False, wrap=True, elem_id="jianshi-map",
                                        column_widths=["12%", "22%", "8%", "22%", "22%", "7%", "7%"])


def _knowledge_tab(ui) -> None:
    with gr.Tab("知识库", id="knowledge"):
        ui.upload = gr.File(label="上传参考材料（.txt、.md、.docx、.pdf）", file_count="multiple",
                            file_types=list(UPLOAD_SUFFIXES), elem_id="jianshi-upload")
        ui.upload_status = gr.Markdown("")
        ui.sources = gr.Dataframe(headers=["文件", "段数"], interactive=False, label="已导入的文件")
        with gr.Row():
            ui.source_pick = gr.Dropdown(label="移除一个文件", choices=[], scale=3)
            ui.remove_source = gr.Button("移除", size="sm", scale=1)


def _check_tab(ui) -> None:
    with gr.Tab("检查", id="check"):
        ui.check = gr.Button("检查材料", variant="primary", elem_id="jianshi-check")
        ui.check_summary = gr.Markdown("还没有检查。", elem_id="jianshi-check-summary")
        ui.findings = {}
        for severity, label in SEVERITIES:
            with gr.Accordion(label, open=severity != "minor", visible=False) as accordion:
                table = gr.Dataframe(headers=["位置", "问题", "建议"], interactive=False, wrap=True,
                                     elem_classes=["jianshi-findings"], column_widths=["18%", "42%", "40%"])
            ui.findings[severity] = (accordion, table)


def _versions_tab(ui) -> None:
    with gr.Tab("版本", id="versions"):
        ui.versions = gr.Dropdown(label="历史版本（每次改动都已保存）", choices=[])
        with gr.Row():
            ui.restore = gr.Button("恢复到这个版本", size="sm")
            ui.show_diff = gr.Button("与当前版本比较", size="sm")
        ui.diff = gr.Code(label="差异（- 该版本，+ 当前）", language=None, interactive=False)


def _export_tab(ui) -> None:
    with gr.Tab("导出", id="export"):
        with gr.Row():
            ui.export_docx = gr.Button("导出 Word（.docx）", variant="primary", elem_id="jianshi-export-docx")
            ui.export_md = gr.Button("导出 Markdown（.md）")
            ui.export_ledger = gr.Button("整改清单（.xlsx）", elem_id="jianshi-export-ledger")
        ui.export_force = gr.Checkbox(label="有“必须修改”的问题时仍然导出（作为草稿）", value=False,
                                      elem_id="jianshi-export-force")
        ui.export_file = gr.File(label="下载", interactive=False, elem_id="jianshi-export-file")
