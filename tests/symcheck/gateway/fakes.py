"""A scripted stand-in for Rasa's REST channel, for gateway unit tests and the browser tests'
local fake Rasa server. It answers like the real bot does: visible messages plus one bridge
update (``custom``) per turn, built with the real :mod:`symcheck.bridge` encoder.

Script (by message):

- ``/restart``: no messages.
- ``/report_emergency``: emergency advice + handoff and red_flag signals (rules from metadata).
- ``/request_human`` or text mentioning "clinician": handoff (patient request).
- ``/affirm``, ``/deny``: next question with Yes/No buttons.
- anything else: "Do you have a fever?" with Yes / No / Talk to a clinician buttons.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from symcheck.bridge import BridgeUpdate, encode
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.protocol import HandoffReason, Signal, SignalType
from symcheck.clinical.interview.summary import CaseSummary, ConditionLine, RuleLine
from symcheck.clinical.nlu.extractor import FindingExtractor
from symcheck.clinical.patient import PatientFacts

TOKEN = "test-rasa-token-0123456789abcdef"
FEVER_QUESTION = "Do you have a fever?"
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
ASK_CLINICIAN = {"title": "Talk to a clinician", "payload": "/request_human"}
HANDOFF_TEXT = "I am passing you to a clinician. They will reply here."
EMERGENCY_TEXT = "This could be serious. Call 112 now."


@dataclass
class FakeRasa:
    """Holds per-sender facts like the action server does; ``mode`` simulates failures."""

    extractor: FindingExtractor | None = None
    token: str = TOKEN
    mode: str = "ok"  # ok | down | timeout | error500 | not_json | not_list | empty | bad_bridge
    requests: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, PatientFacts] = field(default_factory=dict)
    complaints: dict[str, str] = field(default_factory=dict)
    #: Called with each request body before answering (to look at the database mid-turn).
    on_request: Callable[[dict[str, Any]], None] | None = None

    # -- the script ------------------------------------------------------------------

    def respond(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        sender, message = str(body["sender"]), str(body["message"])
        metadata = body.get("metadata") or {}
        if message == "/restart":
            self.facts.pop(sender, None)
            self.complaints.pop(sender, None)
            return []
        if message == "/report_emergency":
            safety = metadata.get("safety") or {}
            rule_ids = tuple(safety.get("rule_ids") or ())
            self._learn(sender, str(safety.get("text") or ""))
            signals = (
                Signal(
                    SignalType.RED_FLAG,
                    Disposition.EMERGENCY_AMBULANCE,
                    HandoffReason.RED_FLAG,
                    rule_ids,
                ),
                Signal(
                    SignalType.HANDOFF,
                    Disposition.EMERGENCY_AMBULANCE,
                    HandoffReason.RED_FLAG,
                    rule_ids,
                ),
            )
            return [
                self._text(sender, EMERGENCY_TEXT),
                self._bridge(sender, signals, rule_ids, Disposition.EMERGENCY_AMBULANCE),
            ]
        if message == "/request_human" or "clinician" in message.lower():
            if not message.startswith("/"):
                self._learn(sender, message)
            signal = Signal(SignalType.HANDOFF, None, HandoffReason.PATIENT_REQUEST)
            return [self._text(sender, HANDOFF_TEXT), self._bridge(sender, (signal,))]
        if message in ("/affirm", "/deny"):
            return [
                self._text(sender, "Thanks. Is it worse when you breathe in?", YES_NO),
                self._bridge(sender, ()),
            ]
        self._learn(sender, message)
        return [
            self._text(sender, FEVER_QUESTION, [*YES_NO, ASK_CLINICIAN]),
            self._bridge(sender, ()),
        ]

    def _learn(self, sender: str, text: str) -> None:
        self.complaints.setdefault(sender, text[:80])
        if self.extractor is not None and text:
            extraction = self.extractor.extract(text)
            current = self.facts.get(sender, PatientFacts())
            self.facts[sender] = current.with_observations(extraction.observations)

    @staticmethod
    def _text(
        sender: str, text: str, buttons: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"recipient_id": sender, "text": text}
        if buttons:
            message["buttons"] = buttons
        return message

    def _bridge(
        self,
        sender: str,
        signals: tuple[Signal, ...],
        rule_ids: tuple[str, ...] = (),
        disposition: Disposition | None = Disposition.CONSULTATION,
    ) -> dict[str, Any]:
        facts = self.facts.get(sender, PatientFacts())
        summary = CaseSummary(
            age_years=54,
            sex="male",
            pregnant=None,
            chief_complaint=self.complaints.get(sender),
            findings_present=tuple(facts.present_ids),
            findings_absent=("Fever",),
            red_flags=tuple(
                RuleLine(r, "Chest pain that could be a heart attack", "emergency_ambulance")
                for r in rule_ids
            ),
            disposition=disposition.value if disposition else None,
            top_conditions=(
                ConditionLine("angina", "Angina", "I20.9", 0.42, ("Chest pain",)),
                ConditionLine("gord", "Reflux", "K21.9", 0.21),
            ),
            questions_asked=3,
            phase="questions",
        )
        update = BridgeUpdate(
            summary=summary, facts=facts, fired_rule_ids=rule_ids, signals=signals
        )
        return {"recipient_id": sender, "custom": encode(update)}

    # -- HTTP ----------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        """An ``httpx.MockTransport`` handler speaking the REST channel."""
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "unauthorised"})
        if request.url.path != "/webhooks/gateway/webhook":
            return httpx.Response(404)
        body = json.loads(request.content)
        self.requests.append(body)
        if self.on_request is not None:
            self.on_request(body)
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if self.mode == "error500":
            return httpx.Response(500, text="Internal Server Error")
        if self.mode == "not_json":
            return httpx.Response(200, text="<html>oops</html>")
        if self.mode == "not_list":
            return httpx.Response(200, json={"messages": []})
        if self.mode == "empty":
            return httpx.Response(200, json=[])
        if self.mode == "bad_bridge":
            return httpx.Response(
                200,
                json=[
                    {
                        "recipient_id": "x",
                        "custom": {"symcheck_bridge": {"v": 1, "signals": [{"type": "nope"}]}},
                    }
                ],
            )
        return httpx.Response(200, json=self.respond(body))

    def messages_sent(self) -> list[str]:
        return [r["message"] for r in self.requests]
