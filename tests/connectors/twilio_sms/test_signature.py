"""Webhook signatures, checked against vectors computed by Twilio's own library and by hand."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from twilio.request_validator import RequestValidator

from connectors.base import WebhookRejected
from connectors.twilio_sms import FormParams, SignatureValidator

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
BODY = (
    b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234"
    b"&From=%2B12349013030&To=%2B18005551212"
)


def _by_hand(token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(k + params[k] for k in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def test_the_scheme_is_hmac_sha1_over_url_and_sorted_params() -> None:
    assert RequestValidator(TOKEN).compute_signature(URL, PARAMS) == _by_hand(TOKEN, URL, PARAMS)


def test_accepts_twilios_signature() -> None:
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    SignatureValidator(TOKEN).check(URL, FormParams.parse(BODY), {"X-Twilio-Signature": signature})


def test_header_names_are_case_insensitive_in_practice() -> None:
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    SignatureValidator(TOKEN).check(URL, FormParams.parse(BODY), {"x-twilio-signature": signature})


@pytest.mark.parametrize(
    ("url", "body", "token"),
    [
        ("https://mycompany.com/myapp.php?foo=1&bar=3", BODY, TOKEN),  # query changed
        ("http://mycompany.com/myapp.php?foo=1&bar=2", BODY, TOKEN),  # scheme changed
        ("https://evil.com/myapp.php?foo=1&bar=2", BODY, TOKEN),  # host changed
        (URL, BODY.replace(b"Digits=1234", b"Digits=1235"), TOKEN),  # a value changed
        (URL, BODY + b"&Extra=1", TOKEN),  # a parameter added
        (URL, BODY, "54321"),  # another account's token
    ],
)
def test_refuses_anything_changed(url: str, body: bytes, token: str) -> None:
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    with pytest.raises(WebhookRejected) as err:
        SignatureValidator(token).check(
            url, FormParams.parse(body), {"X-Twilio-Signature": signature}
        )
    assert err.value.reason == "bad_signature"


def test_the_default_port_may_or_may_not_be_in_the_signed_url() -> None:
    with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    signature = RequestValidator(TOKEN).compute_signature(with_port, PARAMS)
    SignatureValidator(TOKEN).check(URL, FormParams.parse(BODY), {"X-Twilio-Signature": signature})


def test_repeated_and_empty_parameters_are_signed_like_twilio_does() -> None:
    params = FormParams.parse(b"Body=&MediaUrl0=a&Tag=y&Tag=x")
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    data = URL + "Body" + "MediaUrl0a" + "Tagx" + "Tagy"  # names sorted, then values sorted
    expected = base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest())
    assert signature == expected.decode()
    SignatureValidator(TOKEN).check(URL, params, {"X-Twilio-Signature": signature})
    assert params.getall("Tag") == ["y", "x"]


def test_missing_signature_and_unsupported_schemes_are_refused() -> None:
    params = FormParams.parse(BODY)
    with pytest.raises(WebhookRejected) as err:
        SignatureValidator(TOKEN).check(URL, params, {})
    assert err.value.reason == "missing_signature"
    signature = RequestValidator(TOKEN).compute_signature(URL, PARAMS)
    headers = {
        "X-Twilio-Signature": signature,
        "X-Twilio-Webhooks-Signature-Settings": "key=sk_1,algorithm=HMAC_SHA256",
    }
    with pytest.raises(WebhookRejected) as err:
        SignatureValidator(TOKEN).check(URL, params, headers)
    assert err.value.reason == "unsupported_signature_scheme"


def test_a_body_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(WebhookRejected):
        FormParams.parse(b"Body=\xff\xfe")


def test_sign_matches_the_library() -> None:
    assert SignatureValidator(TOKEN).sign(URL, PARAMS) == RequestValidator(TOKEN).compute_signature(
        URL, PARAMS
    )
