"""`jianshi analyze`, `jianshi draft` and `jianshi models`: the drafting verbs on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .errors import InputError
from .workbench import KINDS, Workbench

# The operations, the model factory and rich's progress bars are imported inside the commands that use them:
# this module is imported by every `jianshi` command, and `jianshi check` must start fast.

no_log_option = click.option("--no-log", is_flag=True, help="不把本次模型调用记入日志")
prompt_option = click.option("--prompt", "prompts", multiple=True, metavar="名称@v版本",
                             help="指定提示词版本，如 item_from_sucai@v1（可多次使用）")


def _versions(prompts: tuple[str, ...]) -> dict[str, str]:
    versions = {}
    for ref in prompts:
        if "@" not in ref:
            raise InputError(f"提示词版本写法不对：{ref}", hint="请写成 名称@v版本，如 item_from_sucai@v1")
        versions[ref.split("@", 1)[0]] = ref
    return versions


def _weights_progress():
    from rich.progress import BarColumn, Progress, TextColumn

    bar = Progress(TextColumn("准备内置模型"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   console=_console(stderr=True), transient=True)
    state = {}

    def report(done: int, total: int) -> None:
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("join", total=total)
        bar.update(state["task"], completed=done)
        if done >= total:
            bar.stop()

    return report


@main.command(context_settings=CONTEXT)
@click.argument("problem")
@click.option("--kind", type=click.Choice(KINDS), default="banzi", show_default=True, help="材料类型")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@no_log_option
@prompt_option
@click.pass_obj
@friendly_errors
def analyze(bench: Workbench, problem: str, kind: str, as_json: bool, no_log: bool, prompts: tuple[str, ...]) -> None:
    """剖析一个问题的根源：原因维度排序、对应原因和整改措施（均注明出处）。"""
    if len(problem.strip()) < 4:
        raise InputError("问题描述太短", hint="请用一句完整的话写出问题，如“调研走过场，只听汇报不进农户”")
    ops = bench.operations(log=not no_log, prompt_versions=_versions(prompts), progress=_weights_progress())
    result = ops.analyze_problem(problem.strip(), kind=kind)
    data = result.data
    payload = {"dimensions": [{k: d[k] for k in ("id", "label", "score")} for d in data["dimensions"]],
               "causes": [{"text": c["text"], "citations": c["citations"]} for c in data["causes"]],
               "measures": [{"text": m["text"], "citations": m["citations"]} for m in data["measures"]],
               "reasoning": data["reasoning"], "prompt": "、".join(result.prompts), "model": result.model}
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(f"[bold]问题：[/]{problem}")
    console.print("[bold]原因维度：[/]" + "；".join(f"{d['label']} {d['score']:.0%}" for d in payload["dimensions"][:4]))
    console.print(f"[bold]分析：[/]{data['reasoning']}")
    for title, rows in (("原因", data["causes"]), ("措施", data["measures"])):
        for row in rows:
            console.print(f"[bold]{title}[{row['n']}]：[/]{row['text']}")
    console.print("[dim]" + result.sources_text() + "[/]")


@main.command(context_settings=CONTEXT)
@click.option("--notice", "notice_ref", required=True, metavar="ID|文件", help="通知年度预设或通知原文文件")
@click.option("--org", required=True, help="单位名称，如 江川市市场监督管理局")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="banzi 领导班子 / geren 个人")
@click.option("--facts", "facts_file", type=click.Path(), help="事实文件：每行一条（问题或事实），起草时只用这些内容")
@click.option("--sucai", "sucai_files", multiple=True, type=click.Path(),
              help="素材文件（.txt/.md/.docx/.xlsx：征求意见、谈心谈话、查摆问题、上年度整改台账、事实、案例），可多次使用")
@click.option("-o", "--output", required=True, type=click.Path(), help="输出文件（.md 或 .txt）")
@click.option("--json", "as_json", is_flag=True, help="另把素材归类和“问题—原因—措施”对应关系以 JSON 输出")
@no_log_option
@prompt_option
@click.pass_obj
@friendly_errors
def draft(bench: Workbench, notice_ref: str, org: str, kind: str, facts_file: str | None, sucai_files: tuple[str, ...],
          output: str, as_json: bool, no_log: bool, prompts: tuple[str, ...]) -> None:
    """按通知用本单位的素材逐节起草一份完整材料，并用审读规则检查。"""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .operations import Facts

    out = Path(output)
    if out.suffix.lower() not in (".md", ".txt"):
        raise InputError(f"起草结果只能保存为 .md 或 .txt：“{out.name}”", hint="起草后可用 jianshi export 导出 Word")
    notice = bench.resolve_notice(notice_ref)
    facts = Facts.from_file(facts_file) if facts_file else Facts()
    sucai = None
    if sucai_files:
        from .sucai.importers import sucai_from_facts

        sucai = bench.load_sucai(sucai_files)
        for warning in sucai.warnings:
            _console(stderr=True).print(f"[yellow]提示：[/]{warning}")
        if facts.lines:  # --facts beside --sucai: its lines join the 素材 as the kinds they read as
            sucai.extend(sucai_from_facts(facts.lines))
            sucai.merge_duplicates()
    ops = bench.operations(log=not no_log, prompt_versions=_versions(prompts), progress=_weights_progress())
    console = _console(stderr=True)
    with Progress(TextColumn("[bold]起草"), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("", total=len(notice.areas) + 2)
        result = ops.draft_all(notice, org=org, kind=kind, facts=facts, sucai=sucai,
                               progress=lambda label, done, total: bar.update(task, description=label, completed=done))
    out.write_text(result.text, encoding="utf-8")
    summary = result.data["rubric"]["summary"]
    slots = result.text.count("〔待补")
    (console if as_json else _console()).print(f"[green]已写入：[/]{out}（{len(result.text)} 字，待补 {slots} 处；检查：必须修改 {summary['blocker']}，"
                     f"重要 {summary['major']}，提示 {summary['minor']}；用时 {result.elapsed_ms / 1000:.0f} 秒）")
    bank = result.data["bank_sections"]
    if bank:
        console.print(f"[yellow]有{len(bank)}个方面的素材不足，用了参考库建议（文中标有“〔参考库建议，请结合实际核实〕”），"
                      "请换成本单位的实际问题[/]")
    for warning in result.warnings[:10]:
        console.print(f"[yellow]注意：[/]{warning}")
    if as_json:
        click.echo(json.dumps({"output": str(out), "notice": notice.id if notice.source == "preset" else None,
                               "title": result.data["sections"].get("title", ""),
                               "sucai": result.data["sucai"], "map": result.data["map"],
                               "bank_sections": bank, "summary": summary, "warnings": result.warnings},
                              ensure_ascii=False, indent=2))


@main.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_obj
@friendly_errors
def models(bench: Workbench, as_json: bool) -> None:
    """显示当前配置的模型，以及能否使用。"""
    from .models.factory import backend_status

    status = backend_status(bench.settings)
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    console = _console()
    if status["backend"] == "remote":
        state = "[green]可以连接[/]" if status["reachable"] else f"[red]无法连接（{status.get('reason', '')}）[/]"
        console.print(f"远程模型接口：{status['endpoint']}  模型：{status['model']}  密钥：{status['api_key']}  {state}")
        return
    console.print(f"内置本地模型（内容不出本机）；运行程序 llama-server：{'已安装' if status['runtime'] else '[red]未安装[/]'}")
    for key in ("1.5b", "0.5b"):
        if key in status:
            entry = status[key]
            mark = "← 当前使用" if status.get("model") == key else ""
            console.print(f"  {key}：{entry['label']}，{entry['size'] / 1e9:.2f} GB，"
                          f"{'已安装' if entry['installed'] else '[red]未安装[/]'}{'，已就绪' if entry['joined'] else ''} {mark}")
    if status.get("model") not in ("1.5b", "0.5b"):
        console.print(f"  模型文件：{status.get('model')}")
    if not status["reachable"]:
        console.print("[yellow]内置模型还不能使用：请运行 bash scripts/setup.sh[/]")
