from symcheck import bridge
from symcheck.clinical.dispositions import Disposition
from symcheck.clinical.interview.protocol import HandoffReason, Signal, SignalType
from symcheck.clinical.interview.summary import CaseSummary, ConditionLine, RuleLine
from symcheck.clinical.patient import Observation, PatientFacts, Sex


def _update() -> bridge.BridgeUpdate:
    return bridge.BridgeUpdate(
        summary=CaseSummary(
            age_years=58,
            sex="male",
            chief_complaint="Chest pain",
            red_flags=(RuleLine("RF-CARD-001", "Possible heart attack", "emergency_ambulance"),),
            top_conditions=(
                ConditionLine("acs", "Acute coronary syndrome", "I24.9", 0.7, ("Sweating",)),
            ),
        ),
        facts=PatientFacts(
            age_years=58, sex=Sex.MALE, findings={"chest_pain": Observation(present=True)}
        ),
        fired_rule_ids=("RF-CARD-001",),
        signals=(
            Signal(
                SignalType.HANDOFF,
                disposition=Disposition.EMERGENCY_AMBULANCE,
                reason=HandoffReason.RED_FLAG,
            ),
        ),
    )


def test_encode_decode_round_trip() -> None:
    update = _update()
    assert bridge.decode(bridge.encode(update)) == update


def test_decode_ignores_other_payloads() -> None:
    assert bridge.decode({"something": 1}) is None
    assert bridge.decode("text") is None
    assert bridge.decode({bridge.BRIDGE_KEY: {"v": 999}}) is None


def test_split_messages_keeps_patient_messages_and_drops_bridge() -> None:
    messages = [
        {"recipient_id": "c1", "text": "Call 112 now."},
        {"recipient_id": "c1", "custom": bridge.encode(_update())},
        {"recipient_id": "c1", "text": "Yes?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
        {"recipient_id": "c1", "custom": {"unknown": True}},
    ]
    visible, updates = bridge.split_messages(messages)
    assert [m["text"] for m in visible] == ["Call 112 now.", "Yes?"]
    assert len(updates) == 1
    assert updates[0].fired_rule_ids == ("RF-CARD-001",)
