"""`jianshi eval`: every scorer both ways, the cache, the judge, the runner's files and the CLI, on a scripted model
(and the real index, built once for the module)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant import cli_eval
from assistant.cli import main
from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import InputError
from assistant.evals import scorers as S
from assistant.evals.cache import CachingModel
from assistant.evals.dataset import check_families, load_samples, load_units
from assistant.evals.judge import PairwiseJudge
from assistant.evals.runner import Runner, resolve_versions
from assistant.evals.summary import compare
from assistant.models.base import Message
from assistant.models.fake import FakeModel
from assistant.prompts import PromptLibrary, PromptError
from assistant.workbench import Workbench
from tests.test_operations import scripted_writer

PROMPTS = PromptLibrary(PROJECT_ROOT / "prompts")


# ---- scorers, each both ways --------------------------------------------------------------------------------
def test_rubric_pass_and_majors():
    clean = [{"severity": "major", "message": "没有具体事例"}, {"severity": "minor", "message": "条数"}]
    blocked = clean + [{"severity": "blocker", "message": "留有占位符“XX”"}]
    assert S.rubric_pass(clean).passed and S.rubric_pass(clean).value == 1.0
    failed = S.rubric_pass(blocked)
    assert not failed.passed and failed.value == 0.0 and "XX" in failed.explanation and "重要1处" in failed.explanation
    assert S.rubric_majors(clean).value == 1 and S.rubric_majors([]).value == 0 and S.rubric_majors(clean).passed is None


def test_invented_facts_counts_what_each_request_showed_the_model():
    from types import SimpleNamespace

    from assistant.evals.cache import Call
    from assistant.evals.tasks import model_scores, shown_request
    from assistant.models.base import ModelReply
    from assistant.operations.base import RETRY_NOTE

    example = [Message("system", "不超过200字"), Message("user", "事例：西河村饮水问题反映5次"),
               Message("assistant", "（一）西河村饮水问题反映5次。")]
    request = Message("user", "方向：严格执行《中国共产党纪律处分条例》\n事例：优良路率85%，2024年跟班检查3次")
    first = example + [request]
    retry = first + [Message("assistant", "（一）2025年12月31日前完成。"), Message("user", f"{RETRY_NOTE}要以“（一）”开头。")]
    assert shown_request(first) == shown_request(retry) == request.content
    calls = [Call(first, ModelReply("（一）2025年12月31日前完成，遵照《中国共产党纪律处分条例》。", "fake"), False),
             Call(retry, ModelReply("（一）优良路率85%、检查3次，每季度检查5次，不超过200字。", "fake"), False)]
    env = SimpleNamespace(model=SimpleNamespace(calls=calls))
    score = model_scores(env, ["某局"], "")["invented_facts"]
    # copied from the request: 《…》, 85%, 3; not shown as this case's input: 2025 and 31 (the model's own
    # earlier reply), 5 (a few-shot example), 200 (the system text)
    assert score.value == pytest.approx(5 / 8) and not score.passed
    assert all(f"{m}" in score.explanation for m in ("2025", "31", "5", "200"))
    assert "85%" not in score.explanation and "《" not in score.explanation


def test_dimension_top2():
    assert S.dimension_top2(["theory", "people", "discipline"], ["people"]).passed
    assert not S.dimension_top2(["theory", "people", "discipline"], ["discipline"]).passed


def test_mentions_dimension():
    assert S.mentions_dimension("根子在理论武装不够深入", "理想信念、理论武装").passed
    missed = S.mentions_dimension("根子在担当作为不够", "理想信念、理论武装")
    assert not missed.passed and missed.value == 0.0


def test_citation_validity():
    passages = {1: "研讨交流走形式，照本宣科多、真知灼见少。专题研讨前准备不够充分。"}
    good = S.citation_validity("一是研讨交流走形式，照本宣科多、真知灼见少。比如，2024年研讨5次。[1]", [1], passages)
    assert good.passed and good.value == 1.0
    unknown = S.citation_validity("一是研讨交流走形式，照本宣科多。[2]", [1], passages)
    assert not unknown.passed and "[2]无对应来源" in unknown.explanation
    unrelated = S.citation_validity("二是落实八项规定精神有松懈，公务接待超标准。[1]", [1], passages)
    assert not unrelated.passed and unrelated.value == 0.0
    assert S.citation_validity("没有引用。", [], {}).passed


def test_invented_facts():
    inputs = ["2024年组织集中学习13次，办结率91.6%", "《关于加强调研工作的意见》", "张明同志分管督查"]
    faithful = S.invented_facts("比如，2024年集中学习13次，办结率91.6%，张明同志牵头落实《关于加强调研工作的意见》。", inputs)
    assert faithful.passed and faithful.value == 0.0
    boundary = S.invented_facts("比如，全年集中学习3次，办结率1.6%。", inputs)  # "3" is not in "13", "1.6" not in "91.6"
    assert not boundary.passed and boundary.value == 1.0 and "3" in boundary.explanation
    named = S.invented_facts("王建华同志组织学习《学习纲要》，有的同志照稿发言。〔待补：时间〕", inputs)
    assert not named.passed and "王建华同志" in named.explanation and "《学习纲要》" in named.explanation
    assert S.invented_facts("比如，〔待补：时间〕学习〔待补：数字〕次。", inputs).passed


def test_facts_used():
    assert S.facts_used("学习5次，形成材料27篇", ["5次", "27篇"], ["XX"]).passed
    missing = S.facts_used("学习5次", ["5次", "27篇"], ["XX"])
    assert not missing.passed and missing.value == 0.5
    forbidden = S.facts_used("学习5次，形成材料27篇，XX局", ["5次", "27篇"], ["XX"])
    assert not forbidden.passed and forbidden.value == 0.0


def test_slots():
    assert S.slots("比如，〔待补：时间〕召开会议。", 1).passed
    too_many = S.slots("比如，〔待补：时间〕〔待补：地点〕〔待补：数字〕。", 2)
    assert not too_many.passed and too_many.value == 3


def test_length():
    assert S.length(["一" * 60, "二" * 120], 50, 300).passed
    short = S.length(["一" * 60, "二" * 20], 50, 300)
    assert not short.passed and short.value == 0.5


def problem(mark: str, kind: str = "opinion") -> dict:
    return {"kind": kind, "text": f"群众反映{mark}的问题", "marks": [mark]}


def test_entries_reached():
    entries = [problem("46件"), problem("东乡片区", "finding"),
               {"kind": "talk", "text": "我调研31次", "marks": ["31次", "调研"]},
               {"kind": "fact", "text": "征求意见建议42条", "marks": ["42条"]}]
    material = "比如，2024年受理投诉46件，东乡片区……有同志指出调研流于形式。征求意见建议〔待补：数字〕条。"
    reached = S.entries_reached(material, entries)
    assert reached.passed and reached.value == 1.0 and "3/3" in reached.explanation  # facts are not counted
    missed = S.entries_reached("比如，2024年受理投诉146件，东乡片区……", entries)  # "46件" is not inside "146件"
    assert not missed.passed and missed.value == pytest.approx(1 / 3) and "“46件”" in missed.explanation
    ten = [problem(f"{n}号楼") for n in range(1, 11)]
    assert S.entries_reached("、".join(f"{n}号楼" for n in range(1, 10)), ten).passed  # 9 of 10
    assert not S.entries_reached("、".join(f"{n}号楼" for n in range(1, 9)), ten).passed  # 8 of 10
    assert S.entries_reached("", [entries[3]]).passed


def test_sort_accuracy():
    expected = {f"s{n:02d}": n % 4 + 1 for n in range(1, 8)}
    one_off = {**expected, "s03": 1}
    assert S.sort_accuracy(expected, expected).value == 1.0
    six = S.sort_accuracy(one_off, expected)  # 6 of 7
    assert six.passed and six.value == pytest.approx(6 / 7) and "s03归入第1方面（应为第4方面）" in six.explanation
    five = S.sort_accuracy({**one_off, "s05": None}, expected)
    assert not five.passed and "s05未归类" in five.explanation
    assert not S.sort_accuracy({k: v for k, v in one_off.items() if k != "s06"}, expected).passed  # missing is wrong
    assert S.sort_accuracy({}, {}).passed


def test_blockers_besides_slots():
    slot = {"rule": "placeholder", "severity": "blocker", "message": "尚有待补内容〔待补：时间〕", "line": 4,
            "excerpt": "一是问题。比如，〔待补：时间〕XX局召开会议〔待补：数…"}
    bank = {**slot, "message": "尚有参考库建议〔参考库建议：调研走过场〕", "line": 6}
    overflow = {"rule": "placeholder", "severity": "blocker", "message": "本行另有1处占位符", "line": 5,
                "excerpt": "二是问题。比如，〔待补：时间〕〔待补：地点〕…"}
    major = {"rule": "generic", "severity": "major", "message": "表述空泛", "line": 7, "excerpt": ""}
    clean = [slot, bank, {**slot, "line": 5}, overflow, major]
    passed = S.blockers_besides_slots(clean)
    assert passed.passed and passed.value == 0 and "另有4处" in passed.explanation
    xx = {"rule": "placeholder", "severity": "blocker", "message": "留有占位符“XX”", "line": 4,
          "excerpt": "…题。比如，〔待补：时间〕XX局召开会议〔待补：数字〕…"}  # a slot in its excerpt is no excuse
    failed = S.blockers_besides_slots([*clean, xx, {**overflow, "line": 4}])
    assert not failed.passed and failed.value == 2 and "XX" in failed.explanation
    other = {"rule": "pinyin-abbrev", "severity": "blocker", "message": "拼音缩写“mzshh”", "line": 8,
             "excerpt": "〔待补：时间〕mzshh"}
    assert S.blockers_besides_slots([other]).value == 1


DRAFT = "标题\n一、存在的主要问题\n（一）第一节原文。\n（二）第二节原文，调研走过场。\n二、原因\n（一）原因。\n"


def test_untouched():
    revised = DRAFT.replace("（二）第二节原文，调研走过场。", "（二）第二节改写，调研走过场，比如〔待补：时间〕。")
    assert S.untouched(DRAFT, revised, "（二）第二节原文，调研走过场。", ["调研走过场"]).passed
    elsewhere = revised.replace("（一）原因。", "（一）原因，改了。")
    assert not S.untouched(DRAFT, elsewhere, "（二）第二节原文，调研走过场。", ["调研走过场"]).passed
    lost = DRAFT.replace("（二）第二节原文，调研走过场。", "（二）全部重写。")
    failed = S.untouched(DRAFT, lost, "（二）第二节原文，调研走过场。", ["调研走过场"])
    assert not failed.passed and "调研走过场" in failed.explanation


def test_changed_as_asked():
    assert S.changed_as_asked("（二）调研只听汇报，比如……", ["还需要进一步加强"]).passed
    assert not S.changed_as_asked("（二）作风还需要进一步加强。", ["还需要进一步加强"]).passed


def test_tokens_and_latency_have_no_verdict():
    score = S.tokens(["系统", "请写"], ["一是"], counter=len)
    assert score.value == 6 and score.passed is None and "输入4" in score.explanation
    assert S.latency(1500.0, 2).passed is None and "1.5秒" in S.latency(1500.0, 2).explanation


def test_recall_and_reciprocal_rank():
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert S.recall_at_k(ranked, ["b", "f"], 5).value == 0.5 and S.recall_at_k(ranked, ["b"], 5).passed
    assert not S.recall_at_k(ranked, ["f"], 5).passed
    assert S.reciprocal_rank(ranked, ["c"]).value == pytest.approx(1 / 3)
    assert S.reciprocal_rank(ranked, ["z"]).value == 0.0


# ---- judge --------------------------------------------------------------------------------------------------
def prefers(marker: str):
    """A judge that picks whichever of A and B contains the marker."""
    def reply(messages):
        request = messages[-1].content
        a = request.split("输出A：", 1)[1].split("输出B：", 1)[0]
        return "A\n理由" if marker in a else ("B\n理由" if marker in request.split("输出B：", 1)[1] else "平\n相当")
    return reply


def avoids(marker: str):
    """A judge that picks whichever of A and B lacks the marker."""
    def reply(messages):
        request = messages[-1].content
        a, b = request.split("输出A：", 1)[1].split("输出B：", 1)
        return "B\n理由" if marker in a and marker not in b else ("A\n理由" if marker in b else "平\n相当")
    return reply


def test_judge_maps_random_order_back_to_the_versions():
    judge = PairwiseJudge(FakeModel(default=prefers("好")))
    outcomes = {judge.compare("任务", "差的输出", "好的输出", key=f"case{i}")[0] for i in range(12)}
    assert outcomes == {"second"}
    assert {judge.compare("任务", "好的输出", "差的输出", key=f"case{i}")[0] for i in range(12)} == {"first"}
    shown_first = [m["messages"][-1].content.split("输出B")[0] for m in judge.model.history]
    assert any("差的" in s for s in shown_first) and any("好的" in s for s in shown_first)  # both orders occur
    assert judge.compare("任务", "一样", "一样", key="tie")[0] == "tie"


def test_judge_order_is_reproducible():
    a = PairwiseJudge(FakeModel(default="A"), seed=3)
    b = PairwiseJudge(FakeModel(default="A"), seed=3)
    assert [a.compare("t", "x", "y", key=str(i))[0] for i in range(8)] == [b.compare("t", "x", "y", key=str(i))[0] for i in range(8)]


# ---- cache, versions, datasets ------------------------------------------------------------------------------
def test_cache_answers_repeated_calls(tmp_path):
    inner = FakeModel(default="一是问题。")
    first = CachingModel(inner, tmp_path / "cache.db")
    messages = [Message("user", "写一条")]
    first.complete(messages, seed=7)
    pieces = []
    second = CachingModel(inner, tmp_path / "cache.db")
    assert second.complete(messages, seed=7, on_token=pieces.append).text == "一是问题。"
    assert len(inner.history) == 1 and "".join(pieces) == "一是问题。" and second.hits == 1 and second.calls[0].cached
    second.complete(messages, seed=8)
    second.complete([Message("user", "另写一条")], seed=7)
    CachingModel(FakeModel(name="other", default="x"), tmp_path / "cache.db").complete(messages, seed=7)
    assert len(inner.history) == 3 and second.misses == 2


def test_a_cached_reply_replays_as_it_streamed_and_stops_where_the_callback_stops_it(tmp_path):
    from assistant.models.base import StopReply

    text = "一是问题概括。二是照抄的句子。比如，2024年31次。"
    messages = [Message("user", "写一条")]
    live_seen: list[str] = []

    def stop_after_second_sentence(seen):
        def on_token(piece):
            seen.append(piece)
            if "".join(seen).count("。") >= 2:
                raise StopReply()
        return on_token

    live = CachingModel(FakeModel(default=text), tmp_path / "cache.db").complete(
        messages, seed=7, on_token=stop_after_second_sentence(live_seen))
    assert live.extra == {"stopped": True} and "31" not in live.text and live.text.startswith("一是问题概括。")
    inner = FakeModel(default=text)
    CachingModel(inner, tmp_path / "full.db").complete(messages, seed=7)  # cached whole, nobody stopped it
    replayed_seen: list[str] = []
    replayed = CachingModel(inner, tmp_path / "full.db").complete(
        messages, seed=7, on_token=stop_after_second_sentence(replayed_seen))
    assert len(inner.history) == 1  # from the cache
    assert replayed.extra == {"stopped": True} and replayed.text == live.text


def library(folder, versions: dict[str, int], in_use: dict[str, int] | None = None) -> PromptLibrary:
    """A prompt folder with `count` versions of each named prompt (and an in_use.yaml when given)."""
    for name, count in versions.items():
        (folder / name).mkdir(parents=True)
        for v in range(1, count + 1):
            (folder / name / f"v{v}.yaml").write_text(f"template: 第{v}版 {{x}}\n", encoding="utf-8")
    if in_use is not None:
        (folder / "in_use.yaml").write_text("".join(f"{k}: {v}\n" for k, v in in_use.items()), encoding="utf-8")
    return PromptLibrary(folder)


def test_default_versions_compare_what_drafting_uses_with_the_newest_as_v1_and_v2(tmp_path):
    prompts = library(tmp_path / "p", {"cause": 3, "measure": 3, "explain": 2, "single": 1},
                      in_use={"cause": 2, "measure": 1, "explain": 2})
    versions = resolve_versions([], prompts)
    assert list(versions) == ["v1", "v2"]  # however many versions a prompt has
    assert versions["v1"] == {"cause": "cause@v2", "measure": "measure@v1", "explain": "explain@v2"}
    assert versions["v2"] == {"cause": "cause@v3", "measure": "measure@v3", "explain": "explain@v2"}
    settled = library(tmp_path / "q", {"cause": 3, "explain": 2})  # every prompt used in its newest version
    assert resolve_versions([], settled) == {"v1": {"cause": "cause@v2", "explain": "explain@v1"},
                                             "v2": {"cause": "cause@v3", "explain": "explain@v2"}}
    with pytest.raises(InputError, match="没有哪个提示词有两个版本"):
        resolve_versions([], library(tmp_path / "r", {"single": 1}))


def test_versions_of_the_project_default_to_in_use_and_newest():
    versions = resolve_versions([], PROMPTS)
    several = [name for name in PROMPTS.names() if len(PROMPTS.versions(name)) >= 2]
    assert "cause_explain" in several and any(len(PROMPTS.versions(name)) >= 3 for name in several)
    assert versions == {"v1": {name: PROMPTS.get(name).ref for name in several},
                        "v2": {name: f"{name}@v{PROMPTS.versions(name)[-1]}" for name in several}}


def test_explicit_versions_keep_their_labels():
    chosen = resolve_versions(["cause_explain@v1", "cause_explain@v2", "item_from_sucai@v1"], PROMPTS)
    assert list(chosen) == ["cause_explain@v1", "cause_explain@v2"]
    assert chosen["cause_explain@v1"]["item_from_sucai"] == "item_from_sucai@v1"
    pair = resolve_versions(["cause_for_problems@v2", "cause_for_problems@v3", "measure_for_problems@v2",
                             "measure_for_problems@v3"], PROMPTS)
    assert pair == {"v2": {"cause_for_problems": "cause_for_problems@v2", "measure_for_problems": "measure_for_problems@v2"},
                    "v3": {"cause_for_problems": "cause_for_problems@v3", "measure_for_problems": "measure_for_problems@v3"}}
    mixed = resolve_versions(["cause_explain@v1", "cause_explain@v2", "measure_for_problems@v2", "measure_for_problems@v3"],
                             PROMPTS)
    assert list(mixed) == ["cause_explain@v1+measure_for_problems@v2", "cause_explain@v2+measure_for_problems@v3"]
    with pytest.raises(PromptError):
        resolve_versions(["cause_explain@v9"], PROMPTS)
    with pytest.raises(InputError):
        resolve_versions(["cause_explain@v1", "cause_explain@v2", "item_from_sucai@v1", "item_from_sucai@v1",
                          "example_sentence@v1", "cause_explain@v1"], PROMPTS)


def test_datasets_load_as_samples():
    samples = load_samples("revision", limit=2)
    assert [s.id for s in samples] == ["v001", "v002"] and set(samples[0].target) == {"must_change", "must_keep"}
    assert check_families(["drafting,analyze", "analyze"]) == ["drafting", "analyze"]
    with pytest.raises(InputError):
        check_families(["nonsense"])


def test_sucai_units_load_with_the_raw_row_as_input(tmp_path):
    units = load_units()
    assert len(units) == 12 and {u.family for u in units} == {"sucai"}
    inline = units[0]
    assert inline.input["sucai"] == inline.target["entries"] and inline.target["group"] == inline.input["group"]
    workbook = next(u for u in units if "sucai_file" in u.input)
    assert workbook.target["entries"] == workbook.input["expected"]
    assert workbook.metadata["sucai_path"].endswith(workbook.input["sucai_file"])
    row = {"id": "u01", "notice": "2024", "kind": "banzi", "org": "某局", "group": "2024-banzi",
           "sucai_file": "sucai/missing.xlsx", "expected": []}
    (tmp_path / "sucai.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="素材文件不存在"):
        load_units(folder=tmp_path)
    del row["sucai_file"]
    (tmp_path / "sucai.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="缺少字段：sucai 或 sucai_file"):
        load_units(folder=tmp_path)


def test_compare_flags_regressions_beyond_the_tolerance():
    baseline = {"scores": {"v2": {"drafting.citation_validity": 0.9, "drafting.invented_facts": 0.1,
                                  "drafting.tokens": 900.0}}, "scorers": {"citation_validity": 1}}
    close = {"scores": {"v2": {"drafting.citation_validity": 0.86, "drafting.invented_facts": 0.14,
                               "drafting.tokens": 5000.0}}, "scorers": {"citation_validity": 1}}
    assert compare(close, baseline, 0.05)[0] == []
    worse = {"scores": {"v2": {"drafting.citation_validity": 0.8, "drafting.invented_facts": 0.2}},
             "scorers": {"citation_validity": 1}}
    regressions, _ = compare(worse, baseline, 0.05)
    assert {r["scorer"] for r in regressions} == {"drafting.citation_validity", "drafting.invented_facts"}


# ---- the runner on the real index ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_home(tmp_path_factory):
    from assistant.retrieval.knowledge_base import KnowledgeBase

    home = tmp_path_factory.mktemp("eval-home")
    KnowledgeBase(settings=Settings(home=home), progress=False).retriever.search("理论学习", 1)
    return home


@pytest.fixture
def bench(shared_home, monkeypatch):
    monkeypatch.setenv("JIANSHI_HOME", str(shared_home))
    return Workbench.from_settings()


def version_sensitive(messages):
    """Under cause_explain@v1 the writer invents a year; under v2 it is faithful."""
    text = scripted_writer(messages)
    if messages[0].content.startswith("你是民主生活会对照检查材料的原因剖析助手"):
        text = "2019年以来，" + text
    return text


def run(bench, tmp_path, model, **kwargs):
    options = {"families": ["drafting", "analyze"], "limit": 2, **kwargs}
    return Runner(bench=bench, model=model, versions=resolve_versions([], PROMPTS), out_dir=tmp_path / "out",
                  **options).run()


def test_runner_writes_cases_summary_and_report(bench, tmp_path):
    model = FakeModel(default=version_sensitive)
    result = run(bench, tmp_path, model)
    summary = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["git"]["commit"] and len(summary["git"]["commit"]) == 40 and isinstance(summary["git"]["dirty"], bool)
    assert summary["versions"]["v1"]["cause_explain"] == "cause_explain@v1" and summary["model"] == "model:fake"
    assert summary["scorers"]["invented_facts"] == S.SCORERS["invented_facts"].version
    compared = resolve_versions([], PROMPTS)
    assert set(summary["prompts"]) == {ref for mapping in compared.values() for ref in mapping.values()}
    assert summary["datasets"]["drafting"]["cases"] == 2 and summary["cases"] == 8
    rows = [json.loads(line) for line in (result.folder / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(r["family"], r["version"]) for r in rows} == {(f, v) for f in ("drafting", "analyze") for v in ("v1", "v2")}
    scores = summary["scores"]
    assert scores["v1"]["analyze.invented_facts"] > 0 and scores["v2"]["analyze.invented_facts"] == 0
    assert any(c["scorer"] == "invented_facts" for c in summary["changed"])
    html = result.report.read_text(encoding="utf-8")
    assert "<svg" in html and "v1" in html and "v2" in html and "结论有变化的用例" in html and "<script" not in html


def test_second_run_is_answered_from_the_cache(bench, tmp_path):
    first_model = FakeModel(default=scripted_writer)
    first = run(bench, tmp_path, first_model)
    assert first_model.history and first.summary["model_calls"]["made"] == len(first_model.history)
    second_model = FakeModel(default=scripted_writer)
    second = run(bench, tmp_path, second_model)
    assert second_model.history == [] and second.summary["model_calls"]["made"] == 0
    assert second.summary["scores"] == first.summary["scores"] and second.run_id != first.run_id


def test_repeat_asks_for_other_seeds(bench, tmp_path):
    model = FakeModel(default=scripted_writer)
    result = run(bench, tmp_path, model, families=["analyze"], limit=1, repeat=2)
    assert sorted({call["seed"] for call in model.history}) == [7, 8] and result.summary["cases"] == 4


def test_retrieval_counts_for_every_version(bench, tmp_path):
    result = run(bench, tmp_path, FakeModel(), families=["retrieval"], limit=2)
    v1, v2 = result.summary["scores"]["v1"], result.summary["scores"]["v2"]
    assert v1 == v2 and {"retrieval.recall_at_5[hybrid]", "retrieval.mrr[bm25]", "retrieval.mrr[dense]"} <= set(v1)


# ---- the command --------------------------------------------------------------------------------------------
@pytest.fixture
def fake_eval_model(monkeypatch):
    model = FakeModel(default=scripted_writer)
    monkeypatch.setattr(cli_eval, "eval_model", lambda settings, choice: model)
    return model


def test_eval_json_shape(bench, tmp_path, fake_eval_model):
    result = CliRunner().invoke(main, ["eval", "--dataset", "analyze", "--limit", "1", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"run", "versions", "cases", "scores", "report"}
    assert set(payload["scores"]) == {"v1", "v2"} and "analyze.dimension_top2" in payload["scores"]["v1"]
    assert (tmp_path / payload["run"] / "report.html").is_file() and payload["cases"] == 2


def test_eval_prompts_option_takes_several_versions(bench, tmp_path, fake_eval_model):
    result = CliRunner().invoke(main, ["eval", "--prompts", "cause_explain@v1", "cause_explain@v2", "--dataset", "analyze",
                                       "--limit", "1", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["versions"]) == ["cause_explain@v1", "cause_explain@v2"]


def test_against_baseline_exits_non_zero_on_a_regression(bench, tmp_path, fake_eval_model):
    args = ["eval", "--dataset", "analyze", "--limit", "1", "--out", str(tmp_path / "out"), "--json"]
    first = CliRunner().invoke(main, args)
    summary = json.loads((tmp_path / "out" / json.loads(first.stdout)["run"] / "summary.json").read_text(encoding="utf-8"))
    same = CliRunner().invoke(main, [*args, "--against", str(tmp_path / "out" / summary["run"])])
    assert same.exit_code == 0, same.output
    summary["scores"]["v2"]["analyze.length"] = summary["scores"]["v2"]["analyze.length"] + 0.5  # a better baseline
    (tmp_path / "better.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    worse = CliRunner().invoke(main, [*args, "--against", str(tmp_path / "better.json")])
    assert worse.exit_code == 1
    assert "退步" in worse.stderr and "analyze.length" in worse.stderr
    assert json.loads(worse.stdout)["regressions"][0]["scorer"] == "analyze.length"
    lenient = CliRunner().invoke(main, [*args, "--against", str(tmp_path / "better.json"), "--tolerance", "0.6"])
    assert lenient.exit_code == 0


def test_eval_usage_errors_are_chinese(bench, tmp_path, fake_eval_model):
    result = CliRunner().invoke(main, ["eval", "--dataset", "nonsense", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "没有名为“nonsense”的评测集" in result.output
    result = CliRunner().invoke(main, ["eval", "--against", str(tmp_path / "missing.json"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "找不到用于比较的评测摘要" in result.output


def test_runner_adds_the_judges_verdicts(bench, tmp_path):
    judge = PairwiseJudge(FakeModel(default=avoids("〔待补")))  # v1's invented year became a slot there
    result = run(bench, tmp_path, FakeModel(default=version_sensitive), families=["analyze"], limit=1, judge=judge)
    assert result.summary["scores"]["v1"]["analyze.judge_win_rate"] == 0.0
    assert result.summary["scores"]["v2"]["analyze.judge_win_rate"] == 1.0
    assert judge.model.history and all("输出A" in call["messages"][-1].content for call in judge.model.history)


def test_the_judge_is_built_only_when_configured(tmp_path):
    from assistant.evals.judge import build_judge

    assert build_judge(tmp_path / "cache.db", Settings(home=tmp_path)) is None
    judge = build_judge(tmp_path / "cache.db", Settings(home=tmp_path, judge_url="http://127.0.0.1:9/v1",
                                                         judge_model="qwen2.5-72b-instruct"))
    assert isinstance(judge, PairwiseJudge) and judge.name == "qwen2.5-72b-instruct"


def test_counts_the_drafting_makes_from_the_sucai_are_not_invented():
    from assistant.evals import scorers as S
    from assistant.evals.tasks import counted_figures
    from assistant.sucai import Sucai

    sucai = Sucai()
    for text in ("调研多是听汇报", "投诉办理慢", "会议多文件多"):
        sucai.add("opinion", text)
    sucai.add("ledger", "上年度查摆的作风不实问题", status="已完成")
    inputs = [*sucai.texts(), *counted_figures(sucai)]
    assert S.invented_facts("征求到的意见建议3条，上年度查摆的1个问题已完成整改1个。", inputs).value == 0.0
    assert S.invented_facts("征求到的意见建议4条。", inputs).value == 1.0


def test_a_figure_ending_one_input_is_found_though_the_next_input_starts_with_a_figure():
    from assistant.evals import scorers as S

    inputs = ["国考断面水质优良比例达到90%", "2024年全市空气优良天数比率为84.7%"]
    assert S.invented_facts("水质优良比例达到90%。", inputs).value == 0.0
