"""The action server as ``symcheck serve-actions`` runs it: token, routes, binding."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from symcheck.actions_server import bearer_matches
from symcheck.bridge import decode
from symcheck.settings import REPO_ROOT
from symcheck.stack import free_port
from tests.actions.conftest import KB_SMALL, tracker_dict

TOKEN = "action-token-for-tests-0123456789"
SYMCHECK = str(Path(sys.executable).parent / "symcheck")  # the installed console script


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]


def server_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SYMCHECK_ENV": "test",
        "SYMCHECK_KB_DIR": str(KB_SMALL),
        "SYMCHECK_RULES_DIR": str(KB_SMALL / "rules"),
        "SYMCHECK_ACTION_TOKEN": TOKEN,
        **extra,
    }


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    port = free_port()
    process = subprocess.Popen(
        [SYMCHECK, "serve-actions"],
        env=server_env(SYMCHECK_ACTION_PORT=str(port)),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"action server exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("action server did not start in time")
            time.sleep(0.2)
        yield RunningServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def action_call(action: str, text: str, intent: str) -> dict:
    return {
        "next_action": action,
        "sender_id": "conv-test",
        "version": "3.6.21",
        "domain": {},
        "tracker": tracker_dict(text, intent),
    }


def test_health_is_open(server: RunningServer) -> None:
    assert httpx.get(f"{server.url}/health").json() == {"status": "ok"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}, {"Authorization": "Bearer"}],
    ids=["missing", "wrong", "no-scheme", "empty"],
)
@pytest.mark.parametrize("route", ["/webhook", "/actions"])
def test_routes_need_the_token(server: RunningServer, route: str, headers: dict) -> None:
    if route == "/webhook":
        reply = httpx.post(
            f"{server.url}{route}",
            json=action_call("action_interview_turn", "hi", "greet"),
            headers=headers,
        )
    else:
        reply = httpx.get(f"{server.url}{route}", headers=headers)
    assert reply.status_code == 401
    assert reply.json() == {"error": "unauthorized"}


def test_webhook_runs_a_real_action(server: RunningServer) -> None:
    reply = httpx.post(
        f"{server.url}/webhook",
        json=action_call("action_interview_turn", "hello", "greet"),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert reply.status_code == 200
    body = reply.json()
    [slot] = body["events"]
    assert slot["event"] == "slot"
    assert slot["name"] == "interview"
    visible = [r for r in body["responses"] if not r.get("custom")]
    bridges = [decode(r["custom"]) for r in body["responses"] if r.get("custom")]
    assert visible
    assert len(bridges) == 1
    assert bridges[0] is not None


def test_actions_lists_the_four_actions(server: RunningServer) -> None:
    reply = httpx.get(f"{server.url}/actions", headers={"Authorization": f"Bearer {TOKEN}"})
    assert {a["name"] for a in reply.json()} == {
        "action_interview_turn",
        "action_check_red_flags",
        "action_request_handoff",
        "action_start_over",
    }


def test_errors_never_echo_the_request(server: RunningServer) -> None:
    call = action_call("action_interview_turn", "my secret symptom", "greet")
    call["tracker"]["slots"]["interview"] = "not a state"  # unreadable: engine starts afresh
    call["next_action"] = "action_that_does_not_exist"
    reply = httpx.post(
        f"{server.url}/webhook", json=call, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert reply.status_code == 404
    assert "my secret symptom" not in reply.text
    bad = httpx.post(
        f"{server.url}/webhook",
        content=b"{not json",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert "not json" not in bad.text


def test_binds_to_loopback_only(server: RunningServer) -> None:
    listening = [
        c.laddr
        for c in psutil.Process(server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening
    assert {address.ip for address in listening} == {"127.0.0.1"}


def test_refuses_to_start_without_a_token() -> None:
    env = server_env(SYMCHECK_ACTION_PORT=str(free_port()))
    del env["SYMCHECK_ACTION_TOKEN"]
    done = subprocess.run(
        [SYMCHECK, "serve-actions"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert b"SYMCHECK_ACTION_TOKEN" in done.stderr


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        (f"Bearer {TOKEN}x", False),
        (TOKEN, False),
        ("", False),
        (None, False),
    ],
)
def test_bearer_matches(header: str | None, ok: bool) -> None:
    assert bearer_matches(header, TOKEN) is ok
    assert bearer_matches(header, "") is False
