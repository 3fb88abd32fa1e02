from __future__ import annotations

import uuid

from sqlalchemy import inspect

from symcheck.storage.repositories import AuditAction, AuditRepository, Store


def test_events_are_appended_and_filtered(store: Store) -> None:
    case_id, conv_id = uuid.uuid4(), uuid.uuid4()
    with store.unit_of_work() as uow:
        doc = uow.clinicians.create("doc@clinic.test", "Dr Doc", "correct horse battery").id
        uow.audit.record(AuditAction.LOGIN, clinician_id=doc, client_ip="10.0.0.1")
        uow.audit.record(
            AuditAction.VIEW_TRANSCRIPT, clinician_id=doc, case_id=case_id, conversation_id=conv_id
        )
    with store.unit_of_work() as uow:
        everything = uow.audit.list()
        views = uow.audit.list(action=AuditAction.VIEW_TRANSCRIPT, case_id=case_id)
    assert [e.action for e in everything] == ["login", "view_transcript"]
    assert len(views) == 1
    assert views[0].conversation_id == conv_id
    assert views[0].clinician_id == doc


def test_audit_has_no_place_for_text_and_no_way_to_change_history(store: Store) -> None:
    with store.unit_of_work() as uow:
        columns = {c["name"] for c in inspect(uow.session.get_bind()).get_columns("audit_events")}
    assert columns == {
        "id",
        "at",
        "clinician_id",
        "action",
        "case_id",
        "conversation_id",
        "client_ip",
    }
    public = {name for name in dir(AuditRepository) if not name.startswith("_")}
    assert public == {"record", "list"}
