"""Bot commands: ``/start``, ``/help``, ``/restart`` (the bot's menu, set by
``symcheck telegram set-webhook``).

- ``/start`` (Telegram sends it when a patient opens the bot, with an optional deep-link
  parameter): the greeting intent, answered by the bot with its greeting and consent notice;
- ``/restart``: the start-over intent (like typing "start over");
- ``/help`` and any other command (``/stop``, ``/settings``...): the gateway's help text, with
  the clinic's name and the emergency number.

A command is the whole message's first word: ``/help``, ``/help@ClinicBot``, ``/start abc``.
"""

from __future__ import annotations

import re

from symcheck.clinical.interview.protocol import Button

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{3,64})?(?:\s|$)")

START = Button("/start", "/greet")
RESTART = Button("/restart", "/restart_conversation")
#: Commands that stand for a bot intent.
INTENT_COMMANDS = {"start": START, "restart": RESTART}
#: Shown in Telegram's command menu.
MENU = (
    ("start", "Start a symptom check"),
    ("restart", "Start a new check"),
    ("help", "What this bot does and the emergency number"),
)


def command_name(text: str) -> str | None:
    """The command a message starts with, lower case, without ``/`` and ``@bot``."""
    match = _COMMAND.match(text.strip())
    return match.group(1).lower() if match else None


def intent_command(text: str) -> Button | None:
    name = command_name(text)
    return INTENT_COMMANDS.get(name) if name else None


def is_help_command(text: str) -> bool:
    """``/help``, or a command we do not have (answered with the help text too)."""
    name = command_name(text)
    return name is not None and name not in INTENT_COMMANDS
