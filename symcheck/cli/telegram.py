"""``symcheck telegram``: connect the Telegram bot (``SYMCHECK_TELEGRAM_*``).

- ``info``: the bot's name (``getMe``) and where Telegram sends its updates
  (``getWebhookInfo``);
- ``set-webhook``: ``setWebhook`` to ``SYMCHECK_PUBLIC_URL`` + ``/webhooks/telegram/updates``
  (or ``--url``) with ``SYMCHECK_TELEGRAM_WEBHOOK_SECRET`` as the secret token and the update
  types the gateway reads, and ``setMyCommands`` for the command menu;
- ``delete-webhook``: ``deleteWebhook`` (polling mode does it itself when the gateway starts).

Never prints the token or the secret.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from connectors.telegram import ALLOWED_UPDATES, MENU, TelegramChannel
from symcheck.gateway.app import telegram_config
from symcheck.settings import Settings, SettingsError, TelegramMode, get_settings

WEBHOOK_PATH = "/webhooks/telegram/updates"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("info", help="show the bot and its webhook")
    hook = sub.add_parser("set-webhook", help="point Telegram at this gateway's webhook")
    hook.add_argument(
        "--url", help=f"the webhook URL (default: SYMCHECK_PUBLIC_URL + {WEBHOOK_PATH})"
    )
    hook.add_argument(
        "--max-connections",
        type=int,
        default=None,
        help="simultaneous deliveries Telegram may make (1-100; Telegram's default is 40)",
    )
    hook.add_argument(
        "--drop-pending-updates", action="store_true", help="discard updates waiting at Telegram"
    )
    drop = sub.add_parser("delete-webhook", help="stop Telegram calling the webhook")
    drop.add_argument("--drop-pending-updates", action="store_true")


def webhook_url(settings: Settings, url: str | None) -> str:
    if url:
        return url
    if not settings.public_url:
        raise SettingsError(f"set SYMCHECK_PUBLIC_URL (or pass --url https://.../{WEBHOOK_PATH})")
    return settings.public_url.rstrip("/") + WEBHOOK_PATH


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    channel = TelegramChannel(telegram_config(settings))
    client = channel.client
    try:
        if args.action == "info":
            me = await client.get_me()
            info = await client.get_webhook_info()
            print(f"bot: @{me.username} (id {me.id})")
            print(f"mode (this gateway): {settings.telegram_mode.value}")
            print(f"webhook: {info.url or '(none: polling)'}")
            print(f"pending updates: {info.pending_update_count}")
            if info.last_error_message:
                print(f"last delivery error: {info.last_error_message}")
            return 0
        if args.action == "set-webhook":
            if settings.telegram_mode is not TelegramMode.WEBHOOK:
                raise SettingsError("SYMCHECK_TELEGRAM_MODE is polling: unset it for a webhook")
            url = webhook_url(settings, args.url)
            if not url.startswith("https://"):
                raise SettingsError("Telegram only calls https:// webhooks")
            secret = settings.require("telegram_webhook_secret")
            await client.set_webhook(
                url,
                secret,
                ALLOWED_UPDATES,
                max_connections=args.max_connections,
                drop_pending_updates=args.drop_pending_updates,
            )
            await client.set_commands(MENU)
            print(f"webhook set: {url} (with the secret token); commands: /start /help /restart")
            return 0
        await client.delete_webhook(drop_pending_updates=args.drop_pending_updates)
        print("webhook deleted")
        return 0
    finally:
        await channel.aclose()


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_settings()
    if not settings.telegram_enabled:
        raise SettingsError("set SYMCHECK_TELEGRAM_BOT_TOKEN (from @BotFather)")
    return asyncio.run(_run(args, settings))
