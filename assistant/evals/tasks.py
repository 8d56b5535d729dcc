"""Each family's solver (the real operation under test) and the scorers applied to its result.

A solver returns (output, scores): `output` is what the per-case JSONL keeps, `scores` maps a scorer name to
its Score. Model-backed solvers read the model's raw replies from the caching wrapper (`env.model.calls`),
so the invented-fact check sees what the prompt made the model write, before the fact guard repaired it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Settings
from ..document import PartRole, parse
from ..notices import NoticeLibrary
from ..operations.base import RETRY_NOTE
from ..operations.catalog import Catalog, Facts
from ..operations.opening import title_for
from ..retrieval.retriever import MODES
from ..rubric import run_rubric
from . import scorers as S
from .cache import CachingModel
from .dataset import Sample

FRAGMENT_RULES = ("no-example", "achievement-as-problem", "work-not-thinking", "generic", "placeholder",
                  "pinyin-abbrev", "quotes", "punctuation", "doubled-char", "formula")
ITEM_CHARS = (50, 300)  # one drafted item: the prompts ask for at most 200 (v1) or 180 (v2) characters
REASONING_CHARS = (20, 200)  # cause_explain: two or three sentences, at most 200 characters
REVISION_RATIO = (0.6, 3.0)  # revised section length relative to the original
RANK_DEPTH = 10  # MRR is read over the first 10 results
SLOTS_PER_MATERIAL = 30  # a whole material from 素材: owners, deadlines and details the 素材 did not give


@dataclass
class Env:
    settings: Settings
    notices: NoticeLibrary
    catalog: Catalog
    retriever: object
    model: CachingModel | None = None
    ops: object = None
    materials: dict = field(default_factory=dict)  # sucai: group → the materials drafted so far, for 雷同 across units

    def passage_text(self, passage_id: str) -> str:
        entry = self.catalog.get(passage_id)
        if entry is not None:
            return "。".join(str(entry[k]) for k in ("headline", "title", "text", "example") if entry.get(k))
        passage = self.retriever.get(passage_id)
        return passage.text if passage else ""

    def passages(self, citations) -> dict[int, str]:
        return {c.n: text for c in citations if (text := self.passage_text(c.id))}


def rubric_findings(text: str, env: Env, *, notice=None, kind=None, rules=None) -> list[dict]:
    """Findings as dicts, without the 〔待补〕 placeholders: those are deliberate and `slots` counts them."""
    report = run_rubric(parse(text), settings=env.settings, notice=notice, kind=kind, only=rules)
    return [f for f in (f.to_dict() for f in report.findings)
            if not (f["rule"] == "placeholder" and "待补" in f["message"] + f["excerpt"])]


def section_lines(text: str, section: str) -> range:
    """1-based line numbers the section occupies in the text (empty when it is not there)."""
    start = text.find(section)
    if start < 0 or not section:
        return range(0)
    first = text[:start].count("\n") + 1
    return range(first, first + section.count("\n") + 1)


def shown_request(messages) -> str:
    """What a call showed the model of this case: its rendered request, the last user message before any
    note sending a reply back. Not the few-shot examples (another unit's facts), the system text or the
    model's own earlier reply."""
    asked = [m.content for m in messages if m.role == "user" and not m.content.startswith(RETRY_NOTE)]
    return asked[-1] if asked else ""


def model_scores(env: Env, replies_inputs: list[str], fallback_text: str) -> dict[str, S.Score]:
    """invented_facts counts a figure or title of the raw replies as invented unless the case's inputs or a
    request the model was shown (the bank wording, roots, problem details, facts it was given) contain it."""
    calls = env.model.calls if env.model else []
    replies = [call.reply.text for call in calls]
    prompts = [m.content for call in calls for m in call.messages]
    shown = [shown_request(call.messages) for call in calls]
    return {"invented_facts": S.invented_facts("\n".join(replies) or fallback_text, [*replies_inputs, *shown]),
            "tokens": S.tokens(prompts, replies),
            "latency_ms": S.latency(sum(call.reply.latency_ms for call in calls), len(calls))}


def solve_drafting(sample: Sample, env: Env):
    given = sample.input
    notice = env.notices.get(str(given["notice"]))
    facts = Facts(list(given["facts"]))
    result = env.ops.draft_area(notice, int(given["area"]), org=given["org"], kind=given["kind"], facts=facts)
    items = result.text.split("\n")[1:]
    passages = env.passages(result.citations)
    inputs = [*facts.lines, given["org"], notice.theme, *(a.title for a in notice.areas), *passages.values()]
    fragment = "\n".join([title_for(notice, given["org"], given["kind"]), "一、存在的主要问题", result.text])
    findings = rubric_findings(fragment, env, notice=notice, kind=given["kind"], rules=FRAGMENT_RULES)
    planned = result.data.get("problems", [])
    # Expected slots: a marked bank suggestion keeps its pattern's slots; an item from the unit's own lines, one.
    limit = sum(len(S.SLOT.findall(env.catalog.get(item["bank"])["example"])) if item["origin"] == "bank" else 1
                for item in planned)
    scores = {"rubric_pass": S.rubric_pass(findings), "rubric_majors": S.rubric_majors(findings),
              "citation_validity": S.citation_validity(result.marked_text, [c.n for c in result.citations], passages),
              "slots": S.slots(result.text, limit), "length": S.length(items, *ITEM_CHARS),
              "facts_used": S.facts_used(result.text, sample.target["must"], sample.target["must_not"]),
              **model_scores(env, inputs, result.text)}
    output = _output(result)
    output["items"] = planned  # which entries, or which bank suggestion, each item came from
    return output, scores


def solve_analyze(sample: Sample, env: Env):
    result = env.ops.analyze_problem(sample.input["problem"], kind=sample.input["kind"])
    dimensions = result.data["dimensions"]
    reasoning = result.data["reasoning"]
    passages = env.passages(result.citations)
    shown = "、".join(f"{d['label']}（{d['score']:.0%}）" for d in dimensions[:2])
    inputs = [sample.input["problem"], shown, *passages.values()]
    scores = {"dimension_top2": S.dimension_top2([d["id"] for d in dimensions], sample.target["expected"]),
              "mentions_dimension": S.mentions_dimension(reasoning, dimensions[0]["label"] if dimensions else ""),
              "citation_validity": S.citation_validity(result.marked_text, [c.n for c in result.citations], passages),
              "slots": S.slots(reasoning, 0), "length": S.length([reasoning], *REASONING_CHARS),
              **model_scores(env, inputs, reasoning)}
    output = _output(result)
    output["dimensions"] = [d["id"] for d in dimensions[:4]]
    output["reasoning"] = reasoning
    return output, scores


def solve_revision(sample: Sample, env: Env):
    given = sample.input
    facts = Facts(list(given.get("facts") or []))
    result = env.ops.revise_section(given["draft"], PartRole(given["part"]), int(given["section"]),
                                    given["instruction"], facts)
    section, original = result.data["section"], result.data["original"]
    low, high = (round(len(original) * r) for r in REVISION_RATIO)
    lines = section_lines(result.text, section)
    findings = [f for f in rubric_findings(result.text, env) if f["line"] in lines]  # what the section still has
    limit = len(S.SLOT.findall(original)) + (0 if facts.lines else 3)
    scores = {"untouched": S.untouched(given["draft"], result.text, original, sample.target["must_keep"]),
              "changed_as_asked": S.changed_as_asked(section, sample.target["must_change"]),
              "rubric_pass": S.rubric_pass(findings), "rubric_majors": S.rubric_majors(findings),
              "slots": S.slots(section, limit), "length": S.length([section], low, high),
              **model_scores(env, [given["draft"], given["instruction"], *facts.lines], section)}
    output = _output(result)
    output["text"] = section  # the whole draft is in the dataset; keep the part that changed
    return output, scores


def solve_retrieval(sample: Sample, env: Env):
    scores, output = {}, {}
    for mode in MODES:
        ranked = [p.id for p in env.retriever.search(sample.input["query"], RANK_DEPTH, kind=sample.input["kind"],
                                                     mode=mode)]
        output[mode] = ranked[:5]
        scores[f"recall_at_5[{mode}]"] = S.recall_at_k(ranked, sample.target["relevant"], 5)
        scores[f"mrr[{mode}]"] = S.reciprocal_rank(ranked, sample.target["relevant"])
    return output, scores


def unit_sucai(sample: Sample):
    """The unit's 素材 as a drafter would bring it: the workbook read by the importer, or the listed entries,
    without their expected areas (sorting them is part of what is scored)."""
    from ..sucai import Sucai
    from ..sucai.importers import read_sucai

    if "sucai_path" in sample.metadata:
        return read_sucai(sample.metadata["sucai_path"])
    sucai = Sucai()
    for row in sample.input["sucai"]:
        sucai.add(row["kind"], row["text"], source=row.get("source", ""), status=row.get("status", ""))
    sucai.merge_duplicates()
    return sucai


def placed_areas(sucai, entries: list[dict]) -> tuple[dict[str, int | None], dict[str, int]]:
    """Predicted and expected areas keyed by the dataset entry: an entry merged into another is found
    through the merged texts."""
    predicted, expected = {}, {}
    for n, row in enumerate(entries):
        if "area" not in row:
            continue
        key = f"{n + 1:02d}"
        expected[key] = row["area"]
        home = next((e for e in sucai.problems if row["text"] in (e.text, *e.merged)), None)
        home = home or max(sucai.problems, key=lambda e: S.support(row["text"], e.text), default=None)
        predicted[key] = home.area if home else None
    return predicted, expected


def solve_sucai(sample: Sample, env: Env):
    from ..similarity import SentenceCorpus, bank_corpus, shared_share

    given = sample.input
    notice = env.notices.get(str(given["notice"]))
    sucai = unit_sucai(sample)
    result = env.ops.draft_all(notice, org=given["org"], kind=given["kind"], facts=Facts(), sucai=sucai)
    drafted = drafted_sucai(result)
    predicted, expected = placed_areas(drafted, sample.target["entries"])
    findings = [f.to_dict() for f in run_rubric(parse(result.text), settings=env.settings, notice=notice,
                                                kind=given["kind"]).findings]
    earlier = env.materials.setdefault(sample.target["group"], [])
    others = SentenceCorpus()
    for label, text in earlier:
        others.add(text, label)
    # the unit's own inputs; the bank wording counts where a request showed it (model_scores), not the whole
    # cited passage, of which a cause or measure prompt shows only the title
    # (the opening names the channels the entries came through: 12315热线回访)
    inputs = [*drafted.texts(), *(e.channel for e in drafted.entries if e.channel), given["org"], notice.theme,
              *(a.title for a in notice.areas), *counted_figures(drafted)]
    scores = {"entries_reached": S.entries_reached(result.text, sample.target["entries"]),
              "sort_accuracy": S.sort_accuracy(predicted, expected),
              "bank_share": S.bank_share(shared_share(result.text, bank_corpus(env.settings.knowledge_dir / "banks"),
                                                      exempt=notice.wording())),
              "blockers_besides_slots": S.blockers_besides_slots(findings),
              "slots": S.slots(result.text, SLOTS_PER_MATERIAL),
              **model_scores(env, inputs, result.text)}
    if earlier:
        scores["cross_unit_share"] = S.cross_unit_share(shared_share(result.text, others, exempt=notice.wording()),
                                                        len(earlier))
    earlier.append((sample.id, result.text))
    output = _output(result)
    output["map"] = result.data["map"]
    output["areas"] = predicted
    return output, scores


def counted_figures(sucai) -> list[str]:
    """Figures the drafting counts from the 素材 itself (opinions gathered, problems found and how many recur,
    last year's problems found, done and open, how often an opinion was raised): the drafter's own, not invented."""
    from ..operations.opening import sucai_counts

    ledger = sucai.of_kind("ledger")
    return [*sucai_counts(sucai).values(), str(len(ledger)), str(sum(not e.is_open for e in ledger)),
            str(sum(e.is_open for e in ledger)), *(str(e.count) for e in sucai.entries if e.count > 1)]


def drafted_sucai(result):
    from ..sucai import Sucai

    return Sucai.from_list(result.data["sucai"])


def _output(result) -> dict:
    return {"text": result.text, "marked_text": result.marked_text,
            "citations": [c.to_dict() for c in result.citations], "prompts": result.prompts,
            "steps": [{"prompt": s.prompt, "outcome": s.outcome, "note": s.note} for s in result.steps],
            "warnings": result.warnings}


SOLVERS = {"drafting": solve_drafting, "analyze": solve_analyze, "revision": solve_revision,
           "retrieval": solve_retrieval, "sucai": solve_sucai}
