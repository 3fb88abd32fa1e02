"""``symcheck db upgrade``: apply Alembic migrations to ``DATABASE_URL``."""

from __future__ import annotations

import argparse

from symcheck.settings import get_settings
from symcheck.storage.migrate import upgrade


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade"])
    parser.add_argument("--revision", default="head")


def run(args: argparse.Namespace) -> int:
    upgrade(get_settings().database_url, args.revision)
    return 0
