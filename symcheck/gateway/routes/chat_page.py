"""``GET /``: the patient web chat page (HTML; behaviour in ``/static/chat.js``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from symcheck.gateway.deps import GatewayDep

router = APIRouter(tags=["web chat"])


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def chat_page(request: Request, gateway: GatewayDep) -> HTMLResponse:
    settings = gateway.settings
    return gateway.templates.TemplateResponse(
        request,
        "chat.html",
        {
            "clinic_name": settings.clinic_name,
            "emergency_number": settings.emergency_number,
            "max_chars": settings.max_message_chars,
        },
    )
