from __future__ import annotations

import pytest

from connectors.base import ControlKeyword
from connectors.twilio_sms import keyword_for


@pytest.mark.parametrize(
    "text", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "CANCEL", "end", "QUIT!"]
)
def test_opt_out(text: str) -> None:
    assert keyword_for(text, opted_out=False) is ControlKeyword.OPT_OUT
    assert keyword_for(text, opted_out=True) is ControlKeyword.OPT_OUT


@pytest.mark.parametrize("text", ["START", "start", "UNSTOP"])
def test_opt_in(text: str) -> None:
    assert keyword_for(text, opted_out=True) is ControlKeyword.OPT_IN
    assert keyword_for(text, opted_out=False) is ControlKeyword.OPT_IN


def test_yes_opts_in_only_when_opted_out() -> None:
    assert keyword_for("YES", opted_out=True) is ControlKeyword.OPT_IN
    assert keyword_for("yes", opted_out=False) is None


@pytest.mark.parametrize("text", ["HELP", "help", "Info"])
def test_help(text: str) -> None:
    assert keyword_for(text, opted_out=False) is ControlKeyword.HELP


@pytest.mark.parametrize(
    "text", ["stop the pain", "I want to stop", "help me please", "please help", "the end", ""]
)
def test_only_whole_messages_count(text: str) -> None:
    assert keyword_for(text, opted_out=False) is None
