"""The Bot API calls the Telegram channel makes, through python-telegram-bot's :class:`Bot`.

``sendMessage`` (replies), ``answerCallbackQuery`` (button presses), ``getFile`` and the file
download (photos), ``getMe``, ``setWebhook`` / ``deleteWebhook`` / ``getWebhookInfo`` and
``setMyCommands`` (set-up), ``getUpdates`` (polling). The network layer is injected: a
python-telegram-bot request object (``HTTPXRequest`` against a local fake in tests, or an
offline one that fails any call).

Errors become :class:`connectors.base.DeliveryError` with a retry decision
(:func:`delivery_error`): 429 (respecting ``parameters.retry_after``), 5xx, timeouts and
network failures are retryable, and so are 401/404 (a wrong or revoked token an operator can
fix); 403 (``Forbidden: bot was blocked by the user``, ``user is deactivated``) is permanent
and means the patient cannot be messaged (opted out); other 400s are permanent. Codes never
carry Telegram's description (it can quote a chat).

Every API URL contains the bot token: URLs, request parameters and exception texts are never
logged (python-telegram-bot's own loggers are silenced by ``symcheck serve-gateway``).
"""

from __future__ import annotations

import datetime as dtm
import logging
import warnings
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    User,
    WebhookInfo,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from connectors.base import AttachmentRejected, DeliveryError, FetchedAttachment
from connectors.telegram._config import TelegramConfig

#: Image types kept, with the leading bytes each must start with.
IMAGE_SIGNATURES: Mapping[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
MAX_RETRY_AFTER_SECONDS = 3600.0
#: Telegram lets bots download files up to this size.
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class TelegramClient:
    """One bot's API calls.

    Args:
        config: the bot (see :class:`TelegramConfig`).
        request: the request object for API calls (default: ``HTTPXRequest``).
        get_updates_request: the one for ``getUpdates`` long polls (default: another).
    """

    def __init__(
        self,
        config: TelegramConfig,
        *,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
    ) -> None:
        self._config = config
        # python-telegram-bot logs request parameters (chat ids, text) at DEBUG and answers it
        # cannot read (which can quote them) at ERROR and CRITICAL: none of it, ever.
        logging.getLogger("telegram").setLevel(logging.CRITICAL + 1)
        api = config.api_url.rstrip("/")
        timeout = config.timeout_seconds
        self.bot = PtbBot(
            config.bot_token,
            base_url=f"{api}/bot",
            base_file_url=f"{api}/file/bot",
            request=request
            or HTTPXRequest(
                connection_pool_size=16,
                read_timeout=timeout,
                write_timeout=timeout,
                connect_timeout=timeout,
                pool_timeout=timeout,
                media_write_timeout=timeout,
            ),
            get_updates_request=get_updates_request
            or HTTPXRequest(connection_pool_size=1, read_timeout=timeout),
        )

    async def send_message(
        self, chat_id: str, text: str, reply_markup: Mapping[str, Any] | None = None
    ) -> str:
        """``sendMessage`` (plain text); returns Telegram's ``message_id``."""
        try:
            message = await self.bot.send_message(
                chat_id=int(chat_id), text=text, reply_markup=_keyboard(reply_markup)
            )
        except TelegramError as exc:
            raise delivery_error(exc) from None
        return str(message.message_id)

    async def answer_callback(
        self, callback_query_id: str, text: str | None = None, *, show_alert: bool = False
    ) -> None:
        """``answerCallbackQuery`` (stops the button's spinner; ``text`` shows as a notice)."""
        try:
            await self.bot.answer_callback_query(
                callback_query_id, text=text[:200] if text else None, show_alert=show_alert
            )
        except TelegramError as exc:
            raise delivery_error(exc) from None

    async def fetch_file(self, file_id: str, content_type: str | None) -> FetchedAttachment:
        """``getFile``, then download the file; an image within the size limit, or
        :class:`AttachmentRejected` (``too_large``, ``unsupported_type``, ``unavailable``)."""
        limit = self._config.max_media_bytes
        try:
            file = await self.bot.get_file(file_id)
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                raise AttachmentRejected("too_large") from None
            raise AttachmentRejected("unavailable") from None
        except TelegramError:
            raise AttachmentRejected("unavailable") from None
        if file.file_size is not None and file.file_size > limit:
            raise AttachmentRejected("too_large")
        if not file.file_path:
            raise AttachmentRejected("unavailable")
        try:
            data = bytes(await file.download_as_bytearray())
        except TelegramError:
            raise AttachmentRejected("unavailable") from None
        if len(data) > limit:
            raise AttachmentRejected("too_large")
        found = sniff_image(data)
        if found is None:
            raise AttachmentRejected("unsupported_type")
        return FetchedAttachment(found, data)

    async def get_me(self) -> User:
        try:
            return await self.bot.get_me()
        except InvalidToken:
            # PTB's message would quote the token: never let it reach a log.
            raise InvalidToken("the bot token was rejected") from None

    async def set_webhook(
        self,
        url: str,
        secret_token: str,
        allowed_updates: Sequence[str],
        *,
        max_connections: int | None = None,
        drop_pending_updates: bool = False,
    ) -> bool:
        return await self.bot.set_webhook(
            url=url,
            secret_token=secret_token,
            allowed_updates=list(allowed_updates),
            max_connections=max_connections,
            drop_pending_updates=drop_pending_updates,
        )

    async def delete_webhook(self, *, drop_pending_updates: bool = False) -> bool:
        return await self.bot.delete_webhook(drop_pending_updates=drop_pending_updates)

    async def get_webhook_info(self) -> WebhookInfo:
        return await self.bot.get_webhook_info()

    async def set_commands(self, commands: Sequence[tuple[str, str]]) -> bool:
        return await self.bot.set_my_commands([BotCommand(c, d) for c, d in commands])

    async def get_updates(
        self, offset: int | None, wait_seconds: int, allowed_updates: Sequence[str]
    ) -> tuple[Update, ...]:
        """``getUpdates`` long poll (``wait_seconds``: Telegram's ``timeout``); confirms every
        update before ``offset``."""
        return await self.bot.get_updates(
            offset=offset,
            timeout=wait_seconds,
            allowed_updates=list(allowed_updates),
            read_timeout=self._config.timeout_seconds,
        )

    async def aclose(self) -> None:
        await self.bot.shutdown()
        for request in (self.bot.request, self.bot._request[0]):
            await request.shutdown()


def _keyboard(markup: Mapping[str, Any] | None) -> InlineKeyboardMarkup | None:
    if not markup or not markup.get("inline_keyboard"):
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
            for row in markup["inline_keyboard"]
        ]
    )


