"""``symcheck kb check`` and ``symcheck kb lock`` on temporary copies of the fixture content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from symcheck.cli import main
from tests.fixtures.kb_small import KB_DIR, RULES_DIR


@pytest.fixture
def content(tmp_path: Path) -> list[str]:
    kb, rules = tmp_path / "kb", tmp_path / "rules"
    shutil.copytree(KB_DIR, kb, ignore=shutil.ignore_patterns("rules", "*.py", "__pycache__"))
    shutil.copytree(RULES_DIR, rules)
    return ["--kb-dir", str(kb), "--rules-dir", str(rules)]


def kb_yml(content: list[str]) -> Path:
    return Path(content[1]) / "kb.yml"


def test_check_fails_before_anything_is_locked(
    content: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kb", "check", *content]) == 1
    err = capsys.readouterr().err
    assert "knowledge base: version 0.0.1" in err
    assert "red-flag rules: version 0.0.1" in err
    assert "run `symcheck kb lock`" in err


def test_lock_then_check(content: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "lock", *content]) == 0
    assert "knowledge base 0.0.1: added sha256:" in capsys.readouterr().out
    assert (Path(content[1]) / "versions.lock").exists()
    assert (Path(content[3]) / "versions.lock").exists()
    assert main(["kb", "check", *content]) == 0
    assert "knowledge base 0.0.1: ok" in capsys.readouterr().out


def test_locking_twice_is_harmless(content: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "lock", *content]) == 0
    assert main(["kb", "lock", *content]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_a_change_without_a_bump_fails_the_check_and_the_lock(
    content: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["kb", "lock", *content])
    path = kb_yml(content)
    path.write_text(path.read_text().replace("title: ", "title: Changed "))
    capsys.readouterr()
    assert main(["kb", "check", *content]) == 1
    assert "content changed: bump" in capsys.readouterr().err
    assert main(["kb", "lock", *content]) == 1
    assert "already locked" in capsys.readouterr().err
    assert main(["kb", "lock", "--force", *content]) == 0
    assert main(["kb", "check", *content]) == 0


def test_a_bump_then_lock_records_the_new_version(content: list[str]) -> None:
    main(["kb", "lock", *content])
    path = kb_yml(content)
    path.write_text(path.read_text().replace("version: 0.0.1", "version: 0.0.2"))
    assert main(["kb", "check", *content]) == 1
    assert main(["kb", "lock", *content]) == 0
    assert main(["kb", "check", *content]) == 0
    assert "0.0.1 sha256:" in (Path(content[1]) / "versions.lock").read_text()


def test_invalid_content_is_not_locked(
    content: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = kb_yml(content)
    path.write_text(path.read_text().replace("version: 0.0.1", "version: one"))
    assert main(["kb", "lock", *content]) == 2
    assert "not locking invalid content" in capsys.readouterr().err
    assert not (Path(content[1]) / "versions.lock").exists()


def test_a_malformed_lock_file_is_reported(
    content: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (Path(content[1]) / "versions.lock").write_text("garbage\n")
    assert main(["kb", "check", *content]) == 2
    assert "versions.lock:1: expected" in capsys.readouterr().err
