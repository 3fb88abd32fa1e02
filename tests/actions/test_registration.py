"""The rasa-sdk executor registers exactly the domain's custom actions, and importing the
package does no work."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import yaml

from actions.base import InterviewAction
from symcheck.actions_server import build_executor
from symcheck.settings import REPO_ROOT


def domain_actions() -> set[str]:
    domain = yaml.safe_load(Path(REPO_ROOT / "bot" / "domain.yml").read_text())
    return set(domain["actions"])


def test_executor_registers_exactly_the_domain_actions() -> None:
    executor = build_executor()
    names = {item.name for item in executor.list_actions()}
    assert names == domain_actions()


def test_the_shared_base_is_abstract() -> None:
    assert inspect.isabstract(InterviewAction)


def test_importing_the_package_builds_no_engine() -> None:
    """With no knowledge base at all, importing and registering every action still works."""
    code = (
        "import actions.engine_provider as p\n"
        "from symcheck.actions_server import build_executor\n"
        "assert len(build_executor().list_actions()) == 4\n"
        "assert p._engine is None\n"
    )
    env = {**os.environ, "SYMCHECK_KB_DIR": "/nonexistent", "SYMCHECK_RULES_DIR": "/nonexistent"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO_ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
