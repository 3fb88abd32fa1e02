"""SMS and MMS through Twilio: webhook signatures, parsing, keywords, rendering, REST client.

See ``docs/channels.md`` for connecting a Twilio number.
"""

from connectors.twilio_sms._channel import MAX_WEBHOOK_BYTES, TwilioSmsChannel
from connectors.twilio_sms._client import OPTED_OUT_CODES, TwilioClient, parse_retry_after
from connectors.twilio_sms._config import API_VERSION, DEFAULT_API_URL, TwilioConfig
from connectors.twilio_sms._keywords import keyword_for
from connectors.twilio_sms._render import (
    MAX_PART_CHARS,
    choose_option,
    numbered_options,
    plain,
    render_sms,
    split_text,
)
from connectors.twilio_sms._signature import FormParams, SignatureValidator
from connectors.twilio_sms._webhook import parse_webhook

__all__ = [
    "API_VERSION",
    "DEFAULT_API_URL",
    "MAX_PART_CHARS",
    "MAX_WEBHOOK_BYTES",
    "OPTED_OUT_CODES",
    "FormParams",
    "SignatureValidator",
    "TwilioClient",
    "TwilioConfig",
    "TwilioSmsChannel",
    "choose_option",
    "keyword_for",
    "numbered_options",
    "parse_retry_after",
    "parse_webhook",
    "plain",
    "render_sms",
    "split_text",
]