def sniff_image(data: bytes) -> str | None:
    """The image type ``data`` starts like (JPEG, PNG, GIF, WebP), if any."""
    for content_type, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures):
            if content_type == "image/webp" and data[8:12] != b"WEBP":
                continue
            return content_type
    return None


def retry_after_seconds(exc: RetryAfter) -> float:
    """``parameters.retry_after`` in seconds (capped), without PTB's deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """The retry decision for a failed API call (see the module docstring)."""
    if isinstance(exc, RetryAfter):
        return DeliveryError("http_429", retryable=True, retry_after=retry_after_seconds(exc))
    if isinstance(exc, Forbidden):
        return DeliveryError(f"http_403_{_forbidden_reason(exc)}", retryable=False, opted_out=True)
    if isinstance(exc, ChatMigrated):
        return DeliveryError("chat_migrated", retryable=False)
    if isinstance(exc, BadRequest):
        return DeliveryError("http_400", retryable=False)
    if isinstance(exc, InvalidToken):
        # 401/404: the token is wrong or was revoked; an operator can fix it in time.
        return DeliveryError("invalid_token", retryable=True)
    if isinstance(exc, TimedOut):
        return DeliveryError("timeout", retryable=True)
    if isinstance(exc, NetworkError):
        return DeliveryError(_server_code(exc), retryable=True)
    return DeliveryError("error", retryable=True)


def _forbidden_reason(exc: Forbidden) -> str:
    text = exc.message.lower()
    if "blocked" in text:
        return "blocked"
    if "deactivated" in text:
        return "deactivated"
    return "forbidden"


def _server_code(exc: NetworkError) -> str:
    """``http_5xx`` when Telegram's description (or PTB's fallback, ``Phrase (code)``) names
    a server error, else ``network`` (no answer at all)."""
    text = exc.message.strip().lower()
    for status in HTTPStatus:
        if status.value >= 500 and (
            text == status.phrase.lower() or text.endswith(f"({status.value})")
        ):
            return f"http_{status.value}"
    return "network"
