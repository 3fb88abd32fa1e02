"""An engine over the small fixture knowledge base and a chat driver for whole interviews."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from symcheck.clinical.interview.engine import EngineConfig, InterviewEngine, StepResult
from symcheck.clinical.interview.protocol import Act, Reply, Signal, SignalType, Turn
from symcheck.clinical.interview.state import InterviewState
from tests.fixtures.kb_small import small_kb, small_rules

CLINIC = "Test Clinic"
NUMBER = "999"


@pytest.fixture(scope="session")
def engine() -> InterviewEngine:
    return InterviewEngine(
        small_kb(),
        small_rules(),
        config=EngineConfig(clinic_name=CLINIC, emergency_number=NUMBER, max_questions=15),
    )


@dataclass
class Chat:
    """Drives an interview turn by turn; checks the state survives JSON at every step."""

    engine: InterviewEngine
    state: InterviewState = field(default_factory=InterviewState)
    last: StepResult | None = None

    def send(self, act: Act, text: str = "", **kwargs: object) -> StepResult:
        turn = Turn(act=act, text=text, **kwargs)  # type: ignore[arg-type]
        result = self.engine.step(self.state, turn)
        stored = json.loads(json.dumps(result.state.to_dict()))
        assert InterviewState.from_dict(stored) == result.state
        assert result.replies, "every turn gets a reply"
        self.state = result.state
        self.last = result
        return result

    def describe(self, text: str) -> StepResult:
        return self.send(Act.DESCRIBE, text)

    def yes(self) -> StepResult:
        return self.send(Act.AFFIRM, "/affirm")

    def no(self) -> StepResult:
        return self.send(Act.DENY, "/deny")

    def dont_know(self) -> StepResult:
        return self.send(Act.DONT_KNOW, "/dont_know")

    def answer_until_done(
        self, answers: dict[str, bool | None], default: bool | None = False
    ) -> StepResult:
        """Answer questions from ``answers`` (else ``default``) until the result or a handoff."""
        assert self.last is not None
        for _ in range(40):
            if self.state.phase.value in ("result", "handoff", "closed"):
                return self.last
            current = self.state.current
            value = answers.get(current, default) if current else default
            {True: self.yes, False: self.no, None: self.dont_know}[value]()
        raise AssertionError("interview did not finish")


def texts(result: StepResult) -> str:
    return "\n".join(r.text for r in result.replies)


def last_reply(result: StepResult) -> Reply:
    return result.replies[-1]


def signals(result: StepResult, kind: SignalType) -> list[Signal]:
    return [s for s in result.signals if s.type is kind]


@pytest.fixture
def chat(engine: InterviewEngine) -> Chat:
    return Chat(engine)
