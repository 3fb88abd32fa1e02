"""Telegram through python-telegram-bot: webhook secret, updates, commands, inline keyboards,
photos, the Bot API client.

See ``docs/channels.md`` for connecting a bot.
"""

from connectors.telegram._channel import MAX_WEBHOOK_BYTES, SECRET_HEADER, TelegramChannel
from connectors.telegram._client import TelegramClient, delivery_error, sniff_image
from connectors.telegram._commands import MENU, command_name, intent_command, is_help_command
from connectors.telegram._config import ALLOWED_UPDATES, DEFAULT_API_URL, TelegramConfig
from connectors.telegram._render import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_MESSAGE_CHARS,
    inline_keyboard,
    pick,
    reference,
    render_telegram,
    split_text,
    utf16_len,
)
from connectors.telegram._updates import (
    CHANNEL,
    Ignored,
    PatientMessage,
    Reachability,
    TelegramEvent,
    largest_photo,
    read_update,
)

__all__ = [
    "ALLOWED_UPDATES",
    "CHANNEL",
    "DEFAULT_API_URL",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_MESSAGE_CHARS",
    "MAX_WEBHOOK_BYTES",
    "MENU",
    "SECRET_HEADER",
    "Ignored",
    "PatientMessage",
    "Reachability",
    "TelegramChannel",
    "TelegramClient",
    "TelegramConfig",
    "TelegramEvent",
    "command_name",
    "delivery_error",
    "inline_keyboard",
    "intent_command",
    "is_help_command",
    "largest_photo",
    "pick",
    "read_update",
    "reference",
    "render_telegram",
    "sniff_image",
    "split_text",
    "utf16_len",
]
