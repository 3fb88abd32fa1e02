"""The REST client against the fake Twilio API (in process): sends, errors, media limits."""

from __future__ import annotations

import httpx
import pytest

from connectors.base import AttachmentRejected, DeliveryError
from connectors.twilio_sms import TwilioClient, TwilioConfig, parse_retry_after
from tests.fakes.twilio import CLINIC_NUMBER, FakeTwilio, Reply

TO = "+15557654321"


@pytest.fixture
def fake() -> FakeTwilio:
    return FakeTwilio(base_url="https://api.twilio.test")


def _client(fake: FakeTwilio, **changes: object) -> TwilioClient:
    config = TwilioConfig(
        account_sid=fake.account_sid,
        auth_token=fake.auth_token,
        sender=CLINIC_NUMBER,
        api_url=fake.base_url,
        max_media_bytes=1024,
    )
    for key, value in changes.items():
        object.__setattr__(config, key, value)
    return TwilioClient(config, transport=httpx.ASGITransport(app=fake.app))


async def test_sends_a_message(fake: FakeTwilio) -> None:
    sid = await _client(fake).send_message(TO, "hello")
    assert sid.startswith("SM")
    assert len(sid) == 34
    [sent] = fake.sent
    assert (sent.to, sent.body, sent.sender, sent.sid) == (TO, "hello", CLINIC_NUMBER, sid)


async def test_a_messaging_service_sends_instead_of_a_number(fake: FakeTwilio) -> None:
    await _client(fake, sender="MG" + "0" * 32).send_message(TO, "hello")
    assert fake.sent[0].sender == "MG" + "0" * 32


@pytest.mark.parametrize(
    ("reply", "code", "retryable", "opted_out"),
    [
        (Reply.too_many_requests(2), "20429", True, False),
        (Reply.server_error(500), "20500", True, False),
        (Reply.server_error(503), "20500", True, False),
        (Reply.unsubscribed(), "21610", False, True),
        (Reply.invalid_number(), "21211", False, False),
    ],
)
async def test_errors_say_whether_to_retry(
    fake: FakeTwilio, reply: Reply, code: str, retryable: bool, opted_out: bool
) -> None:
    fake.fail_next(TO, reply)
    with pytest.raises(DeliveryError) as err:
        await _client(fake).send_message(TO, "hello")
    assert (err.value.code, err.value.retryable, err.value.opted_out) == (
        code,
        retryable,
        opted_out,
    )
    if reply.status == 429:
        assert err.value.retry_after == 2


async def test_wrong_credentials_are_retryable(fake: FakeTwilio) -> None:
    with pytest.raises(DeliveryError) as err:
        await _client(fake, auth_token="wrong").send_message(TO, "hello")
    assert (err.value.code, err.value.retryable) == ("20003", True)


async def test_network_failures_are_retryable(fake: FakeTwilio) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    config = TwilioConfig(fake.account_sid, fake.auth_token, CLINIC_NUMBER, fake.base_url)
    client = TwilioClient(config, transport=httpx.MockTransport(refuse))
    with pytest.raises(DeliveryError) as err:
        await client.send_message(TO, "hello")
    assert (err.value.code, err.value.retryable) == ("network", True)


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after("999999") == 3600
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


async def test_fetches_media_without_leaking_the_token(fake: FakeTwilio) -> None:
    url = fake.add_media("image/png", PNG)
    fetched = await _client(fake).fetch_media(url)
    assert (fetched.content_type, fetched.data) == ("image/png", PNG)
    assert [r["authorised"] for r in fake.media_requests] == [True, False]


@pytest.mark.parametrize(
    ("content_type", "data", "reason"),
    [
        ("image/png", PNG + b"\x00" * 2000, "too_large"),
        ("text/html", b"<html></html>", "unsupported_type"),
        ("image/png", b"GIF89a....", "unsupported_type"),
        ("video/mp4", b"\x00\x00\x00\x18ftypmp42", "unsupported_type"),
    ],
)
async def test_media_limits(fake: FakeTwilio, content_type: str, data: bytes, reason: str) -> None:
    url = fake.add_media(content_type, data)
    with pytest.raises(AttachmentRejected) as err:
        await _client(fake).fetch_media(url)
    assert err.value.reason == reason


async def test_media_only_from_our_account_on_twilio(fake: FakeTwilio) -> None:
    client = _client(fake)
    for url in (
        "https://evil.example/2010-04-01/Accounts/x/Messages/MM1/Media/ME1",
        f"{fake.base_url}/2010-04-01/Accounts/AC{'9' * 32}/Messages/MM1/Media/ME1",
        "file:///etc/passwd",
    ):
        with pytest.raises(AttachmentRejected):
            await client.fetch_media(url)
    assert fake.media_requests == []
