"""A fake of Twilio's REST API, for tests (never the internet).

It speaks the real API's paths, authentication, form fields, JSON and error resources:

- ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP basic auth (account SID
  and auth token) and ``To``, ``Body``, ``From`` or ``MessagingServiceSid``: 201 with a message
  resource (``sid`` ``SM`` + 32 hex digits, ``status`` ``queued``...); errors as Twilio sends
  them: ``{"code", "message", "more_info", "status"}`` (20003 bad credentials, 20404 wrong
  account, 21211 invalid number, 21602 no body, 21604 no ``To``, 21617 body over 1600
  characters, 21610 unsubscribed recipient, 20429 too many requests with ``Retry-After``,
  20500 internal error);
- ``GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}``: an MMS
  photo, behind basic auth (as with Twilio's "enforce HTTP auth on media URLs"), answered
  with a 307 redirect to the media store on another origin (``/media-store/...``), which must
  not receive the credentials.

Scripted failures are per recipient (``fail_next("+15550001111", Reply(429, retry_after=1))``)
so tests sharing one server do not disturb each other. Everything received is recorded.

Run it in-process with ``httpx.ASGITransport(app=fake.app)`` or on a localhost port with
:class:`FakeTwilioServer`. :class:`WebhookSigner` builds inbound webhooks the way Twilio does,
signed with the ``twilio`` library's own ``RequestValidator``.
"""

from __future__ import annotations

import base64
import re
import secrets
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
CLINIC_NUMBER = "+15005550006"
API_VERSION = "2010-04-01"


def sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


@dataclass(frozen=True)
class Reply:
    """A scripted answer to the next send to a recipient."""

    status: int
    code: int | None = None
    retry_after: float | None = None
    message: str = ""

    @classmethod
    def too_many_requests(cls, retry_after: float = 1) -> Reply:
        return cls(429, 20429, retry_after, "Too Many Requests")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status, 20500, None, "Internal Server Error")

    @classmethod
    def unsubscribed(cls) -> Reply:
        return cls(400, 21610, None, "Attempt to send to unsubscribed recipient")

    @classmethod
    def invalid_number(cls) -> Reply:
        return cls(400, 21211, None, "The 'To' number is not a valid phone number.")


