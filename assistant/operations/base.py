"""What every drafting operation shares: the result object, citations, and one guarded model step.

A model step = a versioned prompt + the model + validation (repair or retry once) + Markdown stripping +
the fact guard, logged to SQLite. When the model fails or keeps producing invalid text, the step falls back
to the text the banks give, so an operation always returns something usable and says what happened.

A step may run under a RunControl (the web UI's request): before each model call, and at each streamed token,
the control may raise Cancelled (the drafter pressed 停止), which is no model failure: no fallback, no log
entry, and the operation ends there. Before a model call the control may also wait for the model's turn.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import Cancelled
from ..factguard import guard
from ..logbook import CallRecord, Logbook
from ..models.base import ChatModel, Message, ModelError, StopReply
from ..prompts import Prompt, PromptLibrary
from ..similarity import SLOT, SentenceCorpus, compare, shared_share

COPIED_EXAMPLE = 0.3  # share of a reply's sentences found in the few-shot answers above which it is a copy
SENTENCE_ENDS = "。；！？"  # a streamed piece holding one of these may close a sentence worth checking
CLAUSE_ENDS = SENTENCE_ENDS + "，、"
REPEATED_CLAUSE = 3  # a clause of REPEAT_MIN_CHARS or more said this often: the model is looping
REPEAT_MIN_CHARS = 8
# the prompts whose stable prefixes a warm start puts in the server's prompt cache, the chat's analysis first
PRIMED_PROMPTS = ("cause_explain", "item_from_sucai", "cause_for_problems", "measure_for_problems")
PRIME_PAUSE_S = 0.5  # between two priming calls: room for a drafter's waiting request to take the model's turn
COPY_MIN_CHARS = 12  # sentences this long or longer count (the headline of a copied item is short)

MARKDOWN = [
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"\*\*|__|`"), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"^\s*>\s?", re.M), ""),
]


def strip_markdown(text: str) -> str:
    for pattern, replacement in MARKDOWN:
        text = pattern.sub(replacement, text)
    return text.strip()


RETRY_NOTE = "上面的输出不符合要求："  # starts the message that sends a reply back to the model


@dataclass
class Citation:
    n: int
    id: str
    source: str
    title: str = ""

    def to_dict(self) -> dict:
        return {"n": self.n, "id": self.id, "source": self.source, "title": self.title}


@dataclass
class StepLog:
    prompt: str  # name@vN, or "template" when no model was used
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    outcome: str = "ok"
    note: str = ""


@dataclass
class OperationResult:
    operation: str
    text: str  # clean text for the material, no citation marks
    citations: list[Citation] = field(default_factory=list)
    marked_text: str = ""  # the same text with [n] after what each passage supported
    steps: list[StepLog] = field(default_factory=list)
    data: dict = field(default_factory=dict)  # operation-specific structure (links, dimensions, sections)
    warnings: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def prompts(self) -> list[str]:
        return sorted({step.prompt for step in self.steps})

    @property
    def model(self) -> str:
        models = sorted({step.model for step in self.steps if step.model != "template"})
        return "、".join(models) or "template"

    @property
    def usage(self) -> dict:
        return {"input_tokens": sum(s.input_tokens for s in self.steps),
                "output_tokens": sum(s.output_tokens for s in self.steps)}

    def sources_text(self) -> str:
        return "\n".join(f"[{c.n}] {c.title or c.id}（{c.source}）" for c in self.citations)

    def to_dict(self) -> dict:
        return {"operation": self.operation, "text": self.text, "marked_text": self.marked_text or self.text,
                "citations": [c.to_dict() for c in self.citations], "prompts": self.prompts, "model": self.model,
                "usage": self.usage, "elapsed_ms": round(self.elapsed_ms, 1), "warnings": self.warnings,
                "data": self.data}


class CitationBook:
    """Numbers passages in the order an operation first cites them."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, passage_id: str, source: str, title: str = "") -> int:
        for citation in self.citations:
            if citation.id == passage_id:
                return citation.n
        citation = Citation(len(self.citations) + 1, passage_id, source, title)
        self.citations.append(citation)
        return citation.n


class RunControl(Protocol):
    def check(self) -> None:
        """Raise Cancelled once the request was stopped."""

    def before_model(self) -> None:
        """Called before every model call: check, and wait (stoppably) for the model's turn if it has one."""


class StopSwitch:
    """The plainest RunControl: a switch that stops the operation at its next model call or token."""

    def __init__(self, event: threading.Event | None = None) -> None:
        self.event = event or threading.Event()

    def stop(self) -> None:
        self.event.set()

    def check(self) -> None:
        if self.event.is_set():
            raise Cancelled()

    def before_model(self) -> None:
        self.check()


