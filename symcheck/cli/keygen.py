"""``symcheck keygen``: print a new Fernet key for ``SYMCHECK_ENCRYPTION_KEYS``."""

from __future__ import annotations

import argparse

from symcheck.crypto import Cipher


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    del args
    print(Cipher.generate_key())
    return 0