@dataclass(frozen=True)
class Attempt:
    """One POST to Messages.json, whatever the answer."""

    to: str
    body: str
    sender: str
    status: int
    sid: str | None
    at: float


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted (201)."""

    sid: str
    to: str
    body: str
    sender: str
    at: float


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    #: Where the fake is reached (for the media URLs it hands out).
    base_url: str = "https://api.twilio.test"
    attempts: list[Attempt] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    media_requests: list[dict[str, Any]] = field(default_factory=list)
    #: Called (in the server's thread) before each send is answered, e.g. to slow it down.
    before_send: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._opted_out: set[str] = set()
        self._media: dict[str, tuple[str, bytes]] = {}
        self._store: dict[str, tuple[str, bytes]] = {}
        self.app = Starlette(
            routes=[
                Route(
                    f"/{API_VERSION}/Accounts/{{account}}/Messages.json",
                    self._create_message,
                    methods=["POST"],
                ),
                Route(
                    f"/{API_VERSION}/Accounts/{{account}}/Messages/{{message}}/Media/{{media}}",
                    self._get_media,
                    methods=["GET"],
                ),
                Route("/media-store/{token}", self._media_store, methods=["GET"]),
            ]
        )

    # -- scripting and inspection --------------------------------------------------------

    def fail_next(self, to: str, *replies: Reply) -> None:
        """Answer the next sends to ``to`` with ``replies``, in order (then 201 again)."""
        with self._lock:
            self._scripts[to].extend(replies)

    def opt_out(self, number: str) -> None:
        """Every send to ``number`` gets 21610 (the patient texted STOP at the carrier)."""
        with self._lock:
            self._opted_out.add(number)

    def add_media(self, content_type: str, data: bytes) -> str:
        """Host an MMS file; returns its ``MediaUrl`` (for an inbound webhook)."""
        path = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid('MM')}/Media/{sid('ME')}"
        with self._lock:
            self._media[path] = (content_type, data)
        return self.base_url.rstrip("/") + path

    def sent_to(self, number: str) -> list[str]:
        """Bodies accepted for ``number``, in the order they arrived."""
        with self._lock:
            return [m.body for m in self.sent if m.to == number]

    def attempts_to(self, number: str) -> list[Attempt]:
        with self._lock:
            return [a for a in self.attempts if a.to == number]

    def wait_for(self, number: str, count: int, timeout: float = 30.0) -> list[str]:
        """Wait (blocking) until ``count`` messages were accepted for ``number``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.sent_to(number)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.05)
        raise AssertionError(
            f"{number}: expected {count} message(s), got {len(self.sent_to(number))}"
        )

    # -- the API -------------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(user, self.account_sid) and secrets.compare_digest(
            password, self.auth_token
        )

    async def _create_message(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        if request.path_params["account"] != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        form = await request.form()
        to = str(form.get("To") or "")
        body = str(form.get("Body") or "")
        sender = str(form.get("From") or form.get("MessagingServiceSid") or "")
        if self.before_send is not None:
            self.before_send(to)
        reply = self._next_reply(to, body, sender)
        now = time.time()
        if reply is not None:
            with self._lock:
                self.attempts.append(Attempt(to, body, sender, reply.status, None, now))
            headers = {"Retry-After": f"{reply.retry_after:g}"} if reply.retry_after else None
            return _error(reply.status, reply.code, reply.message, headers)
        message_sid = sid("SM")
        with self._lock:
            self.attempts.append(Attempt(to, body, sender, 201, message_sid, now))
            self.sent.append(SentMessage(message_sid, to, body, sender, now))
        return JSONResponse(_resource(self.account_sid, message_sid, to, body, form), 201)

    def _next_reply(self, to: str, body: str, sender: str) -> Reply | None:
        if not to:
            return Reply(400, 21604, message="A 'To' phone number is required.")
        if not sender:
            return Reply(400, 21603, message="A 'From' phone number is required.")
        if not body:
            return Reply(400, 21602, message="Message body is required.")
        if len(body) > 1600:
            return Reply(
                400,
                21617,
                message="The concatenated message body exceeds the 1600 character limit.",
            )
        if not to.startswith("+") or not to[1:].isdigit():
            return Reply.invalid_number()
        with self._lock:
            if to in self._opted_out:
                return Reply.unsubscribed()
            script = self._scripts.get(to)
            if script:
                return script.popleft()
        return None

    async def _get_media(self, request: Request) -> Response:
        self.media_requests.append(
            {"path": request.url.path, "authorised": self._authorised(request)}
        )
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        with self._lock:
            found = self._media.get(request.url.path)
        if found is None:
            return _error(404, 20404, "The requested resource was not found")
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._store[token] = found
        return RedirectResponse(f"{self.media_store_url}/media-store/{token}", status_code=307)

    @property
    def media_store_url(self) -> str:
        """Another origin than the API's (like Twilio's media CDN), served by this fake too:
        ``localhost`` for ``127.0.0.1``, or another host name in process."""
        parts = urlsplit(self.base_url)
        if parts.hostname == "127.0.0.1":
            return f"{parts.scheme}://localhost:{parts.port}"
        return f"{parts.scheme}://media.{parts.hostname}"

    async def _media_store(self, request: Request) -> Response:
        self.media_requests.append(
            {
                "path": "/media-store",
                "authorised": "authorization" in request.headers,
            }
        )
        with self._lock:
            found = self._store.get(request.path_params["token"])
        if found is None:
            return Response(status_code=404)
        content_type, data = found
        return Response(data, media_type=content_type)


def _error(
    status: int, code: int | None, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    body["more_info"] = f"https://www.twilio.com/docs/errors/{code}" if code else None
    return JSONResponse(body, status, headers=dict(headers or {}))


def _resource(account: str, message_sid: str, to: str, body: str, form: Any) -> dict[str, Any]:
    now = format_datetime(datetime.now(UTC), usegmt=True)
    return {
        "account_sid": account,
        "api_version": API_VERSION,
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": str(max(1, -(-len(body) // 153))),
        "price": None,
        "price_unit": "USD",
        "sid": message_sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/{API_VERSION}/Accounts/{account}/Messages/{message_sid}/Media.json"
        },
        "to": to,
        "uri": f"/{API_VERSION}/Accounts/{account}/Messages/{message_sid}.json",
    }


class FakeTwilioServer:
    """Serves a :class:`FakeTwilio` on a free localhost port (uvicorn in a thread)."""

    def __init__(self, fake: FakeTwilio | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fake = fake or FakeTwilio(base_url=self.url)
        self.fake.base_url = self.url
        config = uvicorn.Config(
            self.fake.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> FakeTwilioServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Twilio server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WebhookSigner:
    """Inbound SMS webhooks as Twilio sends them, signed with the real ``RequestValidator``.

    Args:
        public_url: the gateway's public base URL (what Twilio is configured to call).
        path: the webhook path.
    """

    public_url: str
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    to: str = CLINIC_NUMBER
    path: str = "/webhooks/twilio/sms"

    @property
    def url(self) -> str:
        return self.public_url.rstrip("/") + self.path

    def params(
        self,
        sender: str,
        body: str,
        *,
        message_sid: str | None = None,
        media: tuple[tuple[str, str], ...] = (),
    ) -> dict[str, str]:
        """The form fields of an inbound SMS (MMS with ``media``: (url, content type))."""
        message_sid = message_sid or sid("MM" if media else "SM")
        params = {
            "ToCountry": "US",
            "ToState": "CA",
            "SmsMessageSid": message_sid,
            "NumMedia": str(len(media)),
            "ToCity": "",
            "FromZip": "",
            "SmsSid": message_sid,
            "FromState": "CA",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": "US",
            "To": self.to,
            "MessagingServiceSid": "",
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": message_sid,
            "AccountSid": self.account_sid,
            "From": sender,
            "ApiVersion": API_VERSION,
        }
        for index, (url, content_type) in enumerate(media):
            params[f"MediaUrl{index}"] = url
            params[f"MediaContentType{index}"] = content_type
        return params

    def sign(self, params: Mapping[str, str], url: str | None = None) -> str:
        return str(RequestValidator(self.auth_token).compute_signature(url or self.url, params))

    def headers(self, params: Mapping[str, str], url: str | None = None) -> dict[str, str]:
        return {
            "X-Twilio-Signature": self.sign(params, url),
            "I-Twilio-Idempotency-Token": uuid.uuid4().hex,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1",
        }


def iter_parts(bodies: list[str]) -> Iterator[tuple[int, int, str]]:
    """``(part, total, text)`` of SMS bodies ending in ``(i/n)`` (1/1 for single parts)."""
    for body in bodies:
        match = re.search(r" \((\d+)/(\d+)\)$", body)
        if match:
            yield int(match.group(1)), int(match.group(2)), body[: match.start()]
        else:
            yield 1, 1, body
