"""A patient talking to the gateway's JSON API, for integration tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

RESULT_MARKER = "What might be causing it"
OFFER_MARKER = "to look at your answers?"


@dataclass
class WebPatient:
    """Sends messages as one patient and remembers the conversation and what the bot said."""

    client: httpx.Client
    conversation_id: str | None = None
    transcript: list[dict[str, Any]] = field(default_factory=list)

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.client.post(
            "/api/web/messages", json={"conversation_id": self.conversation_id, "text": text}
        )
        response.raise_for_status()
        body = response.json()
        self.conversation_id = body["conversation_id"]
        self.transcript.extend(body["messages"])
        return list(body["messages"])

    def history(self, after: int = 0) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/web/conversations/{self.conversation_id}/messages", params={"after": after}
        )
        response.raise_for_status()
        return list(response.json()["messages"])


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def is_result(messages: list[dict[str, Any]]) -> bool:
    return RESULT_MARKER in texts(messages) or "couldn't match your symptoms" in texts(messages)


def answer(messages: list[dict[str, Any]], facts: dict[str, bool], age: str, sex: str) -> str:
    """What a simulated patient replies: age, sex and pregnancy from the arguments; a finding
    question is answered yes/no when its question text mentions a key of ``facts``, else no."""
    said = texts(messages).lower()
    options = payloads(messages)
    if "how old" in said:
        return age
    if "sex" in said and any(p.startswith("/inform_sex") for p in options):
        return next(p for p in options if sex in p)
    if "pregnant" in said:
        return "/deny"
    for key, present in facts.items():
        if key in said:
            return "/affirm" if present else "/deny"
    if "/deny" in options:
        return "/deny"
    return "no"


def interview(
    patient: WebPatient,
    opening: str,
    *,
    facts: dict[str, bool] | None = None,
    age: str = "34",
    sex: str = "female",
    max_turns: int = 40,
) -> list[dict[str, Any]]:
    """Hold a whole interview until the result; returns the result messages."""
    messages = patient.say(opening)
    for _ in range(max_turns):
        if is_result(messages):
            return messages
        messages = patient.say(answer(messages, facts or {}, age, sex))
    raise AssertionError(f"no result after {max_turns} turns:\n{texts(patient.transcript)}")
