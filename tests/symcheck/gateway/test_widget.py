"""``GET /widget.js`` (``symcheck/gateway/routes/widget.py``)."""

from __future__ import annotations

import json
import re

import httpx

from symcheck.gateway.routes.widget import build_widget_script, js_literal


async def test_the_widget_script_is_public_cacheable_javascript(client: httpx.AsyncClient) -> None:
    response = await client.get("/widget.js", headers={"Origin": "https://anywhere.example"})
    assert response.status_code == 200
    headers = response.headers
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["etag"])
    assert headers["access-control-allow-origin"] == "*"
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in headers


async def test_etag_revalidation_and_head(client: httpx.AsyncClient) -> None:
    first = await client.get("/widget.js")
    etag = first.headers["etag"]
    again = await client.get("/widget.js", headers={"If-None-Match": f'W/{etag}, "other"'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    changed = await client.get("/widget.js", headers={"If-None-Match": '"stale"'})
    assert changed.status_code == 200
    head = await client.head("/widget.js")
    assert head.status_code == 200
    assert head.headers["etag"] == etag


async def test_the_script_carries_the_gateway_settings_and_no_globals(
    client: httpx.AsyncClient,
) -> None:
    text = (await client.get("/widget.js")).text
    assert text.startswith("/* symcheck chat widget")
    body = text.split("\n", 1)[1]
    assert body.startswith("(function () {")
    assert body.rstrip().endswith("}());")
    literal = re.search(r"^var SYMCHECK_WIDGET = (.*);$", body, re.M)
    assert literal
    settings = json.loads(literal.group(1))
    assert settings["config"] == {
        "emergency_number": "112",
        "clinic_name": "Test Clinic",
        "max_chars": 200,
    }
    assert ":host" in settings["css"]
    assert "var SymcheckChatCore" in body  # chat-core.js, shared with the chat page
    assert "SymcheckChatCore.createChat" in body  # widget.js


async def test_no_html_insertion_in_the_chat_scripts(client: httpx.AsyncClient) -> None:
    for path in ("/widget.js", "/static/chat-core.js", "/static/chat.js"):
        js = (await client.get(path)).text
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in js, (path, sink)


def test_settings_cannot_break_out_of_the_literal() -> None:
    hostile = '</script><script>alert(1)</script>"\u2028\u2029&'
    script = build_widget_script("112", hostile, 1000).body.decode()
    assert "</script>" not in script
    assert "\u2028" not in script
    assert "\u2029" not in script
    assert json.loads(js_literal(hostile)) == hostile


async def test_the_chat_page_loads_the_shared_core_first(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    assert html.index("/static/chat-core.js") < html.index("/static/chat.js")
