import pytest

from symcheck.cli import SUBCOMMANDS, main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


def test_unknown_command_is_an_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_keygen_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    from symcheck.crypto import Cipher

    assert main(["keygen"]) == 0
    key = capsys.readouterr().out.strip()
    assert Cipher(key).decrypt(Cipher(key).encrypt("x")) == "x"
