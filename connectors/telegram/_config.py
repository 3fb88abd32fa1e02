"""What the Telegram channel needs to know about the bot."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_URL = "https://api.telegram.org"
#: The update types the gateway asks Telegram for (setWebhook, getUpdates).
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


@dataclass(frozen=True)
class TelegramConfig:
    """The bot's credentials and limits (from ``SYMCHECK_TELEGRAM_*``).

    Attributes:
        bot_token: from @BotFather (``<bot id>:<secret>``); authenticates every API call and
            is part of every API URL, so URLs are never logged.
        webhook_secret: what Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` (the
            value given to ``setWebhook``); ``None`` in polling mode (no webhook accepted).
        api_url: the Bot API server (tests point it at a local fake).
        max_media_bytes: largest photo kept.
        timeout_seconds: per API call.
    """

    bot_token: str
    webhook_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    max_media_bytes: int = 5 * 1024 * 1024
    timeout_seconds: float = 15.0

    def __repr__(self) -> str:  # never print the token or the secret
        return f"TelegramConfig(bot_id={self.bot_id!r}, api_url={self.api_url!r})"

    @property
    def bot_id(self) -> str:
        """The bot's numeric id (the token's public part)."""
        return self.bot_token.split(":", 1)[0]
