"""`jianshi ledger`: a material's rectification ledger (整改清单) as .xlsx or as a .docx attachment."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .errors import InputError
from .workbench import Workbench


@main.command(name="ledger", context_settings=CONTEXT)
@click.argument("material_file", metavar="MATERIAL", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="输出文件：.xlsx（Excel 表格）或 .docx（公文格式附件）")
@click.option("--facts", "facts_file", type=click.Path(),
              help="事实文件：清单中的责任领导、责任部门、完成时限只取这里写明的（材料中写了、事实里没有的留“待补”）")
@click.option("--notice", "notice_ref", metavar="ID|文件", help="通知年度预设，用于“方面”一列（JSON 中已记录时可省略）")
@click.option("--json", "as_json", is_flag=True, help="另把清单各行以 JSON 输出")
@click.pass_obj
@friendly_errors
def ledger_command(bench: Workbench, material_file: str, output: str, facts_file: str | None, notice_ref: str | None,
                   as_json: bool) -> None:
    """把材料的问题、原因和整改措施列成整改清单，每个问题一行。

    MATERIAL 是 jianshi draft --json 的输出（.json，含“问题—原因—措施”对应关系），或材料本身（.md/.txt/.docx：
    按文字推断对应关系，请核对）。责任领导、责任部门、完成时限没有依据的留“待补”。
    """
    # the ledger and the drafting code load only when this command runs (`--help` lists it without them)
    from .ledger import export_ledger
    from .ledger.loading import ledger_from_file
    from .operations import Facts

    if Path(output).suffix.lower() not in (".xlsx", ".docx"):
        raise InputError(f"整改清单只能导出为 .xlsx 或 .docx：“{Path(output).name}”", hint="例如 -o 整改清单.xlsx")
    facts = Facts.from_file(facts_file) if facts_file else Facts()
    ledger = ledger_from_file(bench, material_file, facts_text=facts.text(), notice_ref=notice_ref)
    path = export_ledger(ledger, output)
    console = _console(stderr=as_json)
    console.print(f"[green]已导出整改清单：[/]{path}（{len(ledger.rows)} 个问题，待补 {ledger.pending_cells} 处）")
    for note in ledger.notes:
        console.print(f"[yellow]提示：[/]{note}")
    if as_json:
        click.echo(json.dumps({"output": str(path), **ledger.to_dict()}, ensure_ascii=False, indent=2))
