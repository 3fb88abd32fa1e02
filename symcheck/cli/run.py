"""``symcheck run`` (what ``make run`` calls): migrate, start the stack, print the URLs.

In development mode (the default) missing secrets are generated once into ``var/dev.env``
and a demo clinician account is created. With ``SYMCHECK_ENV=production`` every secret must
come from the environment. Ctrl-C stops every process cleanly.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from symcheck.settings import REPO_ROOT
from symcheck.stack import (
    SECRET_NAMES,
    Ports,
    Stack,
    StackError,
    base_environment,
    load_dev_secrets,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gateway-port", type=int, default=int(os.environ.get("SYMCHECK_PORT", 8000))
    )
    parser.add_argument(
        "--rasa-port", type=int, default=int(os.environ.get("SYMCHECK_RASA_PORT", 5005))
    )
    parser.add_argument(
        "--actions-port", type=int, default=int(os.environ.get("SYMCHECK_ACTION_PORT", 5055))
    )
    parser.add_argument("--log-dir", type=Path, default=REPO_ROOT / "var" / "log")


def run(args: argparse.Namespace) -> int:
    production = os.environ.get("SYMCHECK_ENV", "development") == "production"
    extra: dict[str, str] = {}
    if not production:
        for key, value in load_dev_secrets(REPO_ROOT / "var" / "dev.env").items():
            if not os.environ.get(key):
                extra[key] = value
    env = base_environment(REPO_ROOT, extra)
    missing = [n for n in SECRET_NAMES[:3] if not env.get(n)]
    if missing:
        print(f"error: set {', '.join(missing)} in the environment", file=sys.stderr)
        return 2

    venv_bin = REPO_ROOT / ".venv" / "bin"
    try:
        _run_step([str(venv_bin / "symcheck"), "db", "upgrade"], env, "database migrations")
        if not production:
            _run_step(
                [str(venv_bin / "symcheck"), "clinician", "ensure-demo"], env, "demo clinician"
            )
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    stack = Stack(
        REPO_ROOT,
        env,
        Ports(gateway=args.gateway_port, rasa=args.rasa_port, actions=args.actions_port),
        args.log_dir,
    )
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C raises KeyboardInterrupt even when started in the background (where the shell
    # makes SIGINT ignored), so every way of stopping ends in the same clean shutdown.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("==> starting the action server, Rasa and the gateway (Rasa takes a little while)...")
    try:
        stack.start()
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n==> stopped")
        return 130

    mode = "production" if production else "development"
    print(f"\nsymcheck is running ({mode} mode)")
    print(f"  Patient web chat:     {stack.chat_url}")
    print(f"  Clinician dashboard:  {stack.dashboard_url}")
    if not production:
        print(f"  Dashboard login:      demo@clinic.local / {env['SYMCHECK_DEMO_PASSWORD']}")
    print(f"  Logs:                 {args.log_dir}")
    print("Press Ctrl-C to stop.", flush=True)
    code = 0
    try:
        while not stopping:
            dead = stack.dead()
            if dead:
                print(
                    f"error: {', '.join(dead)} stopped unexpectedly; see {args.log_dir}",
                    file=sys.stderr,
                )
                code = 1
                break
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    print("\n==> stopping...")
    stack.stop()
    print("==> stopped")
    return code


def _run_step(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, cwd=REPO_ROOT, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise StackError(f"{what} failed:\n{result.stdout}{result.stderr}")
