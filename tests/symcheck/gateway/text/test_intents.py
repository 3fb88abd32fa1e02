from __future__ import annotations

import pytest

from symcheck.clinical.interview.protocol import Button
from symcheck.gateway.text.intents import guard_intent, is_slash, strip_command_prefix

OFFERED = (Button("Yes", "/affirm"), Button("No", "/deny"))


def test_plain_text_passes() -> None:
    guarded = guard_intent("I have a cough", OFFERED)
    assert guarded.text == "I have a cough"
    assert not guarded.is_button


def test_offered_payload_passes_as_a_button() -> None:
    guarded = guard_intent("/affirm", OFFERED)
    assert guarded.text == "/affirm"
    assert guarded.button == Button("Yes", "/affirm")


def test_other_intents_lose_their_slashes() -> None:
    assert guard_intent("/report_emergency", OFFERED).text == "report_emergency"
    assert guard_intent("///restart", OFFERED).text == "restart"
    assert guard_intent('/affirm{"x":1}', OFFERED).text == 'affirm{"x":1}'
    assert guard_intent("/ hello", ()).text == "hello"
    assert guard_intent("/", ()).text == ""


def test_nothing_offered() -> None:
    assert guard_intent("/affirm", ()).text == "affirm"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ /restart", "restart"),
        ("/\n/report_emergency", "report_emergency"),
        ("/\t/\r\n/ restart", "restart"),
        ("/ \u00a0/restart", "restart"),  # no-break space (Python's strip removes it too)
        ("/\u3000/restart", "restart"),  # ideographic space
        ("\u200b/restart", "restart"),  # zero-width space before the slash
        ("\u200b\u200d\ufeff/report_emergency", "report_emergency"),  # ZWSP, ZWJ, BOM
        ("/\u200b/restart", "restart"),
        ("\u2060/affirm", "affirm"),  # word joiner before an offered payload: not a press
        ("\uff0frestart", "restart"),  # fullwidth solidus
        ("\u2044restart", "restart"),  # fraction slash
        ("\u2215report_emergency", "report_emergency"),  # division slash
        ("\u29f8/restart", "restart"),  # big solidus
        ("／ ⁄ / restart", "restart"),
        ("/\u0338/restart", "restart"),  # combining long solidus overlay
        ("/ / / ", ""),
    ],
)
def test_the_whole_leading_run_of_slashes_and_invisible_characters_goes(
    text: str, expected: str
) -> None:
    guarded = guard_intent(text, OFFERED)
    assert guarded.text == expected
    assert not guarded.is_button


@pytest.mark.parametrize(
    "text",
    [
        "/ /restart",
        "/\n/report_emergency",
        "\u200b/restart",
        "\ufeff /restart",
        "\uff0f/restart",
        " \u2044 /request_human",
        '/\u00a0/inform_sex{"sex": "female"}',
        "/" * 500 + " " * 500 + "/restart",
    ],
)
def test_nothing_that_reaches_rasa_starts_with_a_slash(text: str) -> None:
    sent = guard_intent(text, OFFERED).text
    # Rasa strips whitespace before it looks for the "/" of an intent.
    assert not sent.strip().startswith("/")
    assert not any(is_slash(ch) for ch in sent[:1])


@pytest.mark.parametrize(
    "text",
    [
        "\u200bI have a cough",  # invisible characters alone are left to the bot
        "my temperature is 38/39",
        "pain 7/10 since 1/2 an hour",
        "and/or a headache",
        "½ a day of vomiting",
        "℅ my daughter: she has a rash",  # "c/o" does not start with a slash
    ],
)
def test_text_without_a_leading_slash_is_untouched(text: str) -> None:
    assert guard_intent(text, OFFERED).text == text
    assert strip_command_prefix(text) == text


def test_a_payload_must_match_exactly() -> None:
    assert guard_intent("/affirm ", OFFERED).text == "affirm "
    assert guard_intent("/AFFIRM", OFFERED).text == "AFFIRM"
    assert guard_intent("//affirm", OFFERED).text == "affirm"
