"""A fake of Telegram's Bot API, for tests (never the internet).

It speaks the real API's URLs (``/bot<token>/<method>``, ``/file/bot<token>/<file_path>``),
request encodings (query string, form with JSON-serialised objects as python-telegram-bot
sends them, JSON, multipart) and answer envelope: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {"retry_after": N}}``.

Methods: ``getMe``, ``sendMessage`` (``chat_id``, ``text``, ``reply_markup`` with an
``inline_keyboard``; 400 ``Bad Request: message text is empty`` / ``message is too long``
(over 4096 UTF-16 units) / ``chat not found`` / ``BUTTON_DATA_INVALID`` (callback data over
64 bytes), 403 ``Forbidden: bot was blocked by the user``), ``answerCallbackQuery``,
``getFile`` and the file download, ``setWebhook`` / ``deleteWebhook`` / ``getWebhookInfo``,
``setMyCommands``, ``getUpdates`` (long poll with ``offset`` confirming earlier updates; 409
while a webhook is set or when another ``getUpdates`` takes over). Unknown token: 401
``Unauthorized``; unknown method: 404 ``Not Found``.

Scripted failures are per chat (``fail_next(chat_id, Reply.too_many_requests(1))``) so tests
sharing one server do not disturb each other; ``block(chat_id)`` makes every send to that
chat a 403. Everything is recorded.

Patients are :class:`FakeUser` objects: :meth:`FakeTelegram.new_user`. Updates are built the
way Telegram builds them (:meth:`FakeTelegram.text_update`, ``photo_update``,
``press_update``...) and either POSTed to a webhook (:class:`WebhookSender`, with the secret
token header) or queued for ``getUpdates`` (:meth:`FakeTelegram.enqueue`).

Run it in-process with ``httpx.ASGITransport(app=fake.app)`` or on a localhost port with
:class:`FakeTelegramServer`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_ID = 7000000001
BOT_TOKEN = f"{BOT_ID}:AAFakeTelegramBotToken_0123456789abcdef"
WEBHOOK_SECRET = "fake-telegram-webhook-secret-0123456789abcdef"
BOT_USERNAME = "SymcheckClinicBot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT_UNITS = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_user_ids = itertools.count(5_000_000_001)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Reply:
    """A scripted answer to the next send to a chat."""

    status: int
    description: str
    retry_after: int | None = None

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Reply:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    @classmethod
    def server_error(cls) -> Reply:
        return cls(500, "Internal Server Error")

    @classmethod
    def bad_gateway(cls) -> Reply:
        return cls(502, "Bad Gateway")

    @classmethod
    def blocked(cls) -> Reply:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def chat_not_found(cls) -> Reply:
        return cls(400, "Bad Request: chat not found")


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user with a private chat with the bot (chat id = user id)."""

    id: int
    first_name: str = "Pat"
    username: str | None = None

    @property
    def chat_id(self) -> int:
        return self.id

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "en",
        }
        if self.username:
            user["username"] = self.username
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "first_name": self.first_name, "type": "private"}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted from the bot."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    at: float

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def as_message(self, bot: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot,
            "chat": chat,
            "date": int(self.at),
            "text": self.text,
        }
        if self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


@dataclass(frozen=True)
class Attempt:
    """One sendMessage call, whatever the answer."""

    chat_id: int
    text: str
    status: int
    at: float


