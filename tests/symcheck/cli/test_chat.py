from __future__ import annotations

import json

import httpx

from symcheck.cli.chat import ChatSession

CONV = "3f1c1bb8-55b2-4a63-9a0b-8b8f7f2a5c11"


class FakeGateway:
    """Answers like the gateway's JSON API."""

    def __init__(self) -> None:
        self.posted: list[dict[str, object]] = []
        self.pending: list[dict[str, object]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            self.posted.append(body)
            if not str(body["text"]).strip():
                return httpx.Response(
                    200,
                    json={
                        "conversation_id": CONV,
                        "message_seq": None,
                        "messages": [
                            {"text": "Please type", "buttons": [], "seq": None, "author": "system"}
                        ],
                    },
                )
            seq = 2 * len(self.posted)
            return httpx.Response(
                200,
                json={
                    "conversation_id": CONV,
                    "message_seq": seq - 1,
                    "messages": [
                        {
                            "text": "Any fever?",
                            "seq": seq,
                            "author": "bot",
                            "buttons": [
                                {"title": "Yes", "payload": "/affirm"},
                                {"title": "No", "payload": "/deny"},
                            ],
                        }
                    ],
                },
            )
        after = int(request.url.params["after"])
        messages = [m for m in self.pending if int(m["seq"]) > after]  # type: ignore[call-overload]
        return httpx.Response(
            200, json={"conversation_id": CONV, "status": "handoff", "messages": messages}
        )


def _session(fake: FakeGateway, out: list[str]) -> ChatSession:
    client = httpx.Client(base_url="http://gw", transport=httpx.MockTransport(fake.handler))
    return ChatSession(client, out.append, emergency_number="112")


def test_prints_replies_and_numbered_buttons() -> None:
    fake, out = FakeGateway(), []
    session = _session(fake, out)
    session.send("I have a cough")
    assert out == ["bot> Any fever?", "    1) Yes", "    2) No"]
    assert session.conversation_id == CONV
    session.send("2")  # a digit answers with the button's payload
    assert fake.posted[-1] == {"conversation_id": CONV, "text": "/deny"}
    session.send("7")  # not a button: sent as text
    assert fake.posted[-1]["text"] == "7"


def test_polling_prints_clinician_replies_once() -> None:
    fake, out = FakeGateway(), []
    session = _session(fake, out)
    session.send("hello")
    fake.pending = [
        {"seq": 1, "author": "patient", "text": "hello", "buttons": []},
        {"seq": 2, "author": "bot", "text": "Any fever?", "buttons": []},
        {"seq": 3, "author": "clinician", "text": "Hi, I am Dr Doc.", "buttons": []},
    ]
    session.poll_once(0)
    session.poll_once(0)
    assert out.count("clinician> Hi, I am Dr Doc.") == 1
    assert out.count("bot> Any fever?") == 1


def test_hints_and_unreachable_gateway() -> None:
    fake, out = FakeGateway(), []
    session = _session(fake, out)
    session.send("   ")
    assert out == ["notice> Please type"]

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    broken = ChatSession(
        httpx.Client(base_url="http://gw", transport=httpx.MockTransport(down)),
        out.append,
        emergency_number="112",
    )
    broken.send("hello")
    assert "call 112" in out[-1]
