"""Turn latency through the whole stack against a bare Rasa 3.6 server, and memory.

Both are measured in the same run (these machines are noisy; compare the ratio):

- baseline: the bot `rasa init` creates (Rasa 3.6.21, default config), trained once into
  ``var/bench/bare`` and served with its REST channel; each turn is one POST to Rasa;
- symcheck: the real stack (action server, Rasa, gateway) on a temporary SQLite database;
  each turn is one POST to the gateway's ``/api/web/messages`` (store, red-flag check, Rasa,
  custom actions running the interview engine, store replies).

Memory is the resident set size of each process (with children) after the run.

Usage: ``.venv/bin/python -m benchmarks.turn_latency [--conversations 20]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

from symcheck.settings import REPO_ROOT
from symcheck.stack import Ports, Stack, base_environment, free_port, new_secrets
from tests.auxil.web_patient import WebPatient, interview

BENCH_DIR = REPO_ROOT / "var" / "bench"
RASA = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
QUIET_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}

BARE_SCRIPT = ["hello", "I am feeling sad", "yes", "no", "great", "bye"]
PATIENT_OPENINGS = [
    "I have a sore throat and a fever",
    "my head hurts since yesterday",
    "I've had diarrhoea and stomach cramps for 2 days",
    "I have a cough and a runny nose",
    "my ankle is swollen after I twisted it",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            total += child.memory_info().rss
    except psutil.NoSuchProcess:
        return 0.0
    return total / 1e6


def ensure_bare_bot() -> Path:
    """A `rasa init` project with a trained model, created once and reused."""
    project = BENCH_DIR / "bare"
    if not list((project / "models").glob("*.tar.gz")):
        project.mkdir(parents=True, exist_ok=True)
        print("==> creating and training the bare `rasa init` bot (once)...", flush=True)
        with (BENCH_DIR / "bare-train.log").open("wb") as log:
            subprocess.run(
                [str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
                check=True,
                cwd=project,
                env={**os.environ, **QUIET_ENV},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    return project


@contextmanager
def bare_rasa(project: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    log = (BENCH_DIR / "bare-rasa.log").open("wb")
    proc = subprocess.Popen(
        [str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port)],
        cwd=project,
        env={**os.environ, **QUIET_ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        with httpx.Client(timeout=2) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError("bare Rasa exited; see var/bench/bare-rasa.log")
                try:
                    if client.get(f"{url}/webhooks/rest/").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("bare Rasa did not start")
                time.sleep(0.5)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def bench_bare(url: str, conversations: int) -> list[float]:
    latencies: list[float] = []
    with httpx.Client(timeout=30) as client:
        for _ in range(conversations):
            sender = str(uuid.uuid4())
            for text in BARE_SCRIPT:
                start = time.perf_counter()
                response = client.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                )
                response.raise_for_status()
                latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def bench_stack(stack_url: str, conversations: int) -> tuple[list[float], list[int]]:
    """Whole interviews by a simulated patient; the latency of every turn."""
    latencies: list[float] = []
    turns_per_conversation: list[int] = []
    with httpx.Client(base_url=stack_url, timeout=60) as client:
        for i in range(conversations):
            patient = TimedPatient(client)
            interview(patient, PATIENT_OPENINGS[i % len(PATIENT_OPENINGS)], age="34")
            latencies += patient.latencies
            turns_per_conversation.append(len(patient.latencies))
    return latencies, turns_per_conversation


class TimedPatient(WebPatient):
    """A simulated web-chat patient that records how long each turn takes."""

    latencies: list[float]

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(client)
        self.latencies = []

    def say(self, text: str) -> list[dict[str, object]]:
        start = time.perf_counter()
        messages = super().say(text)
        self.latencies.append((time.perf_counter() - start) * 1000)
        return messages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)

    project = ensure_bare_bot()
    with tempfile.TemporaryDirectory() as tmp:
        env = base_environment(
            REPO_ROOT,
            {**new_secrets(), "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SYMCHECK_ENV": "test"},
        )
        subprocess.run(
            [str(REPO_ROOT / ".venv/bin/symcheck"), "db", "upgrade"], env=env, check=True
        )
        stack = Stack(REPO_ROOT, env, Ports.free(), Path(tmp) / "logs")
        print("==> starting the symcheck stack...", flush=True)
        stack.start()
        try:
            with bare_rasa(project) as (bare_url, bare_pid):
                # Warm up both, then interleave the measurements so noise hits both alike.
                bench_bare(bare_url, 1)
                bench_stack(stack.gateway_url, 1)
                bare: list[float] = []
                full: list[float] = []
                turns: list[int] = []
                for _ in range(args.conversations):
                    bare += bench_bare(bare_url, 1)
                    lat, t = bench_stack(stack.gateway_url, 1)
                    full += lat
                    turns += t
                bare_mem = rss_mb(bare_pid)
            stack_mem = {name: rss_mb(pid) for name, pid in stack.pids().items()}
        finally:
            stack.stop()

    result = {
        "turns": {"bare_rasa": len(bare), "symcheck": len(full)},
        "bare_rasa_ms": {"p50": percentile(bare, 50), "p95": percentile(bare, 95)},
        "symcheck_ms": {"p50": percentile(full, 50), "p95": percentile(full, 95)},
        "ratio": {
            "p50": percentile(full, 50) / percentile(bare, 50),
            "p95": percentile(full, 95) / percentile(bare, 95),
        },
        "median_turns_per_conversation": statistics.median(turns),
        "memory_mb": {"bare_rasa": bare_mem, **stack_mem, "stack_total": sum(stack_mem.values())},
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(
        "\n| | p50 (ms) | p95 (ms) |\n|---|---|---|\n"
        f"| bare Rasa 3.6 (`rasa init` bot, REST) | {result['bare_rasa_ms']['p50']:.0f} | "
        f"{result['bare_rasa_ms']['p95']:.0f} |\n"
        f"| symcheck (gateway + Rasa + actions) | {result['symcheck_ms']['p50']:.0f} | "
        f"{result['symcheck_ms']['p95']:.0f} |\n"
        f"| ratio | {result['ratio']['p50']:.2f} | {result['ratio']['p95']:.2f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
