"""停止 stops: a counting stub model shows that no model call follows the stop, nothing is logged as an error,
and the draft is untouched; a request that calls no model does not wait for the model's turn."""

import threading
import time

import pytest

from assistant.errors import Cancelled
from assistant.models.base import Message
from assistant.models.fake import FakeModel
from assistant.models.openai_compat import OpenAICompatModel
from assistant.operations.base import StopSwitch
from tests.openai_stub import StubOpenAI
from tests.test_operations import FACTS, knowledge, make_ops, notice_2024, scripted_writer  # noqa: F401
from tests.test_ui_app import OPINIONS, LocalModel, bench, make_services, new_state  # noqa: F401


class CountingModel(FakeModel):
    """Writes as a faithful model would, counts its calls, and runs `during(n)` as call n streams."""

    def __init__(self, during=lambda n: None):
        super().__init__(default=self.write)
        self.during = during
        self.calls = 0

    def write(self, messages):
        self.calls += 1
        self.during(self.calls)
        return scripted_writer(messages)


def draft_all(ops, notice):
    return ops.draft_all(notice, org="江川市市场监督管理局", kind="banzi", facts=FACTS)


def test_a_stop_ends_draft_all_with_no_further_model_call_and_no_error_logged(make_ops, notice_2024):  # noqa: F811
    unstopped, _ = make_ops(CountingModel())
    draft_all(unstopped.stoppable(StopSwitch()), notice_2024)
    whole = unstopped.step.model.calls
    assert whole > 4  # drafting the whole material takes many model calls

    switch = StopSwitch()
    model = CountingModel(during=lambda n: n == 2 and switch.stop())  # 停止 pressed while the 2nd reply streams
    ops, logbook = make_ops(model)
    logged_before = len(logbook.recent(1000))  # the unstopped run's calls, in the same log
    with pytest.raises(Cancelled):
        draft_all(ops.stoppable(switch), notice_2024)
    assert model.calls == 2
    outcomes = [row["outcome"] for row in logbook.recent(1000)[: len(logbook.recent(1000)) - logged_before]]
    assert len(outcomes) == 1 and not {"error", "fallback"} & set(outcomes)  # the 1st call only; the stop is no error


def test_without_a_stop_the_controlled_operations_write_as_before(make_ops, notice_2024):  # noqa: F811
    ops, _ = make_ops(CountingModel())
    plain, _ = make_ops(CountingModel())
    assert draft_all(ops.stoppable(StopSwitch()), notice_2024).text == draft_all(plain, notice_2024).text


def test_a_stop_inside_a_streamed_reply_is_not_turned_into_a_model_error():
    with StubOpenAI() as stub:
        stub.script.append({"text": "一是理论学习不够深入，二是调查研究不够扎实。"})
        model = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=0)

        def stop_at_first_token(piece):
            raise Cancelled()

        with pytest.raises(Cancelled):
            model.complete([Message("user", "你好")], on_token=stop_at_first_token)


def test_stop_in_the_chat_leaves_the_draft_and_calls_no_model_after_it(bench, tmp_path):  # noqa: F811
    holder = {}
    model = CountingModel(during=lambda n: n == 2 and holder["services"].chat.stop(holder["state"]))
    services = holder["services"] = make_services(bench, tmp_path, model)
    state = holder["state"] = new_state(services)
    services.sucai.add_text(state["owner"], state["session"], OPINIONS[0][0])
    services.store.commit(state["owner"], state["session"], {"area-1": "（一）在理论学习方面\n一是我写好的问题。"}, "手写")
    before = services.store.get(state["owner"], state["session"]).sections
    history = list(services.chat.chat("起草全文", [], state))[-1][0]
    assert history[-1]["content"] == "已停止，材料没有改动。"
    assert model.calls == 2
    session = services.store.get(state["owner"], state["session"])
    assert session.sections == before and "proposal" not in session.meta
    saved = services.store.messages(state["owner"], state["session"])
    assert saved[-1]["content"] == "已停止，材料没有改动。" and not any("出错" in m["content"] for m in saved)


def test_a_request_that_calls_no_model_does_not_wait_for_the_models_turn(bench, tmp_path):  # noqa: F811
    model = LocalModel()
    services = make_services(bench, tmp_path, model)
    state = new_state(services)
    answered = []
    model.server.turn.acquire()  # another browser's long generation holds the model
    try:
        worker = threading.Thread(target=lambda: answered.append(list(services.chat.chat("把原因和措施对应起来", [], state))))
        worker.start()
        worker.join(timeout=20)
        assert answered, "a request with nothing to send to the model waited for the model's turn"
        assert "请先写好" in answered[0][-1][0][-1]["content"]
    finally:
        model.server.turn.release()
        worker.join()


def test_a_stop_while_waiting_for_the_models_turn_ends_the_wait(bench, tmp_path):  # noqa: F811
    model = LocalModel()
    services = make_services(bench, tmp_path, model)
    state = new_state(services)
    services.sucai.add_text(state["owner"], state["session"], OPINIONS[0][0])
    services.sucai.move(state["owner"], state["session"], "s01", 1)
    model.server.turn.acquire()  # another browser's long generation holds the model
    frames = []
    consumer = threading.Thread(target=lambda: frames.extend(f for f, _ in services.chat.chat("写第一个方面", [], state)))
    try:
        consumer.start()
        deadline = time.monotonic() + 60
        while not any("排队" in m["content"] for f in frames[-1:] for m in f) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any("排队" in m["content"] for f in frames[-1:] for m in f)
        services.chat.stop(state)
        consumer.join(timeout=10)
        assert not consumer.is_alive(), "the stop did not end the wait for the model's turn"
    finally:
        model.server.turn.release()
        consumer.join()
    assert frames[-1][-1]["content"] == "已停止，材料没有改动。" and model.history == []
