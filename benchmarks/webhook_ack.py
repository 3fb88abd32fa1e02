"""SMS webhook acknowledgement time through the real stack, against ``/healthz`` in the same run.

The gateway must answer Twilio's webhook quickly (target: p95 <= 200 ms): it verifies the
signature, stores the message (encrypted) and commits, and answers with empty TwiML; the bot's
turn (red-flag rules, Rasa, the action server) and the replies happen afterwards, in the
inbound and outbox workers. This measures that acknowledgement while the workers are busy
with the earlier messages, which is how it happens in production.

- baseline: ``GET /healthz`` on the same gateway (the HTTP round trip, routing, middleware);
- webhook: ``POST /webhooks/twilio/sms``, a signed inbound SMS (a new ``MessageSid`` each
  time), from ``--patients`` phone numbers taking turns with the texts of a short interview.

The two are interleaved, so machine noise hits both alike; compare the ratio. At the end the
script waits until every message was processed and every reply sent to the fake Twilio API
(on localhost), and checks that none was lost or sent twice.

Usage: ``.venv/bin/python -m benchmarks.webhook_ack [--requests 300] [--patients 20]``.
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
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from connectors.twilio_sms import render_sms
from symcheck.crypto import Cipher
from symcheck.gateway.identity import ChannelIdentity
from symcheck.settings import REPO_ROOT
from symcheck.stack import Ports, Stack, base_environment, new_secrets
from symcheck.storage.db import build_engine, session_factory
from symcheck.storage.repositories import Store
from tests.fakes.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CLINIC_NUMBER,
    FakeTwilioServer,
    WebhookSigner,
)

BENCH_DIR = REPO_ROOT / "var" / "bench"
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


def measure(
    gateway_url: str, requests: int, patients: int
) -> tuple[list[float], list[float], list[str]]:
    numbers = [f"+1666{i:07d}" for i in range(patients)]
    signer = WebhookSigner(gateway_url)
    health: list[float] = []
    acks: list[float] = []
    with httpx.Client(base_url=gateway_url, timeout=30) as client:

        def ping() -> None:
            start = time.perf_counter()
            client.get("/healthz").raise_for_status()
            health.append((time.perf_counter() - start) * 1000)

        def webhook(i: int) -> None:
            number = numbers[i % patients]
            text = SCRIPT[(i // patients) % len(SCRIPT)]
            params = signer.params(number, text)
            headers = signer.headers(params)
            body = urlencode(params)
            start = time.perf_counter()
            response = client.post(signer.path, content=body, headers=headers)
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
    return health, acks, numbers


def account(
    store: Store, identity: ChannelIdentity, fake: object, numbers: list[str]
) -> dict[str, int]:
    """Every reply stored for each patient, rendered, against what the fake Twilio accepted."""
    lost = duplicated = expected_parts = unprocessed = 0
    for number in numbers:
        with store.unit_of_work() as uow:
            conv = uow.conversations.find_by_channel_user("sms", identity.candidates("sms", number))
            messages = uow.messages.list_after(conv.id) if conv else []
        want = [
            part
            for m in messages
            if m.direction == "out" and m.status != "not_sent"
            for part in render_sms(m.text, m.buttons)
        ]
        got = fake.sent_to(number)  # type: ignore[attr-defined]
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


def drained(store: Store) -> bool:
    with store.unit_of_work() as uow:
        received = uow.session.execute(
            text("SELECT count(*) FROM messages WHERE status = 'received'")
        ).scalar_one()
        return received == 0 and uow.outbox.count_open() == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "webhook_ack.json")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp, FakeTwilioServer() as twilio:
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
            started = time.monotonic()
            health, acks, numbers = measure(stack.gateway_url, args.requests, args.patients)
            sent_in = time.monotonic() - started
            while not drained(store):
                time.sleep(0.2)
            drained_in = time.monotonic() - started
            ledger = account(store, ChannelIdentity([keys]), twilio.fake, numbers)
        finally:
            engine.dispose()
            stack.stop()

    result = {
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
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(
        "\n| | p50 (ms) | p95 (ms) |\n|---|---|---|\n"
        f"| `GET /healthz` (baseline) | {result['healthz_ms']['p50']:.1f} | "
        f"{result['healthz_ms']['p95']:.1f} |\n"
        f"| `POST /webhooks/twilio/sms` (acknowledged) | {result['webhook_ack_ms']['p50']:.1f} | "
        f"{result['webhook_ack_ms']['p95']:.1f} |\n"
        f"| ratio | {result['ratio']['p50']:.2f} | {result['ratio']['p95']:.2f} |"
    )
    ok = ledger["lost"] == 0 and ledger["duplicated"] == 0 and ledger["unprocessed"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