@dataclass
class StepOutcome:
    text: str
    log: StepLog
    replaced: list[str]


class ModelStep:
    """Runs prompts on the model with validation, one retry, the fact guard and the call log."""

    def __init__(self, *, model: ChatModel, prompts: PromptLibrary, logbook: Logbook,
                 prompt_versions: dict[str, str] | None = None, seed: int | None = 7) -> None:
        self.model = model
        self.prompts = prompts
        self.logbook = logbook
        self.prompt_versions = prompt_versions or {}  # name → "name@vN" chosen by evals
        self.seed = seed
        self._examples: dict[str, SentenceCorpus] = {}  # prompt ref → its few-shot answers, sentence by sentence
        self.control: RunControl | None = None

    def controlled(self, control: RunControl) -> "ModelStep":
        """The same step for one request: every model call and every streamed token first asks `control`."""
        step = copy.copy(self)
        step.control = control
        return step

    def prompt(self, name: str) -> Prompt:
        return self.prompts.get(self.prompt_versions.get(name, name))

    def run(self, operation: str, name: str, values: dict, *, sources: list[str], fallback: str,
            validate: Callable[[str], str | None] = lambda text: None,
            repair: Callable[[str], str] = lambda text: text,
            on_token: Callable[[str], None] | None = None,
            complete: Callable[[str], bool] | None = None) -> StepOutcome:
        """`repair` fixes what code can fix (a wrong ordinal, say); `validate` then returns None when the
        text is acceptable, else a Chinese note used to ask the model once more. `complete` says of the text
        streamed so far (at each sentence end) that the reply is whole: the model is stopped there, since
        what it would write next is cut by `repair` anyway."""
        prompt = self.prompt(name)
        messages = prompt.messages(**values)
        note = ""
        control = self.control
        if control is not None:  # every token asks: a stop ends the completion under way, not only the next one
            shown = on_token

            def on_token(piece: str) -> None:
                control.check()
                if shown:
                    shown(piece)

        for attempt in range(2):
            if control is not None:
                control.before_model()  # raises Cancelled, which no except below catches
            start = time.perf_counter()
            try:
                reply = self.model.complete(messages, max_tokens=prompt.max_tokens, temperature=prompt.temperature,
                                            seed=self.seed, on_token=self._stop_early(prompt, on_token, complete))
            except ModelError as exc:
                self._log(operation, prompt, "error", 0, 0, (time.perf_counter() - start) * 1000, exc.message)
                log = StepLog(prompt.ref, self.model.name, outcome="error", note=exc.message)
                return StepOutcome(fallback, log, [])
            text = repair(cut_loop(strip_markdown(reply.text)))
            problem = self.copies_example(prompt, text) or repeats_itself(text) or validate(text)  # why a stop came first
            outcome = "ok" if problem is None else "invalid"
            self._log(operation, prompt, outcome if attempt == 0 or outcome == "invalid" else "repaired",
                      reply.input_tokens, reply.output_tokens, reply.latency_ms, problem or "", reply.first_token_ms)
            if problem is None:
                guarded = guard(text, sources)
                log = StepLog(prompt.ref, reply.model, reply.input_tokens, reply.output_tokens, reply.latency_ms,
                              reply.first_token_ms, "ok" if attempt == 0 else "repaired")
                return StepOutcome(guarded.text, log, guarded.replaced)
            note = problem
            messages = [*messages, Message("assistant", reply.text),
                        Message("user", f"{RETRY_NOTE}{problem}。请重新输出，只输出正文。")]
        log = StepLog(prompt.ref, self.model.name, outcome="fallback", note=note)
        return StepOutcome(fallback, log, [])

    def prime(self, names: tuple[str, ...], turn=None, pause: float = PRIME_PAUSE_S) -> list[str]:
        """Ask the model for one token on each named prompt (the version in use), built from its own first
        example, so that the server's prompt cache holds every prompt's stable prefix (system text and
        few-shot examples) before a drafter's first request needs it. A prompt goes in steps, one user turn more
        each call (the server computes only what the previous call did not), so that no call holds the model for
        long. With `turn` (the embedded server's lock) priming gives way: each call takes the turn only if it is
        free, and priming ends at the first call that finds a drafter's request holding it (a request waits at
        most for the one short call under way; from then on the drafter's own requests fill the cache).
        Returns the prompt refs primed whole."""
        primed = []
        for name in names:
            prompt = self.prompt(name)
            if not prompt.examples:
                continue
            messages = prompt.messages(**prompt.examples[0]["input"])
            for end in [i + 1 for i, message in enumerate(messages) if message.role == "user"]:
                if turn is not None and not turn.acquire(blocking=False):
                    return primed
                try:
                    self.model.complete(messages[:end], max_tokens=1, temperature=0.0)
                finally:
                    if turn is not None:
                        turn.release()
                time.sleep(pause)
            primed.append(prompt.ref)
        return primed

    def example_answers(self, prompt: Prompt) -> SentenceCorpus:
        if prompt.ref not in self._examples:
            corpus = SentenceCorpus()
            for example in prompt.examples:
                corpus.add(str(example["output"]), "示例")
            self._examples[prompt.ref] = corpus
        return self._examples[prompt.ref]

    def _stop_early(self, prompt: Prompt, on_token, complete: Callable[[str], bool] | None = None):
        """The reply streams through a watch that ends it at the first whole sentence copied from a few-shot
        answer, or at a clause said for the third time (a small model caught in a loop): the rest is never
        generated, and the reply goes back to the model with the note sooner. It also ends a reply the step
        calls complete."""
        corpus = self.example_answers(prompt)
        shown = on_token
        streamed: list[str] = []

        def watched(piece: str) -> None:
            if shown:
                shown(piece)
            streamed.append(piece)
            if any(mark in piece for mark in CLAUSE_ENDS):
                so_far = "".join(streamed)
                ends_sentence = any(mark in piece for mark in SENTENCE_ENDS)
                if repeats_itself(so_far) or (ends_sentence and len(corpus) and compare(so_far, [corpus])[0]) \
                        or (ends_sentence and complete is not None and complete(so_far)):
                    raise StopReply()

        return watched

    def copies_example(self, prompt: Prompt, text: str) -> str | None:
        """Small models copy a few-shot answer whole, with its figures and its unit: such a reply is sent back."""
        corpus = self.example_answers(prompt)
        if not len(corpus):
            return None
        whole_sentence = compare(text, [corpus])[0]  # one long sentence of an example, copied, is enough
        if whole_sentence or shared_share(text, corpus, min_chars=COPY_MIN_CHARS) > COPIED_EXAMPLE:
            return "照抄了示例，请根据这一次给出的内容重写"
        return None

    def _log(self, operation, prompt, outcome, input_tokens, output_tokens, latency_ms, error="", first=None):
        self.logbook.record(CallRecord(operation, prompt.name, str(prompt.version), prompt.source_hash, self.model.name,
                                       input_tokens, output_tokens, latency_ms, outcome, error, first))


