"""The eval runner: the real operations, for each prompt version, on the same cases; then scores and files.

A version is a mapping {prompt name: "name@vN"} passed to Workbench.operations(prompt_versions=...).
Writes DIR/<run-id>/cases.jsonl (one row per case, version and repeat), summary.json and report.html;
model replies are cached in DIR/cache.db, so a second run of the same cases makes no model call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..config import PROJECT_ROOT
from ..errors import InputError, JianshiError
from ..models.base import ChatModel
from ..operations.catalog import Catalog
from ..prompts import PromptLibrary
from .cache import CachingModel
from .dataset import PROMPT_OF, dataset_digest, load_samples
from .report import write_report
from .scorers import SCORERS
from .summary import aggregate, changed_verdicts, git_state
from .tasks import SOLVERS, Env

Progress = Callable[[str, int, int], None]
BASE_SEED = 7  # the seed ModelStep uses; repeat k > 0 asks for seed BASE_SEED + k


def resolve_versions(refs: list[str] | tuple[str, ...], prompts: PromptLibrary) -> dict[str, dict[str, str]]:
    """Label → mapping. Without refs: "v1" the versions drafting uses (prompts/in_use.yaml) and "v2" the
    candidates, see default_versions; with refs, a single compared prompt labels by its refs, several
    prompts alike by their version tag."""
    if not refs:
        return default_versions(prompts)
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        prompt = prompts.get(ref)  # "name" means the version in use
        grouped.setdefault(prompt.name, []).append(prompt.ref)
    count = max(len(r) for r in grouped.values())
    uneven = [name for name, r in grouped.items() if len(r) not in (1, count)]
    if uneven:
        raise InputError(f"各提示词给出的版本个数不一致：{'、'.join(uneven)}", hint="要比较的提示词请给出同样多的版本，或只给一个版本（各次共用）")
    mappings = [{name: r[i] if len(r) > 1 else r[0] for name, r in grouped.items()} for i in range(count)]
    varying = [name for name, r in grouped.items() if len(r) > 1]
    return {_label(m, varying): m for m in mappings}


def default_versions(prompts: PromptLibrary) -> dict[str, dict[str, str]]:
    """The older set "v1" is what drafting uses (prompts/in_use.yaml, else the newest version), the newer
    set "v2" the newest version of every prompt that has several, however many versions it has. When every
    prompt is already used in its newest version, "v1" is each one's previous version instead."""
    several = [name for name in prompts.names() if len(prompts.versions(name)) >= 2]
    if not several:
        raise InputError("没有哪个提示词有两个版本可以比较", hint="请用 --prompts 指定版本，如 cause_explain@v1 cause_explain@v2")
    in_use = {name: prompts.get(name).ref for name in several}
    newest = {name: f"{name}@v{prompts.versions(name)[-1]}" for name in several}
    if in_use == newest:
        in_use = {name: f"{name}@v{prompts.versions(name)[-2]}" for name in several}
    return {"v1": in_use, "v2": newest}


def _label(mapping: dict[str, str], varying: list[str]) -> str:
    if len(varying) == 1:
        return mapping[varying[0]]
    tags = {mapping[name].split("@", 1)[1] for name in varying}
    return tags.pop() if len(tags) == 1 else "+".join(mapping[name] for name in varying) or "+".join(mapping.values())


@dataclass
class RunResult:
    run_id: str
    folder: Path
    summary: dict
    rows: list[dict] = field(default_factory=list)

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


class Runner:
    def __init__(self, *, bench, model: ChatModel, versions: dict[str, dict[str, str]], families: list[str],
                 out_dir: Path, limit: int | None = None, repeat: int = 1, judge=None,
                 progress: Progress | None = None) -> None:
        self.bench = bench
        self.model = CachingModel(model, Path(out_dir) / "cache.db")
        self.versions = versions
        self.families = families
        self.out_dir = Path(out_dir)
        self.limit = limit
        self.repeat = max(1, repeat)
        self.judge = judge
        self.progress = progress or (lambda label, done, total: None)

    def run(self) -> RunResult:
        start = time.perf_counter()
        samples = {family: load_samples(family, limit=self.limit) for family in self.families}
        labels = list(self.versions)
        units = sum(len(s) * (1 if PROMPT_OF[f] is None else len(labels) * self.repeat) for f, s in samples.items())
        env = Env(settings=self.bench.settings, notices=self.bench.notices, retriever=self.bench.retriever(),
                  catalog=Catalog(self.bench.settings.knowledge_dir / "banks"), model=self.model)
        rows: list[dict] = []
        done = 0
        for family, cases in samples.items():
            plan = [(None, None)] if PROMPT_OF[family] is None else [(v, r) for v in labels for r in range(self.repeat)]
            for version, repeat in plan:
                if version is not None:
                    env.ops = self.bench.operations(model=self.model, log=False, prompt_versions=self.versions[version])
                    env.materials = {}  # 雷同 across units is judged among one version's materials only
                    self.model.seed = None if not repeat else BASE_SEED + repeat
                for sample in cases:
                    self.progress(f"{family} {sample.id}" + (f" {version}" if version else ""), done, units)
                    rows.append(self._case(family, sample, env, version, repeat or 0))
                    done += 1
        self.progress("评分完成", units, units)
        if self.judge is not None and len(labels) >= 2:
            self.judge.score_rows(rows, labels, {(s.family, s.id): s for cases in samples.values() for s in cases})
        return self._write(rows, samples, time.perf_counter() - start)

    def _case(self, family: str, sample, env: Env, version: str | None, repeat: int) -> dict:
        self.model.calls = []
        row = {"family": family, "id": sample.id, "version": version, "repeat": repeat}
        try:
            output, scores = SOLVERS[family](sample, env)
        except JianshiError as exc:
            return {**row, "error": exc.message, "output": {}, "scores": {}}
        return {**row, "output": output, "scores": {name: score.to_dict() for name, score in scores.items()},
                "model_calls": len(self.model.calls), "cached_calls": sum(c.cached for c in self.model.calls)}

    def _write(self, rows: list[dict], samples: dict, elapsed: float) -> RunResult:
        run_id = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = self.out_dir / run_id
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = self.out_dir / f"{run_id}-{suffix}"
        folder.mkdir(parents=True)
        labels = list(self.versions)
        means, rates = aggregate(rows, labels)
        changed = changed_verdicts(rows, labels)
        prompts = PromptLibrary(PROJECT_ROOT / "prompts")
        refs = sorted({ref for mapping in self.versions.values() for ref in mapping.values()})
        summary = {
            "run": folder.name, "created": datetime.now().isoformat(timespec="seconds"), "git": git_state(),
            "model": self.model.identity, "versions": self.versions,
            "prompts": {ref: prompts.get(ref).source_hash for ref in refs},
            "scorers": {name: spec.version for name, spec in SCORERS.items()},
            "datasets": {f: {"cases": len(s), "digest": dataset_digest(f)} for f, s in samples.items()},
            "limit": self.limit, "repeat": self.repeat, "cases": len(rows),
            "errors": sum(1 for row in rows if row.get("error")),
            "model_calls": {"calls": self.model.hits + self.model.misses, "cache_hits": self.model.hits,
                            "made": self.model.misses},
            "elapsed_s": round(elapsed, 1), "scores": means, "pass_rates": rates,
            "changed": [{k: c[k] for k in ("family", "id", "repeat", "scorer", "verdicts")} for c in changed],
        }
        with (folder / "cases.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_report(folder / "report.html", summary, changed)
        return RunResult(folder.name, folder, summary, rows)
