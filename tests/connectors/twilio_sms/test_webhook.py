from __future__ import annotations

from urllib.parse import urlencode

import pytest

from connectors.base import AttachmentRef, InboundError
from connectors.twilio_sms import FormParams, parse_webhook
from tests.fakes.twilio import WebhookSigner

SIGNER = WebhookSigner("https://clinic.example")


def _parse(params: dict[str, str]) -> object:
    return parse_webhook(FormParams.parse(urlencode(params).encode()))


def test_parses_an_sms() -> None:
    params = SIGNER.params("+15551230001", "I have a cough")
    message = _parse(params)
    assert message.channel == "sms"  # type: ignore[attr-defined]
    assert message.text == "I have a cough"  # type: ignore[attr-defined]
    assert message.sender == "+15551230001"  # type: ignore[attr-defined]
    assert message.provider_message_id == params["MessageSid"]  # type: ignore[attr-defined]
    assert message.conversation_id is None  # type: ignore[attr-defined]
    assert message.attachments == ()  # type: ignore[attr-defined]


def test_parses_mms_media() -> None:
    media = (("https://api.twilio.com/a", "image/jpeg"), ("https://api.twilio.com/b", "image/png"))
    message = _parse(SIGNER.params("+15551230001", "", media=media))
    assert message.text == ""  # type: ignore[attr-defined]
    assert message.attachments == (  # type: ignore[attr-defined]
        AttachmentRef("https://api.twilio.com/a", "image/jpeg"),
        AttachmentRef("https://api.twilio.com/b", "image/png"),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("MessageSid", ""), ("MessageSid", "not-a-sid"), ("From", ""), ("From", "<script>")],
)
def test_refuses_missing_or_malformed_fields(field: str, value: str) -> None:
    params = SIGNER.params("+15551230001", "hi")
    params[field] = value
    if field == "MessageSid":
        params["SmsMessageSid"] = params["SmsSid"] = value
    with pytest.raises(InboundError) as err:
        _parse(params)
    assert value not in err.value.message or not value
