"""``/healthz`` (the process is up) and ``/readyz`` (it can reach its database)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from symcheck.gateway.deps import GatewayDep
from symcheck.gateway.errors import error_body
from symcheck.gateway.logsafe import describe

log = logging.getLogger("symcheck.gateway.health")

router = APIRouter(tags=["health"])


@router.api_route("/healthz", methods=["GET", "HEAD"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(gateway: GatewayDep) -> dict[str, str] | JSONResponse:
    try:
        await gateway.db.ping()
    except Exception as exc:
        log.warning("database not ready: %s", describe(exc))
        return JSONResponse(
            error_body("not_ready", "the database is not reachable"), status_code=503
        )
    return {"status": "ready"}
