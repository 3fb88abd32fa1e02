"""The dashboard's JSON API for cases (signed-in clinicians; writes need the CSRF header).

- ``GET  /dashboard/api/queue?since=<version>&wait=<s>``: open cases, most urgent first,
  then longest waiting; long-polls until the queue differs from ``since``.
- ``GET  /dashboard/api/cases/{id}``: case and summary (audited ``view_case``).
- ``GET  /dashboard/api/cases/{id}/messages?after=<seq>&wait=<s>``: transcript (audited
  ``view_transcript`` on every call), with each message's delivery status and attachments,
  and the replies not delivered (yet).
- ``POST /dashboard/api/cases/{id}/claim | /reply {"text"} | /resolve``.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from symcheck.gateway.deps import (
    DASHBOARD_PATH,
    ApiLogin,
    ClientIP,
    CsrfApiLogin,
    GatewayDep,
    actor,
)
from symcheck.gateway.errors import ApiError, Conflict, NotFound
from symcheck.gateway.events import QUEUE_TOPIC, conversation_topic
from symcheck.gateway.longpoll import long_poll
from symcheck.gateway.presenters import (
    DELIVERY_LABELS,
    case_json,
    message_json,
    queue_json,
    queue_version,
)
from symcheck.gateway.services.cases import CaseNotFound, InvalidReply, QueueEntry
from symcheck.storage.repositories import ConflictError, MessageRecord

router = APIRouter(prefix=f"{DASHBOARD_PATH}/api", tags=["dashboard"])


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    text: str = Field(max_length=20000)


@router.get("/queue")
async def get_queue(
    gateway: GatewayDep,
    login: ApiLogin,
    since: Annotated[str, Query(max_length=64)] = "",
    wait: Annotated[float, Query(ge=0, le=60)] = 0,
) -> dict[str, Any]:
    entries: list[QueueEntry] = await long_poll(
        gateway.notifier,
        QUEUE_TOPIC,
        gateway.cases.queue,
        lambda found: queue_version(found) != since,
        wait_seconds=min(wait, gateway.options.long_poll_max_seconds),
        recheck_seconds=gateway.options.long_poll_recheck_seconds,
    )
    return {"version": queue_version(entries), "cases": queue_json(entries)}


@router.get("/cases/{case_id}")
async def get_case(
    case_id: uuid.UUID, gateway: GatewayDep, login: ApiLogin, ip: ClientIP
) -> dict[str, Any]:
    try:
        detail = await gateway.cases.detail(case_id, actor(login, ip))
    except CaseNotFound:
        raise NotFound("no such case") from None
    return {
        "case": case_json(detail.case, detail.claimed_by_name),
        "summary": detail.case.summary,
    }


@router.get("/cases/{case_id}/messages")
async def get_transcript(
    case_id: uuid.UUID,
    gateway: GatewayDep,
    login: ApiLogin,
    ip: ClientIP,
    after: Annotated[int, Query(ge=0)] = 0,
    wait: Annotated[float, Query(ge=0, le=60)] = 0,
) -> dict[str, Any]:
    who = actor(login, ip)
    try:
        messages = await gateway.cases.transcript(case_id, who, after)  # audited once per call
        conversation_id = await gateway.cases.conversation_of(case_id)
    except CaseNotFound:
        raise NotFound("no such case") from None
    if not messages and wait > 0:

        async def fetch() -> list[MessageRecord]:
            return await gateway.cases.transcript(case_id, who, after, audit=False)

        messages = await long_poll(
            gateway.notifier,
            conversation_topic(conversation_id),
            fetch,
            bool,
            wait_seconds=min(wait, gateway.options.long_poll_max_seconds),
            recheck_seconds=gateway.options.long_poll_recheck_seconds,
        )
    case = await gateway.cases.get(case_id)
    return {
        "case": {"id": str(case.id), "status": case.status},
        "messages": [message_json(m, clinician=True) for m in messages],
        # Replies not delivered (yet): their labels change after they were first shown.
        "delivery": [
            {"seq": seq, "status": status, "label": DELIVERY_LABELS.get(status)}
            for seq, status in await gateway.cases.undelivered(case_id)
        ],
    }


@router.post("/cases/{case_id}/claim")
async def claim(
    case_id: uuid.UUID, gateway: GatewayDep, login: CsrfApiLogin, ip: ClientIP
) -> dict[str, Any]:
    try:
        case = await gateway.cases.claim(case_id, actor(login, ip))
    except CaseNotFound:
        raise NotFound("no such case") from None
    except ConflictError as exc:
        raise Conflict(str(exc)) from None
    return {"case": case_json(case, login.clinician.display_name)}


@router.post("/cases/{case_id}/reply")
async def reply(
    case_id: uuid.UUID, body: ReplyIn, gateway: GatewayDep, login: CsrfApiLogin, ip: ClientIP
) -> dict[str, Any]:
    try:
        message = await gateway.cases.reply(case_id, actor(login, ip), body.text)
    except CaseNotFound:
        raise NotFound("no such case") from None
    except InvalidReply as exc:
        raise ApiError(str(exc), code="invalid_reply", status=422) from None
    except ConflictError as exc:
        raise Conflict(str(exc)) from None
    return {"message": message_json(message, clinician=True)}


@router.post("/cases/{case_id}/resolve")
async def resolve(
    case_id: uuid.UUID, gateway: GatewayDep, login: CsrfApiLogin, ip: ClientIP
) -> dict[str, Any]:
    try:
        case = await gateway.cases.resolve(case_id, actor(login, ip))
    except CaseNotFound:
        raise NotFound("no such case") from None
    except ConflictError as exc:
        raise Conflict(str(exc)) from None
    return {"case": case_json(case, None)}
