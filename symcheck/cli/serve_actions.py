"""``symcheck serve-actions``: run the Rasa action server on localhost.

Loads the interview engine once (knowledge base and red-flag rules) before serving, so a
broken knowledge base stops the start-up instead of the first conversation. Refuses to start
without ``SYMCHECK_ACTION_TOKEN``.
"""

from __future__ import annotations

import argparse
import logging

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="bind address (default: $SYMCHECK_ACTION_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: $SYMCHECK_ACTION_PORT, 5055)")


def run(args: argparse.Namespace) -> int:
    from symcheck.clinical.classifier.runtime import (
        freeze_loaded_objects,
        keep_training_libraries_out,
        limit_math_threads,
    )

    keep_training_libraries_out()  # before spaCy is imported
    from actions.engine_provider import set_engine
    from symcheck.actions_server import build_executor, create_action_app
    from symcheck.clinical.engine_factory import load_interview_engine
    from symcheck.settings import SettingsError, get_settings

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s - %(message)s",
    )
    try:
        token = settings.require("action_token")
    except SettingsError as exc:
        logger.error("cannot start the action server: %s", exc)
        return 2
    limit_math_threads(1)
    engine = load_interview_engine(settings)
    set_engine(engine)
    app = create_action_app(token, build_executor())
    freeze_loaded_objects()  # start-up is over
    host = args.host or settings.action_host
    port = args.port or settings.action_port
    logger.info("action server listening on %s:%d", host, port)
    app.run(host=host, port=port, access_log=False, single_process=True, motd=False)
    return 0
