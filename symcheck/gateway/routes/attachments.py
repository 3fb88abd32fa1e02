"""``GET /dashboard/api/attachments/{id}``: a patient's photo, for a signed-in clinician.

Decrypted on the fly and served with its (checked) image type, never cached; only for
conversations that have a case, and every view is audited (``view_attachment``).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from symcheck.gateway.deps import DASHBOARD_PATH, ApiLogin, ClientIP, GatewayDep, actor
from symcheck.gateway.errors import NotFound
from symcheck.gateway.services.cases import CaseNotFound

router = APIRouter(prefix=f"{DASHBOARD_PATH}/api", tags=["dashboard"])


@router.get("/attachments/{attachment_id}")
async def get_attachment(
    attachment_id: uuid.UUID, gateway: GatewayDep, login: ApiLogin, ip: ClientIP
) -> Response:
    try:
        info, data = await gateway.cases.attachment(attachment_id, actor(login, ip))
    except CaseNotFound:
        raise NotFound("no such attachment") from None
    return Response(
        data,
        media_type=info.content_type or "application/octet-stream",
        headers={
            "Cache-Control": "no-store, private",
            "Content-Disposition": 'inline; filename="patient-photo"',
        },
    )
