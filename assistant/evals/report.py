"""A self-contained HTML report: one bar chart (inline SVG) per scorer with a bar per version, and the
cases whose verdict changed between versions. No scripts, no fonts or styles fetched from anywhere."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path

from .dataset import FAMILY_LABELS
from .summary import order, spec_of

COLOURS = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#b07aa1")
BAR_WIDTH = 260
STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #eee;padding:.4em}
.chart h3{font-size:.95em;margin:.2em 0}.pass{color:#2a7d2a}.fail{color:#b22}.meta td:first-child{color:#666;white-space:nowrap}
details{margin:.3em 0}pre{white-space:pre-wrap;font-family:inherit;margin:.3em 0;background:#fafafa;padding:.4em}
"""


def _value(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"


def bar_chart(title: str, values: dict[str, float], rates: dict[str, float | None], bounded: bool) -> str:
    """Horizontal bars, one per version; rates on a 0–1 scale, counts scaled to the largest."""
    scale = 1.0 if bounded else max([abs(v) for v in values.values()] + [1e-9])
    rows = []
    for i, (version, value) in enumerate(values.items()):
        width = max(1.0, BAR_WIDTH * min(abs(value) / scale, 1.0))
        y = 8 + i * 26
        rate = rates.get(version)
        note = _value(value) + (f"（通过{rate:.0%}）" if rate is not None and not bounded else "")
        rows.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(version)}</text>'
                    f'<rect x="110" y="{y}" width="{width:.1f}" height="18" fill="{COLOURS[i % len(COLOURS)]}"/>'
                    f'<text x="{116 + width:.1f}" y="{y + 13}" font-size="12">{escape(note)}</text>')
    height = 16 + 26 * len(values)
    return (f'<div class="chart"><h3>{escape(title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="{BAR_WIDTH + 220}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">{"".join(rows)}</svg></div>')


def _family_section(family: str, summary: dict) -> str:
    versions = list(summary["scores"])
    keys = sorted({k for v in versions for k in summary["scores"][v] if k.startswith(f"{family}.")}, key=order)
    if not keys:
        return ""
    header = "".join(f"<th>{escape(v)}</th>" for v in versions)
    lines, charts = [], []
    for key in keys:
        spec = spec_of(key)
        name = key.split(".", 1)[1]
        label = spec.label + (f"（{name[name.index('[') + 1:-1]}）" if "[" in name else "")
        values = {v: summary["scores"][v].get(key, 0.0) for v in versions}
        rates = {v: summary["pass_rates"].get(v, {}).get(key) for v in versions}
        direction = {True: "越高越好", False: "越低越好", None: ""}[spec.higher_is_better]
        cells = "".join(f"<td>{_value(values[v])}" + (f" <small>（通过{rates[v]:.0%}）</small>" if rates[v] is not None
                                                        and not spec.gated else "") + "</td>" for v in versions)
        lines.append(f"<tr><td>{escape(label)}</td><td><code>{escape(name)}</code></td>{cells}<td>{direction}</td></tr>")
        charts.append(bar_chart(label, values, rates, bounded=spec.gated))
    cases = summary.get("datasets", {}).get(family, {}).get("cases", "")
    return (f"<h2>{escape(FAMILY_LABELS.get(family, family))}（{cases}条）</h2>"
            f"<table><tr><th>评分项</th><th>代号</th>{header}<th>方向</th></tr>{''.join(lines)}</table>"
            f"<div class=\"charts\">{''.join(charts)}</div>")


def _changed_section(changed: list[dict]) -> str:
    if not changed:
        return "<h2>结论有变化的用例</h2><p>各版本在每个用例上的结论都相同。</p>"
    by_case: dict[tuple, list[dict]] = defaultdict(list)
    for item in changed:
        by_case[(item["family"], item["id"], item["repeat"])].append(item)
    blocks = []
    for (family, case, repeat), items in by_case.items():
        rows = []
        for item in items:
            cells = "".join(
                f"<td class=\"{'pass' if ok else 'fail'}\">{'✓' if ok else '✗'} {escape(item['explanations'].get(v, ''))}</td>"
                for v, ok in item["verdicts"].items())
            rows.append(f"<tr><td>{escape(spec_of('x.' + item['scorer']).label)}</td>{cells}</tr>")
        versions = list(items[0]["verdicts"])
        texts = "".join(f"<details><summary>{escape(v)} 的输出</summary><pre>{escape(items[0]['texts'].get(v, ''))}</pre>"
                        "</details>" for v in versions)
        heading = "".join(f"<th>{escape(v)}</th>" for v in versions)
        title = f"{FAMILY_LABELS.get(family, family)} {case}" + (f"（第{repeat + 1}次）" if repeat else "")
        blocks.append(f"<h3>{escape(title)}</h3><table><tr><th>评分项</th>{heading}</tr>{''.join(rows)}</table>{texts}")
    return f"<h2>结论有变化的用例（{len(by_case)}个）</h2>" + "".join(blocks)


def render(summary: dict, changed: list[dict]) -> str:
    git = summary.get("git", {})
    commit = (git.get("commit") or "未知")[:12] + ("（有未提交的改动）" if git.get("dirty") else "")
    versions = "<br>".join(f"<b>{escape(label)}</b>：{escape('、'.join(m.values()))}" for label, m in summary["versions"].items())
    calls = summary.get("model_calls", {})
    meta = [("评测编号", summary["run"]), ("时间", summary.get("created", "")), ("模型", summary.get("model", "")),
            ("代码版本", commit), ("用例数", f"{summary['cases']}（出错 {summary.get('errors', 0)}）"),
            ("模型调用", f"共{calls.get('calls', 0)}次，其中缓存命中{calls.get('cache_hits', 0)}次"),
            ("评分函数版本", "、".join(f"{k} v{v}" for k, v in summary.get("scorers", {}).items()))]
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in meta)
    families = "".join(_family_section(f, summary) for f in summary.get("datasets", {}))
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>提示词版本评测 {escape(summary['run'])}"
            f"</title><style>{STYLE}</style></head><body><h1>提示词版本评测</h1><table class=\"meta\">{rows}"
            f"<tr><td>比较的版本</td><td>{versions}</td></tr></table>{families}{_changed_section(changed)}</body></html>\n")


def write_report(path: Path, summary: dict, changed: list[dict]) -> Path:
    Path(path).write_text(render(summary, changed), encoding="utf-8")
    return Path(path)
