"""``symcheck classifier``: status and train --if-stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.cli import main
from tests.fixtures.kb_small import KB_DIR


def test_status_of_a_missing_model_is_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["classifier", "status", "--out", str(tmp_path / "none"), "--kb-dir", str(KB_DIR)])
    assert code == 1
    assert "missing or stale" in capsys.readouterr().out


def test_train_if_stale_does_nothing_for_an_up_to_date_model(
    tiny_model_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import symcheck.clinical.classifier.train as training
    from tests.auxil.classifier import TINY

    monkeypatch.setattr(training, "TrainConfig", lambda **_: TINY)
    args = ["--out", str(tiny_model_dir), "--kb-dir", str(KB_DIR)]
    assert main(["classifier", "status", *args]) == 0
    assert main(["classifier", "train", "--if-stale", *args]) == 0
    assert "up to date" in capsys.readouterr().out
