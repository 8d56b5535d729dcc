"""`jianshi eval`: the prompt versions side by side on the eval datasets, optionally against the baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .config import PROJECT_ROOT, Settings
from .errors import InputError
from .workbench import Workbench

RESULTS = PROJECT_ROOT / "evals" / "results"


def eval_model(settings: Settings, choice: str | None):
    """--model: 0.5b / 1.5b (embedded), a .gguf file, or a model name on the configured remote endpoint."""
    from .models.factory import build_model
    from .models.weights import BUNDLED

    if choice:
        if choice in BUNDLED:
            settings = settings.model_copy(update={"embedded_model": choice, "model_url": None, "model_path": None})
        elif choice.lower().endswith(".gguf") or Path(choice).is_file():
            settings = settings.model_copy(update={"model_path": Path(choice), "model_url": None})
        elif settings.model_url:
            settings = settings.model_copy(update={"model": choice})
        else:
            raise InputError(f"无法识别的模型“{choice}”", hint="可用 0.5b、1.5b、GGUF 文件路径，或先设置 JIANSHI_MODEL_URL 再给模型名称")
    return build_model(settings)


def _refs(prompts: tuple[str, ...], extra: tuple[str, ...]) -> list[str]:
    if extra and not prompts:
        raise InputError(f"多余的参数：{' '.join(extra)}", hint="要比较的提示词版本请写在 --prompts 之后")
    return [ref for value in (*prompts, *extra) for ref in value.replace(",", " ").split()]


@main.command(name="eval", context_settings=CONTEXT)
@click.option("--prompts", "prompts", multiple=True, metavar="名称@v版本 …",
              help="要比较的提示词版本，如 --prompts cause_explain@v1 cause_explain@v2；省略时比较起草在用的版本（v1，见 prompts/in_use.yaml）和各提示词的最新版本（v2）")
@click.argument("extra", nargs=-1, metavar="")
@click.option("--dataset", "datasets", multiple=True, metavar="名称",
              help="评测集：drafting、analyze、revision、retrieval、sucai（可多次使用）；省略时全部")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="每个评测集只用前 N 条")
@click.option("--repeat", type=click.IntRange(min=1), default=1, metavar="K", show_default=True, help="每条用例重复 K 次（换随机种子）")
@click.option("--model", "model_choice", metavar="0.5b|1.5b|文件|名称", help="评测用的模型；省略时用当前配置的模型")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(RESULTS), show_default="evals/results", metavar="目录",
              help="结果目录：每次评测写入 目录/<编号>/，模型回复缓存在 目录/cache.db")
@click.option("--against", metavar="baseline|目录", help="与基线（baseline）或某次评测比较，退步超过容差时退出码为 1")
@click.option("--tolerance", type=click.FloatRange(min=0), default=0.05, metavar="X", show_default=True, help="允许的退步幅度（绝对值）")
@click.option("--save-baseline", is_flag=True, help="把本次评测摘要保存为基线 evals/baseline/summary.json")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_obj
@friendly_errors
def eval_(bench: Workbench, prompts, extra, datasets, limit, repeat, model_choice, out_dir, against, tolerance,
          save_baseline, as_json) -> None:
    """在同一批用例上运行不同版本的提示词，并排比较各项评分。

    退出码：0 完成（且与基线相比没有超出容差的退步）；1 有退步；2 用法错误。
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # here: every command loads this module

    from .evals.dataset import check_families
    from .evals.judge import build_judge
    from .evals.runner import Runner, resolve_versions
    from .evals.summary import BASELINE, compare, load_summary
    from .prompts import PromptLibrary

    versions = resolve_versions(_refs(prompts, extra), PromptLibrary(PROJECT_ROOT / "prompts"))
    families = check_families(datasets)
    baseline = load_summary(against) if against else None
    out = Path(out_dir)
    model = eval_model(bench.settings, model_choice)
    runner = Runner(bench=bench, model=model, versions=versions, families=families, out_dir=out, limit=limit,
                    repeat=repeat, judge=build_judge(out / "cache.db", bench.settings))
    try:
        with Progress(TextColumn("[bold]评测"), TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=_console(stderr=True), transient=as_json) as bar:
            task = bar.add_task("", total=None)
            runner.progress = lambda label, done, total: bar.update(task, description=label, completed=done, total=total)
            result = runner.run()
    finally:
        model.close()
    summary = result.summary
    regressions, notes = compare(summary, baseline, tolerance) if baseline else ([], [])
    if save_baseline:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if as_json:
        payload = {"run": result.run_id, "versions": summary["versions"], "cases": summary["cases"],
                   "scores": summary["scores"], "report": str(result.report)}
        if baseline is not None:
            payload.update(regressions=regressions, notes=notes)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, result.report)
        if save_baseline:
            _console().print(f"[green]已保存为基线：[/]{BASELINE}")
    if baseline is not None:
        _print_comparison(regressions, notes, tolerance)
        if regressions:
            sys.exit(1)


def _print_summary(summary: dict, report: Path) -> None:
    from rich.table import Table

    from .evals.dataset import FAMILY_LABELS
    from .evals.summary import order, spec_of

    console = _console()
    versions = list(summary["scores"])
    for family in summary["datasets"]:
        keys = sorted({k for v in versions for k in summary["scores"][v] if k.startswith(f"{family}.")}, key=order)
        table = Table(title=f"{FAMILY_LABELS[family]}（{summary['datasets'][family]['cases']}条）")
        table.add_column("评分项")
        for version in versions:
            table.add_column(version, justify="right")
        for key in keys:
            name = key.split(".", 1)[1]
            label = spec_of(key).label + (f"（{name[name.index('[') + 1:-1]}）" if "[" in name else "")
            table.add_row(label, *(_cell(summary["scores"][v].get(key)) for v in versions))
        console.print(table)
    calls = summary["model_calls"]
    git = summary["git"]
    console.print(f"模型：{summary['model']}；模型调用 {calls['calls']} 次（缓存命中 {calls['cache_hits']} 次）；"
                  f"代码 {(git['commit'] or '未知')[:12]}{'（有未提交的改动）' if git['dirty'] else ''}；"
                  f"结论有变化的评分 {len(summary['changed'])} 处")
    console.print(f"[green]报告：[/]{report}")


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"


def _print_comparison(regressions: list[dict], notes: list[str], tolerance: float) -> None:
    console = _console(stderr=True)
    for note in notes:
        console.print(f"[yellow]注意：[/]{note}")
    if not regressions:
        console.print(f"[green]与基线相比没有超过 {tolerance:g} 的退步。[/]")
        return
    console.print(f"[bold red]与基线相比有 {len(regressions)} 项退步（容差 {tolerance:g}）：[/]")
    for item in regressions:
        console.print(f"  {item['version']}  {item['scorer']}：{item['baseline']:.2f} → {item['current']:.2f}（{item['delta']:+.2f}）")