@dataclass
class FakeTelegram:
    token: str = BOT_TOKEN
    username: str = BOT_USERNAME
    #: Where the fake is reached (for nothing but information: Telegram's URLs are fixed).
    base_url: str = "https://api.telegram.test"
    calls: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    commands: list[dict[str, str]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    #: Called (in the server's thread) before each send is answered, e.g. to slow it down.
    before_send: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[int, FakeUser] = {}
        self._blocked: set[int] = set()
        self._scripts: dict[int, deque[Reply]] = defaultdict(deque)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(400_000_000 + secrets.randbelow(100_000))
        self._files: dict[str, tuple[str, bytes]] = {}
        self._open_queries: set[str] = set()
        self._queue: list[dict[str, Any]] = []
        self._poll_generation = 0
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )

    # -- the bot, users and scripting ----------------------------------------------------

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Clinic",
            "username": self.username,
        }

    def new_user(self, first_name: str = "Pat", username: str | None = None) -> FakeUser:
        user = FakeUser(next(_user_ids), first_name, username)
        with self._lock:
            self._users[user.id] = user
            self._message_ids[user.id] = itertools.count(1)
        return user

    def fail_next(self, chat_id: int, *replies: Reply) -> None:
        """Answer the next sends to ``chat_id`` with ``replies``, in order (then 200)."""
        with self._lock:
            self._scripts[chat_id].extend(replies)

    def block(self, chat_id: int) -> None:
        """The patient blocked the bot: every send gets 403."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def add_file(self, data: bytes, path_prefix: str = "photos") -> tuple[str, str]:
        """Host a file; returns ``(file_id, file_unique_id)``."""
        file_id = "AgACAgQAAxkBAA" + secrets.token_urlsafe(40)
        unique = "AQAD" + secrets.token_urlsafe(10)
        with self._lock:
            path = f"{path_prefix}/file_{len(self._files)}.jpg"
            self._files[file_id] = (path, data)
        return file_id, unique

    # -- updates, as Telegram builds them ------------------------------------------------

    def _next_update_id(self) -> int:
        with self._lock:
            return next(self._update_ids)

    def _next_message_id(self, chat_id: int) -> int:
        with self._lock:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)

    def _incoming(self, user: FakeUser, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self._next_message_id(user.chat_id),
            "from": user.as_user(),
            "chat": user.as_chat(),
            "date": int(time.time()),
            **content,
        }

    def text_update(self, user: FakeUser, text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            content["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
        return {"update_id": self._next_update_id(), "message": self._incoming(user, **content)}

    def photo_update(
        self, user: FakeUser, data: bytes, caption: str | None = None, *, sizes: int = 3
    ) -> dict[str, Any]:
        """A photo in ``sizes`` sizes (Telegram sends several); the largest is ``data``."""
        photo = []
        for index in range(sizes):
            largest = index == sizes - 1
            blob = data if largest else data[: max(16, len(data) // (4 ** (sizes - index)))]
            file_id, unique = self.add_file(blob)
            side = 90 * (4**index)
            photo.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "file_size": len(blob),
                    "width": side,
                    "height": side * 3 // 4,
                }
            )
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        return {"update_id": self._next_update_id(), "message": self._incoming(user, **content)}

    def content_update(self, user: FakeUser, kind: str) -> dict[str, Any]:
        """A voice note, sticker, location... (``voice``, ``sticker``, ``location``)."""
        file_id, unique = self.add_file(b"OggS" + b"\x00" * 64, "voice")
        contents: dict[str, Any] = {
            "voice": {"file_id": file_id, "file_unique_id": unique, "duration": 3},
            "sticker": {
                "file_id": file_id,
                "file_unique_id": unique,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
            "location": {"latitude": 51.5, "longitude": -0.12},
        }
        return {
            "update_id": self._next_update_id(),
            "message": self._incoming(user, **{kind: contents[kind]}),
        }

    def edited_update(self, user: FakeUser, message_id: int, text: str) -> dict[str, Any]:
        return {
            "update_id": self._next_update_id(),
            "edited_message": {
                "message_id": message_id,
                "from": user.as_user(),
                "chat": user.as_chat(),
                "date": int(time.time()) - 5,
                "edit_date": int(time.time()),
                "text": text,
            },
        }

    def press_update(self, user: FakeUser, message: SentMessage, index: int) -> dict[str, Any]:
        """The patient presses button ``index`` of a message the bot sent them."""
        button = message.buttons[index]
        query_id = str(secrets.randbits(63))
        with self._lock:
            self._open_queries.add(query_id)
        return {
            "update_id": self._next_update_id(),
            "callback_query": {
                "id": query_id,
                "from": user.as_user(),
                "message": message.as_message(self.bot_user(), user.as_chat()),
                "chat_instance": str(user.id * 7),
                "data": button["callback_data"],
            },
        }

    def member_update(self, user: FakeUser, status: str) -> dict[str, Any]:
        """``kicked`` (the patient blocked the bot) or ``member`` (unblocked)."""
        old = "member" if status == "kicked" else "kicked"
        bot = {"user": self.bot_user()}
        return {
            "update_id": self._next_update_id(),
            "my_chat_member": {
                "chat": user.as_chat(),
                "from": user.as_user(),
                "date": int(time.time()),
                "old_chat_member": {
                    "status": old,
                    **bot,
                    **({"until_date": 0} if old == "kicked" else {}),
                },
                "new_chat_member": {
                    "status": status,
                    **bot,
                    **({"until_date": 0} if status == "kicked" else {}),
                },
            },
        }

    def enqueue(self, *updates: Mapping[str, Any]) -> None:
        """Queue updates for ``getUpdates`` (polling mode)."""
        with self._lock:
            self._queue.extend(dict(u) for u in updates)

    # -- inspection ----------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.chat_id == chat_id]

    def sent_to(self, chat_id: int) -> list[str]:
        """Texts accepted for ``chat_id``, in the order they arrived."""
        return [m.text for m in self.messages_to(chat_id)]

    def attempts_to(self, chat_id: int) -> list[Attempt]:
        with self._lock:
            return [a for a in self.attempts if a.chat_id == chat_id]

    def answers_for(self, query_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [a for a in self.callback_answers if a["callback_query_id"] == query_id]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._queue)

    def wait_for(self, chat_id: int, count: int, timeout: float = 30.0) -> list[str]:
        """Wait (blocking) until ``count`` messages were accepted for ``chat_id``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.sent_to(chat_id)
            if len(texts) >= count:
                return texts
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.sent_to(chat_id))}")

    # -- the API -------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        handler = self._methods().get(method.lower())
        if handler is None:
            return _error(404, "Not Found")
        try:
            params = await _params(request)
        except ValueError:
            return _error(400, "Bad Request: can't parse JSON object")
        with self._lock:
            self.calls.append(method)
        return await handler(params)

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getupdates": self._get_updates,
        }

    async def _get_me(self, params: dict[str, Any]) -> Response:
        return _ok(
            {
                **self.bot_user(),
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )

    async def _send_message(self, params: dict[str, Any]) -> Response:
        try:
            chat_id = int(params.get("chat_id", ""))
        except (TypeError, ValueError):
            return _error(400, "Bad Request: chat not found")
        text = str(params.get("text") or "")
        markup = params.get("reply_markup")
        if self.before_send is not None:
            self.before_send(chat_id)
        reply = self._check_send(chat_id, text, markup)
        now = time.time()
        if reply is not None:
            with self._lock:
                self.attempts.append(Attempt(chat_id, text, reply.status, now))
            return _error(reply.status, reply.description, reply.retry_after)
        message = SentMessage(self._next_message_id(chat_id), chat_id, text, markup or None, now)
        with self._lock:
            self.attempts.append(Attempt(chat_id, text, 200, now))
            self.sent.append(message)
            user = self._users[chat_id]
        return _ok(message.as_message(self.bot_user(), user.as_chat()))

    def _check_send(self, chat_id: int, text: str, markup: Any) -> Reply | None:
        with self._lock:
            known = chat_id in self._users
            blocked = chat_id in self._blocked
            script = self._scripts.get(chat_id)
            scripted = script.popleft() if script else None
        if scripted is not None:
            return scripted
        if not known:
            return Reply.chat_not_found()
        if blocked:
            return Reply.blocked()
        if not text.strip():
            return Reply(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT_UNITS:
            return Reply(400, "Bad Request: message is too long")
        if markup is not None:
            if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
                return Reply(400, "Bad Request: can't parse reply keyboard markup JSON object")
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = str(button.get("callback_data") or "")
                    if not button.get("text") or not data:
                        return Reply(400, "Bad Request: can't parse inline keyboard button")
                    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                        return Reply(400, "Bad Request: BUTTON_DATA_INVALID")
        return None

    async def _answer_callback_query(self, params: dict[str, Any]) -> Response:
        query_id = str(params.get("callback_query_id") or "")
        text = params.get("text")
        with self._lock:
            known = query_id in self._open_queries
            self._open_queries.discard(query_id)
        if not known:
            return _error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if text is not None and len(str(text)) > 200:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._lock:
            self.callback_answers.append(
                {
                    "callback_query_id": query_id,
                    "text": text,
                    "show_alert": params.get("show_alert") in (True, "true", "True"),
                }
            )
        return _ok(True)

    async def _get_file(self, params: dict[str, Any]) -> Response:
        file_id = str(params.get("file_id") or "")
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            return _error(400, "Bad Request: invalid file_id")
        path, data = found
        if len(data) > MAX_DOWNLOAD_BYTES:
            return _error(400, "Bad Request: file is too big")
        return _ok(
            {
                "file_id": file_id,
                "file_unique_id": "AQAD" + file_id[-10:],
                "file_size": len(data),
                "file_path": path,
            }
        )

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=404)
        path = request.path_params["path"]
        with self._lock:
            self.downloads.append(path)
            found = next((d for p, d in self._files.values() if p == path), None)
        if found is None:
            return Response(status_code=404)
        return Response(found, media_type="application/octet-stream")

    async def _set_webhook(self, params: dict[str, Any]) -> Response:
        url = str(params.get("url") or "")
        if not url:
            self.webhook = None
            return _ok(True, "Webhook was deleted")
        if not url.startswith("https://"):
            return _error(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not (
            1 <= len(str(secret)) <= 256 and all(c.isalnum() or c in "_-" for c in str(secret))
        ):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections"),
        }
        return _ok(True, "Webhook was set")

    async def _delete_webhook(self, params: dict[str, Any]) -> Response:
        was_set = self.webhook is not None
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True"):
            with self._lock:
                self._queue.clear()
        return _ok(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    async def _get_webhook_info(self, params: dict[str, Any]) -> Response:
        hook = self.webhook or {}
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates(),
        }
        if hook.get("max_connections"):
            info["max_connections"] = int(hook["max_connections"])
        if hook.get("allowed_updates"):
            info["allowed_updates"] = hook["allowed_updates"]
        return _ok(info)

    async def _set_my_commands(self, params: dict[str, Any]) -> Response:
        commands = params.get("commands")
        if not isinstance(commands, list):
            return _error(400, "Bad Request: can't parse commands JSON object")
        self.commands = [dict(c) for c in commands]
        return _ok(True)

    async def _get_updates(self, params: dict[str, Any]) -> Response:
        if self.webhook is not None:
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        with self._lock:
            if offset:
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._poll_generation != generation:
                    return _error(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                batch = sorted(self._queue, key=lambda u: u["update_id"])[:limit]
            if batch or time.monotonic() >= deadline:
                return _ok(batch)
            await asyncio.sleep(0.02)


async def _params(request: Request) -> dict[str, Any]:
    """Parameters from the query string and the body (JSON, form or multipart), with
    JSON-serialised objects (``reply_markup``, ``allowed_updates``...) decoded."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if request.method == "POST":
        if content_type.startswith("application/json"):
            body = await request.body()
            if body:
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("not an object")
                params.update(data)
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in _JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str):
            params[key] = json.loads(value)
    return params


# Parameters Telegram reads as JSON-serialised objects when they come as strings.
_JSON_PARAMS = ("reply_markup", "allowed_updates", "commands", "entities", "link_preview_options")


def _ok(result: Any, description: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return JSONResponse(body)


def _error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status)


class FakeTelegramServer:
    """Serves a :class:`FakeTelegram` on a free localhost port (uvicorn in a thread)."""

    def __init__(self, fake: FakeTelegram | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fake = fake or FakeTelegram()
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

    def __enter__(self) -> FakeTelegramServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Telegram server did not start")
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
class WebhookSender:
    """Delivers updates to a webhook as Telegram does: ``POST`` of the JSON update with the
    secret token header (``secret=None`` leaves it out: a forged request)."""

    url: str
    secret: str | None = WEBHOOK_SECRET

    def headers(self, secret: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        token = secret if secret is not None else self.secret
        if token is not None:
            headers[SECRET_HEADER] = token
        return headers

    def body(self, update: Mapping[str, Any]) -> bytes:
        return json.dumps(update, separators=(",", ":")).encode("utf-8")


def provider_message_id(update: Mapping[str, Any], bot_id: int = BOT_ID) -> str:
    """The id the gateway stores an update's message under (for de-duplication)."""
    if "callback_query" in update:
        inner = update["callback_query"]["id"]
    else:
        message = update.get("message") or update.get("edited_message") or {}
        inner = message.get("message_id")
    return f"{bot_id}:{update['update_id']}:{inner}"


@dataclass
class TelegramPatient:
    """One patient chatting with the bot through a running gateway's webhook (blocking)."""

    client: httpx.Client
    webhook_url: str
    telegram: FakeTelegram
    user: FakeUser
    secret: str = WEBHOOK_SECRET
    #: Provider message ids of the updates the gateway acknowledged (each should be stored).
    delivered: list[str] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return self.user.chat_id

    def deliver(self, update: Mapping[str, Any], *, secret: str | None = None) -> httpx.Response:
        """POST one update (Telegram's delivery attempt) and return the acknowledgement."""
        sender = WebhookSender(self.webhook_url, self.secret)
        response = self.client.post(
            self.webhook_url, content=sender.body(update), headers=sender.headers(secret)
        )
        stored_id = provider_message_id(update, self.telegram.bot_id)
        if response.status_code == 200 and stored_id not in self.delivered:
            self.delivered.append(stored_id)
        return response

    def text(self, text: str) -> httpx.Response:
        return self.deliver(self.telegram.text_update(self.user, text))

    def press(self, message: SentMessage, index: int) -> httpx.Response:
        return self.deliver(self.telegram.press_update(self.user, message, index))

    def received(self) -> list[str]:
        return self.telegram.sent_to(self.chat_id)

    def messages(self) -> list[SentMessage]:
        return self.telegram.messages_to(self.chat_id)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[str]:
        return self.telegram.wait_for(self.chat_id, count, timeout)

    def quiet_for(self, seconds: float) -> list[str]:
        time.sleep(seconds)
        return self.received()
