from __future__ import annotations

import pytest

from connectors.base import ControlKeyword
from connectors.telegram import TelegramChannel, command_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("/start", "start"),
        ("/start deep-link-payload", "start"),
        ("/Help@SymcheckClinicBot", "help"),
        ("  /restart  ", "restart"),
        ("/ I have pain", None),
        ("I said /help", None),
        ("//restart", None),
    ],
)
def test_command_names(text: str, name: str | None) -> None:
    assert command_name(text) == name


def test_start_and_restart_stand_for_intents(offline_channel: TelegramChannel) -> None:
    start = offline_channel.command("/start abc")
    restart = offline_channel.command("/restart@SymcheckClinicBot")
    assert start is not None
    assert start.payload == "/greet"
    assert restart is not None
    assert restart.payload == "/restart_conversation"
    assert offline_channel.command("start over") is None
    assert offline_channel.command("/help") is None


def test_help_and_unknown_commands_are_answered_by_the_gateway(
    offline_channel: TelegramChannel,
) -> None:
    for text in ("/help", "/stop", "/settings"):
        assert offline_channel.control_keyword(text, opted_out=False) is ControlKeyword.HELP
    for text in ("/start", "/restart", "help", "STOP"):
        assert offline_channel.control_keyword(text, opted_out=True) is None
