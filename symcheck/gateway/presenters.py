"""JSON and template shapes of stored records (one place decides what leaves the server)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from symcheck.clinical.dispositions import Disposition
from symcheck.gateway.services.cases import QueueEntry
from symcheck.gateway.services.replies import Reply
from symcheck.storage.models import utcnow
from symcheck.storage.repositories import CaseRecord, MessageRecord

REASON_LABELS = {
    "red_flag": "Red flag",
    "patient_request": "Patient asked for a clinician",
    "low_confidence": "Bot not confident",
    "not_understood": "Bot did not understand",
    "emergency_result": "Assessment advised emergency care",
}


DELIVERY_LABELS = {
    "undelivered": "Not delivered: the message could not be sent to the patient",
    "not_sent": "Not sent: the patient has opted out (SMS STOP, or blocked the Telegram bot)",
    "pending": "Sending...",
}
ATTACHMENT_LABELS = {
    "stored": "Photo from the patient",
    "too_large": "Photo not kept: too large",
    "unsupported_type": "Attachment not kept: not a picture",
    "unavailable": "Photo could not be fetched",
}


def message_json(record: MessageRecord, *, clinician: bool = False) -> dict[str, Any]:
    """A stored message. For clinicians also its delivery status and attachments."""
    out: dict[str, Any] = {
        "seq": record.seq,
        "author": record.author,
        "text": record.text,
        "buttons": [b.to_dict() for b in record.buttons],
        "created_at": record.created_at.isoformat(),
    }
    if clinician:
        out["channel"] = record.channel
        out["status"] = record.status
        out["delivery_label"] = (
            DELIVERY_LABELS.get(record.status) if record.direction == "out" else None
        )
        out["attachments"] = [
            {
                "id": str(a.id),
                "status": a.status,
                "content_type": a.content_type,
                "label": ATTACHMENT_LABELS.get(a.status, a.status),
                "url": f"/dashboard/api/attachments/{a.id}" if a.status == "stored" else None,
            }
            for a in record.attachments
        ]
    return out


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [b.to_dict() for b in reply.buttons],
        "seq": reply.seq,
        "author": reply.author,
    }


def urgency_label(case: CaseRecord) -> str:
    try:
        return Disposition(case.disposition).label
    except ValueError:
        return case.disposition


def case_json(
    case: CaseRecord, claimed_by_name: str | None, now: datetime | None = None
) -> dict[str, Any]:
    now = now or utcnow()
    summary = case.summary or {}
    return {
        "id": str(case.id),
        "conversation_id": str(case.conversation_id),
        "status": case.status,
        "urgency": case.urgency,
        "urgency_label": urgency_label(case),
        "disposition": case.disposition,
        "reason": case.reason,
        "reason_label": REASON_LABELS.get(case.reason, case.reason),
        "chief_complaint": summary.get("chief_complaint"),
        "waiting_since": case.waiting_since.isoformat(),
        "waiting_seconds": max(0, int((now - case.waiting_since).total_seconds())),
        "claimed_by": claimed_by_name,
    }


def queue_json(entries: list[QueueEntry]) -> list[dict[str, Any]]:
    now = utcnow()
    return [case_json(e.case, e.claimed_by_name, now) for e in entries]


def queue_version(entries: list[QueueEntry]) -> str:
    """Changes whenever anything shown in the queue (other than waiting time) changes."""
    parts = [
        f"{e.case.id}:{e.case.status}:{e.case.urgency}:{e.case.claimed_by}:"
        f"{(e.case.summary or {}).get('chief_complaint')}"
        for e in entries
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def summary_view(summary: Mapping[str, Any] | None) -> dict[str, Any]:
    """The structured summary for the case page, with readable labels."""
    s = dict(summary or {})
    age = s.get("age_years")
    pregnant = s.get("pregnant")
    disposition = s.get("disposition")
    try:
        disposition_label = Disposition(disposition).label if disposition else None
    except ValueError:
        disposition_label = disposition
    return {
        "age": _age(age),
        "sex": s.get("sex") or "not given",
        "pregnancy": _pregnancy(pregnant),
        "chief_complaint": s.get("chief_complaint") or "not given",
        "findings_present": list(s.get("findings_present") or ()),
        "findings_absent": list(s.get("findings_absent") or ()),
        "findings_unsure": list(s.get("findings_unsure") or ()),
        "red_flags": [dict(r) for r in s.get("red_flags") or ()],
        "disposition": disposition_label or "not assessed yet",
        "top_conditions": [
            {**dict(c), "percent": round(float(c.get("score") or 0) * 100)}
            for c in s.get("top_conditions") or ()
        ],
        "questions_asked": s.get("questions_asked") or 0,
        # Handoffs before a result (not understood, asked for a person) are unassessed.
        "assessed": (s.get("extra") or {}).get("assessed", True) is not False,
    }


def _pregnancy(value: Any) -> str:
    if value is True:
        return "pregnant"
    if value is False:
        return "not pregnant"
    return "not asked / unknown"


def _age(age: Any) -> str:
    if age is None:
        return "not given"
    years = float(age)
    if years < 1:
        return f"{round(years * 12)} months"
    return f"{int(years)} years"
