"""`jianshi sort`: the drafter's 素材 read from files and sorted into the notice's areas."""

from __future__ import annotations

import json

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .numbering import int_to_cn
from .workbench import Workbench


def sucai_rows(notice, sucai) -> list[dict]:
    rows = []
    for entry in sucai.entries:
        area = notice.areas[entry.area - 1] if entry.area and entry.area <= len(notice.areas) else None
        rows.append({**entry.to_dict(), "kind_label": entry.kind_label,
                     "area_title": area.title if area and entry.is_problem else ""})
    return rows


@main.command(name="sort", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--notice", "notice_ref", required=True, metavar="ID|文件", help="通知年度预设或通知原文文件")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_obj
@friendly_errors
def sort_command(bench: Workbench, files: tuple[str, ...], notice_ref: str, as_json: bool) -> None:
    """读入素材（.txt/.md/.docx/.xlsx），把每条问题归到通知的各个方面，标出把握不大、需要核对的。"""
    notice = bench.resolve_notice(notice_ref)
    sucai = bench.sort_sucai(notice, bench.load_sucai(files))
    for warning in [] if as_json else sucai.warnings:
        _console(stderr=True).print(f"[yellow]提示：[/]{warning}")
    rows = sucai_rows(notice, sucai)
    if as_json:
        click.echo(json.dumps({"notice": notice.id, "entries": rows, "warnings": sucai.warnings,
                               "areas": [{"index": a.index, "title": a.title,
                                          "entries": [e.id for e in sucai.in_area(a.index)]} for a in notice.areas]},
                              ensure_ascii=False, indent=2))
        return
    from rich.table import Table  # here: every command loads this module

    console = _console()
    table = Table(show_lines=False)
    for header in ("编号", "类别", "内容", "来源", "次数", "方面", "把握"):
        table.add_column(header, overflow="fold")
    for entry in sucai.entries:
        area = f"（{int_to_cn(entry.area)}）{notice.areas[entry.area - 1].short}" if entry.is_problem and entry.area else "—"
        confidence = f"{entry.confidence:.0%}" + (" [yellow]需核对[/]" if entry.flagged else "") if entry.is_problem else ""
        text = entry.text + (f" [yellow]〔{entry.recurs}〕[/]" if entry.recurs else "")
        table.add_row(entry.id, entry.kind_label, text, entry.source, str(entry.count), area, confidence)
    console.print(table)
    thin = [a for a in notice.areas if len(sucai.in_area(a.index)) < 2]
    if thin:
        console.print("[yellow]以下方面的问题素材不足两条，起草时会用参考库建议补足并标明，请尽量补充本单位的实际问题：[/]"
                      + "；".join(f"（{int_to_cn(a.index)}）{a.short or a.title}" for a in thin))
    flagged = [e.id for e in sucai.problems if e.flagged]
    if flagged:
        console.print(f"[yellow]把握不大、请核对归类的：[/]{'、'.join(flagged)}")
