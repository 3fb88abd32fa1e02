"""The ``symcheck`` command. Each subcommand lives in its own module in this package.

A subcommand module defines ``add_arguments(parser)`` and ``run(args) -> int``; it is imported
only when its subcommand runs, so ``symcheck --help`` stays fast and does no work.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("symcheck.cli.run", "start Rasa, the action server and the gateway; print the URLs"),
    "chat": ("symcheck.cli.chat", "chat with the running stack in the terminal"),
    "assess": ("symcheck.cli.assess", "assess JSON-lines cases with a simulated patient"),
    "evaluate": ("symcheck.cli.evaluate", "evaluate triage and diagnosis on gold cases; report"),
    "evaluate-extraction": (
        "symcheck.cli.evaluate_extraction",
        "precision and recall of the finding extractor on annotated sentences",
    ),
    "kb": ("symcheck.cli.kb", "knowledge-base version lock (lock, check)"),
    "classifier": ("symcheck.cli.classifier", "train the transformer condition classifier"),
    "serve-gateway": ("symcheck.cli.serve_gateway", "run the gateway (web chat, dashboard, API)"),
    "serve-actions": ("symcheck.cli.serve_actions", "run the Rasa action server (localhost)"),
    "db": ("symcheck.cli.db", "database migrations"),
    "clinician": ("symcheck.cli.clinician", "manage clinician accounts"),
    "telegram": ("symcheck.cli.telegram", "connect the Telegram bot (webhook, info)"),
    "keygen": ("symcheck.cli.keygen", "print a new encryption key"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symcheck", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in SUBCOMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS:
        parser = build_parser()
        if argv and not argv[0].startswith("-"):
            parser.error(f"unknown command {argv[0]!r}")
        parser.parse_args(argv)
        parser.print_help()
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    module_name, help_text = SUBCOMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"symcheck {name}", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    return int(module.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
