"""Webhook acknowledgement time (SMS or Telegram) through the real stack, against ``/healthz``.

The gateway must answer Twilio's webhook quickly (target: p95 <= 200 ms): it verifies the
signature, stores the message (encrypted) and commits, and answers with empty TwiML; the bot's
turn (red-flag rules, Rasa, the action server) and the replies happen afterwards, in the
inbound and outbox workers. This measures that acknowledgement while the workers are busy
with the earlier messages, which is how it happens in production.

- baseline: ``GET /healthz`` on the same gateway (the HTTP round trip, routing, middleware);
- webhook (``--channel sms``, the default): ``POST /webhooks/twilio/sms``, a signed inbound
  SMS (a new ``MessageSid`` each time), from ``--patients`` phone numbers taking turns with the
  texts of a short interview;
- webhook (``--channel telegram``): ``POST /webhooks/telegram/updates``, a Telegram update
  with the secret token header (a new ``update_id`` each time), from ``--patients`` chats.

The two are interleaved, so machine noise hits both alike; compare the ratio. At the end the
script waits until every message was processed and every reply sent to the fake Twilio API
(or Telegram) API on localhost, and checks that none was lost or sent twice.

Usage: ``.venv/bin/python -m benchmarks.webhook_ack [--channel sms|telegram] [--requests 300]
[--patients 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from connectors.telegram import render_telegram
from connectors.twilio_sms import render_sms
from symcheck.crypto import Cipher
from symcheck.gateway.identity import ChannelIdentity
from symcheck.settings import REPO_ROOT
from symcheck.stack import Ports, Stack, base_environment, new_secrets
from symcheck.storage.db import build_engine, session_factory
from symcheck.storage.repositories import Store
from tests.fakes.telegram import (
    BOT_TOKEN,
    WEBHOOK_SECRET,
    FakeTelegram,
    FakeTelegramServer,
    FakeUser,
    WebhookSender,
)
from tests.fakes.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CLINIC_NUMBER,
    FakeTwilioServer,
    WebhookSigner,
)

BENCH_DIR = REPO_ROOT / "var" / "bench"
WEBHOOKS = {"sms": "/webhooks/twilio/sms", "telegram": "/webhooks/telegram/updates"}
SCRIPT = [
    "I have a sore throat and a fever",
    "it started two days ago",
    "34",
    "2",
    "no",
    "yes",
    "I don't know",
    "no",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2),
    }


def telegram_requests(
    fake: FakeTelegram, patients: int
) -> tuple[list[str], Callable[[int], tuple[str, bytes, dict[str, str]]]]:
    """Chat ids, and the i-th webhook request (path, body, headers) of the Telegram run."""
    users: list[FakeUser] = [fake.new_user() for _ in range(patients)]
    sender = WebhookSender("/webhooks/telegram/updates", WEBHOOK_SECRET)

    def request(i: int) -> tuple[str, bytes, dict[str, str]]:
        user = users[i % patients]
        text = SCRIPT[(i // patients) % len(SCRIPT)]
        update = fake.text_update(user, text)
        return sender.url, sender.body(update), sender.headers()

    return [str(u.chat_id) for u in users], request


def sms_requests(
    gateway_url: str, patients: int
) -> tuple[list[str], Callable[[int], tuple[str, bytes, dict[str, str]]]]:
    numbers = [f"+1666{i:07d}" for i in range(patients)]
    signer = WebhookSigner(gateway_url)

    def request(i: int) -> tuple[str, bytes, dict[str, str]]:
        number = numbers[i % patients]
        text = SCRIPT[(i // patients) % len(SCRIPT)]
        params = signer.params(number, text)
        return signer.path, urlencode(params).encode(), signer.headers(params)

    return numbers, request


def measure(
    gateway_url: str,
    requests: int,
    build: Callable[[int], tuple[str, bytes, dict[str, str]]],
) -> tuple[list[float], list[float]]:
    health: list[float] = []
    acks: list[float] = []
    with httpx.Client(base_url=gateway_url, timeout=30) as client:

        def ping() -> None:
            start = time.perf_counter()
            client.get("/healthz").raise_for_status()
            health.append((time.perf_counter() - start) * 1000)

        def webhook(i: int) -> None:
            path, body, headers = build(i)
            start = time.perf_counter()
            response = client.post(path, content=body, headers=headers)
            acks.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}")

        for _ in range(10):  # warm up (not counted)
            client.get("/healthz")
        for i in range(requests):
            if i % 2:
                ping()
                webhook(i)
            else:
                webhook(i)
                ping()
    return health, acks


def account(
    store: Store, identity: ChannelIdentity, fake: object, users: list[str], channel: str
) -> dict[str, int]:
    """Every reply stored for each patient, rendered, against what the fake API accepted."""
    lost = duplicated = expected_parts = unprocessed = 0
    for user in users:
        with store.unit_of_work() as uow:
            conv = uow.conversations.find_by_channel_user(
                channel, identity.candidates(channel, user)
            )
            messages = uow.messages.list_after(conv.id) if conv else []
        want = [
            part
            for m in messages
            if m.direction == "out" and m.status != "not_sent"
            for part in _render(channel, m.text, m.buttons)
        ]
        got = fake.sent_to(int(user) if channel == "telegram" else user)  # type: ignore[attr-defined]
        expected_parts += len(want)
        lost += sum((Counter(want) - Counter(got)).values())
        duplicated += sum((Counter(got) - Counter(want)).values())
        unprocessed += sum(m.status == "received" for m in messages)
    return {
        "expected_parts": expected_parts,
        "lost": lost,
        "duplicated": duplicated,
        "unprocessed": unprocessed,
    }


def _render(channel: str, text: str, buttons: Any) -> list[str]:
    if channel == "telegram":
        return [t for t, _ in render_telegram(text, buttons)]
    return render_sms(text, buttons)


def drained(store: Store) -> bool:
    with store.unit_of_work() as uow:
        received = uow.session.execute(
            text("SELECT count(*) FROM messages WHERE status = 'received'")
        ).scalar_one()
        return received == 0 and uow.outbox.count_open() == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel", choices=("sms", "telegram"), default="sms")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    suffix = "" if args.channel == "sms" else f"_{args.channel}"
    output = args.output or BENCH_DIR / f"webhook_ack{suffix}.json"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTwilioServer() as twilio,
        FakeTelegramServer() as telegram,
    ):
        secrets = new_secrets()
        database_url = f"sqlite:///{tmp}/bench.db"
        env = base_environment(
            REPO_ROOT,
            {
                **secrets,
                "DATABASE_URL": database_url,
                "SYMCHECK_ENV": "test",
                "SYMCHECK_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "SYMCHECK_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "SYMCHECK_TWILIO_FROM": CLINIC_NUMBER,
                "SYMCHECK_TWILIO_API_URL": twilio.url,
                "SYMCHECK_TELEGRAM_BOT_TOKEN": BOT_TOKEN,
                "SYMCHECK_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "SYMCHECK_TELEGRAM_API_URL": telegram.url,
            },
        )
        subprocess.run(
            [str(REPO_ROOT / ".venv/bin/symcheck"), "db", "upgrade"], env=env, check=True
        )
        stack = Stack(REPO_ROOT, env, Ports.free(), Path(tmp) / "logs")
        print("==> starting the symcheck stack...", flush=True)
        stack.start()
        keys = secrets["SYMCHECK_ENCRYPTION_KEYS"]
        engine = build_engine(database_url)
        store = Store(session_factory(engine), Cipher(keys))
        try:
            if args.channel == "telegram":
                users, build = telegram_requests(telegram.fake, args.patients)
                fake: object = telegram.fake
            else:
                users, build = sms_requests(stack.gateway_url, args.patients)
                fake = twilio.fake
            started = time.monotonic()
            health, acks = measure(stack.gateway_url, args.requests, build)
            sent_in = time.monotonic() - started
            while not drained(store):
                time.sleep(0.2)
            drained_in = time.monotonic() - started
            ledger = account(store, ChannelIdentity([keys]), fake, users, args.channel)
        finally:
            engine.dispose()
            stack.stop()

    result = {
        "channel": args.channel,
        "requests": {"healthz": len(health), "webhook": len(acks), "patients": args.patients},
        "healthz_ms": summary(health),
        "webhook_ack_ms": summary(acks),
        "ratio": {
            "p50": round(percentile(acks, 50) / percentile(health, 50), 2),
            "p95": round(percentile(acks, 95) / percentile(health, 95), 2),
        },
        "seconds": {
            "to_send_all": round(sent_in, 1),
            "to_process_and_reply_all": round(drained_in, 1),
        },
        "replies": ledger,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(
        "\n| | p50 (ms) | p95 (ms) |\n|---|---|---|\n"
        f"| `GET /healthz` (baseline) | {result['healthz_ms']['p50']:.1f} | "
        f"{result['healthz_ms']['p95']:.1f} |\n"
        f"| `POST {WEBHOOKS[args.channel]}` (acknowledged) | "
        f"{result['webhook_ack_ms']['p50']:.1f} | "
        f"{result['webhook_ack_ms']['p95']:.1f} |\n"
        f"| ratio | {result['ratio']['p50']:.2f} | {result['ratio']['p95']:.2f} |"
    )
    ok = ledger["lost"] == 0 and ledger["duplicated"] == 0 and ledger["unprocessed"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
