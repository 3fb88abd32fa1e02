"""Dashboard pages: the queue (``/dashboard``) and a case (``/dashboard/cases/{id}``).

Server-rendered (Jinja autoescapes every value); ``/static/dashboard.js`` keeps them live.
Opening a case writes ``view_case`` and ``view_transcript`` to the audit log.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from symcheck.gateway.deps import DASHBOARD_PATH, ClientIP, GatewayDep, PageLogin, actor
from symcheck.gateway.errors import NotFound
from symcheck.gateway.presenters import (
    REASON_LABELS,
    message_json,
    queue_json,
    summary_view,
    urgency_label,
)
from symcheck.gateway.services.cases import CaseNotFound

router = APIRouter(prefix=DASHBOARD_PATH, tags=["dashboard"])

CHANNEL_LABELS = {"web": "Web chat", "sms": "SMS", "telegram": "Telegram"}


@router.get("", response_class=HTMLResponse)
async def queue_page(request: Request, gateway: GatewayDep, login: PageLogin) -> HTMLResponse:
    entries = await gateway.cases.queue()
    return gateway.templates.TemplateResponse(
        request,
        "queue.html",
        {
            "login": login,
            "csrf_token": login.session.csrf_token,
            "cases": queue_json(entries),
            "clinic_name": gateway.settings.clinic_name,
        },
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(
    case_id: uuid.UUID, request: Request, gateway: GatewayDep, login: PageLogin, ip: ClientIP
) -> HTMLResponse:
    who = actor(login, ip)
    try:
        detail = await gateway.cases.detail(case_id, who)
        messages = await gateway.cases.transcript(case_id, who)
    except CaseNotFound:
        raise NotFound("no such case") from None
    case = detail.case
    return gateway.templates.TemplateResponse(
        request,
        "case.html",
        {
            "login": login,
            "csrf_token": login.session.csrf_token,
            "case": case,
            "case_id": str(case.id),
            "urgency_label": urgency_label(case),
            "reason_label": REASON_LABELS.get(case.reason, case.reason),
            "claimed_by": detail.claimed_by_name,
            "summary": summary_view(case.summary),
            "messages": [message_json(m, clinician=True) for m in messages],
            "last_seq": messages[-1].seq if messages else 0,
            "clinic_name": gateway.settings.clinic_name,
            "channel": CHANNEL_LABELS.get(detail.conversation.channel, detail.conversation.channel),
            "opted_out": detail.conversation.opted_out,
        },
    )
