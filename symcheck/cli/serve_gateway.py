"""``symcheck serve-gateway``: run the gateway (web chat, dashboard, JSON API) with uvicorn.

Host and port come from the settings (``SYMCHECK_HOST``, ``SYMCHECK_PORT``) unless given.
Uvicorn's access log is off: the gateway logs one line per request itself (route template,
status, duration), never bodies or query strings.
"""

from __future__ import annotations

import argparse
import logging
from types import FrameType

import uvicorn

from symcheck.settings import get_settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class GatewayServer(uvicorn.Server):
    """Ends waiting long polls as soon as shutdown starts, so stopping is quick and clean."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        app = self.config.app
        gateway = getattr(getattr(app, "state", None), "gateway", None)
        if gateway is not None:
            gateway.notifier.close()
        super().handle_exit(sig, frame)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to bind (default: SYMCHECK_HOST)")
    parser.add_argument("--port", type=int, help="port to bind (default: SYMCHECK_PORT)")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, force=True)
    logging.getLogger("uvicorn.access").disabled = True  # never the access log
    # httpx logs every request URL at INFO; channel URLs can carry tokens (Telegram).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # python-telegram-bot logs request parameters (chat ids, text) at DEBUG and, when it
    # cannot read an answer, the answer itself at ERROR/CRITICAL: never any of it.
    logging.getLogger("telegram").setLevel(logging.CRITICAL + 1)


def build_config(args: argparse.Namespace) -> uvicorn.Config:
    from symcheck.gateway.app import create_app

    settings = get_settings()
    return uvicorn.Config(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        access_log=False,
        log_config=None,
        server_header=False,
        proxy_headers=True,
        timeout_graceful_shutdown=5,
    )


def run(args: argparse.Namespace) -> int:
    from symcheck.clinical.classifier.runtime import keep_training_libraries_out

    keep_training_libraries_out()  # the red-flag precheck loads spaCy; it needs no PyTorch
    configure_logging(get_settings().log_level)
    GatewayServer(build_config(args)).run()
    return 0
