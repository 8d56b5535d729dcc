"""The `jianshi` command line: a thin face over Workbench."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

import click

from .errors import JianshiError
from .rubric import Report, Severity
from .workbench import KIND_LABELS, KINDS, ExportBlocked, Workbench

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {Severity.BLOCKER: "bold red", Severity.MAJOR: "yellow", Severity.MINOR: "cyan"}
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _console(stderr: bool = False) -> Console:
    from rich.console import Console  # imported on first output: `check --json` and `--help` never need it

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def friendly_errors(fn: Callable) -> Callable:
    """Turn expected failures into a Chinese message and the contract's exit code, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except JianshiError as exc:
            if isinstance(exc, ExportBlocked):
                _print_report(exc.report, only_blockers=True)
            _console(stderr=True).print(f"[bold red]错误：[/]{exc.message}" + (f"\n[dim]{exc.hint}[/]" if exc.hint else ""))
            sys.exit(exc.exit_code)

    return wrapper


# The other commands live in modules of their own, imported (and so registered on `main`) only when one of
# their commands runs or `--help` lists them: `jianshi check` need not load what drafting or search use.
COMMAND_MODULES = {
    "ingest": "cli_knowledge", "search": "cli_knowledge", "prepare": "cli_knowledge",
    "analyze": "cli_drafting", "draft": "cli_drafting", "models": "cli_drafting",
    "sort": "cli_sucai", "ledger": "cli_ledger", "eval": "cli_eval", "ui": "cli_ui",
}


