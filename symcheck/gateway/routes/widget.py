"""``GET /widget.js``: the embeddable chat widget, one ``<script>`` tag for any clinic website.

The script is ``static/chat-core.js`` (the chat logic shared with the gateway's own chat page)
and ``static/widget.js``, wrapped in one function so nothing leaks into the clinic page's
globals, after a line that defines ``SYMCHECK_WIDGET``: the gateway's public settings
(emergency number, clinic name, message limit) and ``static/widget.css``, as a JSON literal.

It holds nothing private and is the same for every visitor, so unlike every other gateway
response it may be cached (ETag plus a short ``max-age``), and any site may load it
(``Access-Control-Allow-Origin: *``, ``Cross-Origin-Resource-Policy: cross-origin``): which
sites may *use* the patient API is decided there (``SYMCHECK_ALLOWED_ORIGINS``, enforced by
:class:`symcheck.gateway.security.PatientOriginMiddleware`). See ``docs/widget.md``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

from symcheck.gateway.deps import GatewayDep

router = APIRouter(tags=["web chat"])

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_PATH = "/widget.js"
MAX_AGE_SECONDS = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE_SECONDS}"
MEDIA_TYPE = "text/javascript; charset=utf-8"


@dataclass(frozen=True)
class WidgetScript:
    body: bytes
    etag: str


@cache
def _sources() -> tuple[str, str, str]:
    """chat-core.js, widget.js and widget.css, read once per process (on first use)."""
    core, widget, css = (
        (STATIC / name).read_text(encoding="utf-8")
        for name in ("chat-core.js", "widget.js", "widget.css")
    )
    return core, widget, css


def js_literal(value: object) -> str:
    """``value`` as a JavaScript literal: JSON, ASCII only (so no U+2028 line breaks), with
    ``<``, ``>`` and ``&`` escaped so the text can never close a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=8)
def build_widget_script(emergency_number: str, clinic_name: str, max_chars: int) -> WidgetScript:
    """The whole ``/widget.js`` for these settings, with its ETag."""
    core, widget, css = _sources()
    settings = {
        "config": {
            "emergency_number": emergency_number,
            "clinic_name": clinic_name,
            "max_chars": max_chars,
        },
        "css": css,
    }
    text = (
        "/* symcheck chat widget - see docs/widget.md */\n"
        "(function () {\n"
        '"use strict";\n'
        f"var SYMCHECK_WIDGET = {js_literal(settings)};\n"
        f"{core}\n{widget}\n"
        "}());\n"
    )
    body = text.encode("utf-8")
    return WidgetScript(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


@router.api_route(WIDGET_PATH, methods=["GET", "HEAD"])
async def widget_script(request: Request, gateway: GatewayDep) -> Response:
    settings = gateway.settings
    script = build_widget_script(
        settings.emergency_number, settings.clinic_name, settings.max_message_chars
    )
    headers = {
        "ETag": script.etag,
        "Cache-Control": CACHE_CONTROL,
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if _etag_matches(request.headers.get("if-none-match"), script.etag):
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type=MEDIA_TYPE, headers=headers)