def _loop(text: str) -> tuple[str, list[int], str] | None:
    """The first clause of REPEAT_MIN_CHARS Chinese characters or more that the text says REPEATED_CLAUSE times
    (a loop), with where each of those times starts, and the text with its slots masked; None when there is
    none. Slots repeat by design (责任人：〔待补：责任人〕 after every measure): masked, positions stay those of
    `text`."""
    masked = SLOT.sub(lambda slot: "\0" * len(slot.group()), text)
    seen: dict[str, list[int]] = {}
    for clause in re.finditer(f"[^{CLAUSE_ENDS}]+", masked):
        key = re.sub(r"[^\u4e00-\u9fff]", "", clause.group())
        if len(key) < REPEAT_MIN_CHARS:
            continue
        seen.setdefault(key, []).append(clause.start())
        if len(seen[key]) >= REPEATED_CLAUSE:
            return SLOT.sub("", text[clause.start():clause.end()]).strip(), seen[key], masked
    return None


def cut_loop(text: str) -> str:
    """A reply caught in a loop (a clause said REPEATED_CLAUSE times) ends before the loop's third round: at the
    start of the sentence that says the clause the third time, or, where the loop turns inside one sentence, at
    the clause that says it the second time; the kept text ends with 。. Text without a loop is returned as is."""
    loop = _loop(text)
    if loop is None:
        return text
    _, starts, masked = loop
    _, second, third = starts[-3:]
    sentence = max((masked.rfind(mark, 0, third) for mark in SENTENCE_ENDS), default=-1) + 1
    kept = text[:sentence if sentence > second else second].rstrip().rstrip("，、；：,;:")
    return kept if not kept or kept[-1] in "。！？" else kept + "。"


def repeats_itself(text: str) -> str | None:
    """A note when one clause of the text comes back REPEATED_CLAUSE times or more (a loop), else None."""
    loop = _loop(text)
    return None if loop is None else f"“{loop[0]}”重复了多次，请每句只写一次"