class ChineseUsageGroup(click.Group):
    """Usage errors in Chinese: click's own messages are English. Commands of COMMAND_MODULES load on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        return self.commands.get(name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and args[0] not in COMMAND_MODULES:
            for name in COMMAND_MODULES:  # a mistyped command: load them all so that click suggests the nearest
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Abort:
            _console(stderr=True).print("已取消。")
            sys.exit(1)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "jianshi"
            _console(stderr=True).print(f"[bold red]用法错误：[/]{translate_usage(exc.format_message())}\n"
                                        f"[dim]运行 {command} --help 查看用法[/]")
            sys.exit(2)
        except SystemExit:
            raise


USAGE_PATTERNS = [
    (r"Missing argument '(.+?)'\.", r"缺少参数 \1"),
    (r"Missing option '(.+?)'\.", r"缺少选项 \1"),
    (r"No such option:? '?([^'\s.]+)'?\.?", r"没有选项 \1"),
    (r"No such command '(.+?)'\.", r"没有命令“\1”。"),
    (r"Did you mean '(.+?)'\?", r"是不是要用“\1”？"),
    (r"Invalid value for '(.+?)': '(.+?)' is not one of (.+)\.", r"选项 \1 的值“\2”无效，可选：\3"),
    (r"Invalid value for '(.+?)'", r"选项 \1 的值无效"),
    (r"Option '(.+?)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"Got unexpected extra arguments? \((.+?)\)", r"多余的参数：\1"),
]


def translate_usage(message: str) -> str:
    import re

    for pattern, replacement in USAGE_PATTERNS:
        message = re.sub(pattern, replacement, message)
    return message


@click.group(cls=ChineseUsageGroup, context_settings=CONTEXT)
@click.version_option(package_name="jianshi", message="检视 %(version)s")
@click.pass_context
@friendly_errors  # a bad setting in the environment or .env is reported in Chinese
def main(ctx: click.Context) -> None:
    """检视：民主生活会对照检查材料起草助手（本地运行，内容不出本机）。"""
    ctx.obj = Workbench.from_settings()


notice_option = click.option("--notice", "notice_ref", metavar="ID|文件",
                             help="通知年度预设（如 2024、basic，见 jianshi notices），或粘贴了通知原文的文本文件；省略时按材料标题自动判断")
kind_option = click.option("--kind", type=click.Choice(KINDS), help="材料类型：banzi 领导班子，geren 个人；省略时自动判断")


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=True))
@notice_option
@kind_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果")
@click.option("--against", "against", metavar="文件夹", type=click.Path(),
              help="与该文件夹中其他单位的材料（.txt、.md、.docx）逐句比对，找出雷同的句子")
@click.pass_obj
@friendly_errors
def check(bench: Workbench, file: str, notice_ref: str | None, kind: str | None, as_json: bool,
          against: str | None) -> None:
    """检查材料的结构、格式和内容，列出问题和修改建议。

    退出码：0 无“必须修改”项；1 有“必须修改”项；2 用法错误或文件无法读取。
    """
    draft = bench.load_draft(file)
    others: list[tuple[str, str]] = []
    if against:
        others, warnings = bench.load_others(against, skip=file)
        for warning in warnings:
            _console(stderr=True).print(f"[yellow]提示：[/]{warning}")
        if not as_json:
            _console().print(f"[bold]比对：[/]{against} 中的其他材料 {len(others)} 份")
    notice = bench.resolve_notice(notice_ref, draft.doc)
    report = bench.check(draft.doc, notice=notice, kind=kind, others=others)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, source=draft.source)
    sys.exit(1 if report.has_blockers else 0)


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="输出文件：.docx（公文格式）或 .md")
@notice_option
@kind_option
@click.option("--force", is_flag=True, help="即使有“必须修改”的问题也导出")
@click.pass_obj
@friendly_errors
def export(bench: Workbench, file: str, output: str, notice_ref: str | None, kind: str | None, force: bool) -> None:
    """把材料导出为公文格式的 Word 文档（GB/T 9704）或 Markdown。"""
    draft = bench.load_draft(file)
    notice = bench.resolve_notice(notice_ref, draft.doc)
    path, report = bench.export(draft.doc, output, notice=notice, kind=kind, force=force)
    summary = report.summary
    _console().print(f"[green]已导出：[/]{path}（必须修改 {summary['blocker']} 处，重要 {summary['major']} 处，提示 {summary['minor']} 处）")


@main.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_obj
@friendly_errors
def notices(bench: Workbench, as_json: bool) -> None:
    """列出内置的通知年度预设及其对照检查的方面。"""
    specs = bench.notices.all()
    if as_json:
        click.echo(json.dumps({"notices": [spec.to_dict() for spec in specs]}, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title="通知预设", show_lines=True)
    for column in ("编号", "名称", "对照方面", "核实"):
        table.add_column(column, overflow="fold")
    for spec in specs:
        areas = "\n".join(_area_line(area) for area in spec.areas)
        if len(spec.accepted_counts) > 1:
            areas += f"\n（通知有{'或'.join(map(str, spec.accepted_counts))}个方面的写法）"
        table.add_row(spec.id, spec.label, areas, "已核实" if spec.verified else "部分待核实")
    console = _console()
    console.print(table)
    for spec in specs:
        if spec.sources:
            console.print(f"\n[bold]{spec.id} 核实来源：[/]")
            for number, source in enumerate(spec.sources, start=1):
                console.print(f"  [{number}] {source['title']}  {source['url']}", soft_wrap=True)
        else:
            console.print(f"\n[bold]{spec.id} 核实来源：[/]未找到公开来源，各方面均待核实")
    console.print("\n没有预设的年度（如 2026 年度）：请用 --notice 通知原文.txt 粘贴本单位收到的通知原文。")


def _area_line(area) -> str:
    mark = "" if area.verified else "（待核实）"
    cited = f"〔来源{','.join(map(str, area.sources))}〕" if area.sources else ""
    return f"{area.index}.{mark}{area.title}{cited}"


def _print_report(report: Report, *, source: str = "", only_blockers: bool = False) -> None:
    console = _console()
    if not only_blockers:
        notice = f"{report.notice.label}" if report.notice else "未识别（可用 --notice 指定）"
        console.print(f"[bold]检查：[/]{source}  [bold]类型：[/]{KIND_LABELS[report.kind]}  [bold]通知：[/]{notice}")
        for warning in report.notice.warnings if report.notice else []:
            console.print(f"[yellow]注意：{warning}[/]")
        for area in report.to_dict()["areas"]:
            matched = f"[green]对应通知：{area['matched']}[/]" if area["matched"] else "[yellow]未对应通知[/]"
            console.print(f"  （{area['index']}）{area['title'][:30]}  {area['items']}条问题 {area['examples']}个事例  {matched}")
    for severity in Severity:
        findings = [f for f in report.findings if f.severity == severity]
        if not findings or (only_blockers and severity != Severity.BLOCKER):
            continue
        console.print(f"\n[{SEVERITY_STYLE[severity]}]■ {severity.label}（{len(findings)}）[/]")
        for f in findings:
            where = f"第{f.line}行 " if f.line else ""
            console.print(f"  {where}[{SEVERITY_STYLE[severity]}]{f.message}[/] [dim]〔{f.rule}〕[/]")
            if f.excerpt:
                console.print(f"    [dim]原文：{f.excerpt}[/]")
            console.print(f"    建议：{f.suggestion}")
    if not only_blockers:
        s = report.summary
        verdict = "[bold red]有必须修改的问题[/]" if report.has_blockers else "[bold green]没有必须修改的问题[/]"
        shared = report.measures.get("shared_share")
        shared_note = f"雷同句子占 {shared:.0%}。" if shared is not None else ""
        console.print(f"\n合计：必须修改 {s['blocker']}，重要 {s['major']}，提示 {s['minor']}。{shared_note}{verdict}")
