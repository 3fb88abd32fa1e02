from __future__ import annotations

import json

import httpx
import pytest

from symcheck.gateway.rasa import RasaBadReply, RasaClient, RasaHTTPError, RasaUnavailable


def _client(handler: object, token: str | None = "tok") -> RasaClient:
    return RasaClient("http://rasa.test/", token, 5.0, transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


async def test_request_format() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"recipient_id": "c1", "text": "hi"}])

    rasa = _client(handler)
    assert await rasa.send("c1", "hello", {"channel": "web"}) == [
        {"recipient_id": "c1", "text": "hi"}
    ]
    await rasa.aclose()
    request = seen[0]
    assert str(request.url) == "http://rasa.test/webhooks/gateway/webhook"
    assert request.headers["authorization"] == "Bearer tok"
    assert json.loads(request.content) == {
        "sender": "c1",
        "message": "hello",
        "metadata": {"channel": "web"},
    }


async def test_no_token_no_header() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert "authorization" not in request.headers
        return httpx.Response(200, json=[])

    await _client(handler, token=None).send("c", "m")


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(500), RasaHTTPError),
        (httpx.Response(401), RasaHTTPError),
        (httpx.Response(200, text="nope"), RasaBadReply),
        (httpx.Response(200, json={"a": 1}), RasaBadReply),
        (httpx.Response(200, json=["text"]), RasaBadReply),
    ],
)
async def test_bad_answers(response: httpx.Response, error: type[Exception]) -> None:
    with pytest.raises(error):
        await _client(lambda request: response).send("c", "m")


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
async def test_unreachable(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(RasaUnavailable):
        await _client(handler).send("c", "m")


async def test_restart_sends_the_restart_intent() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=[])

    await _client(handler).restart("c9")
    assert seen[0]["message"] == "/restart"
    assert seen[0]["sender"] == "c9"
