import socket
import stat
from pathlib import Path

import pytest

from symcheck.stack import (
    SECRET_NAMES,
    Ports,
    Stack,
    StackError,
    load_dev_secrets,
    port_in_use,
)


def test_dev_secrets_are_created_once_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dev.env"
    first = load_dev_secrets(path)
    assert set(SECRET_NAMES) <= set(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_dev_secrets(path) == first


def test_free_ports_are_distinct_and_free() -> None:
    ports = Ports.free()
    assert len({ports.gateway, ports.rasa, ports.actions}) == 3
    assert not port_in_use(ports.gateway)


def test_start_refuses_without_a_trained_model(tmp_path: Path) -> None:
    stack = Stack(tmp_path, {}, Ports.free(), tmp_path / "logs")
    with pytest.raises(StackError, match="make train"):
        stack.start()


def test_start_refuses_a_busy_port(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "symcheck.tar.gz").write_bytes(b"")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = Stack(tmp_path, {}, Ports(gateway=port, rasa=1, actions=2), tmp_path / "logs")
        with pytest.raises(StackError, match=f"port {port}"):
            stack.start()


def test_a_process_that_dies_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "symcheck.tar.gz").write_bytes(b"")
    stack = Stack(tmp_path, {"PATH": "/usr/bin:/bin"}, Ports.free(), tmp_path / "logs")
    # No virtual environments in tmp_path: the first service cannot start.
    with pytest.raises((StackError, FileNotFoundError)):
        stack.start(timeout=10)
    assert stack.dead() == []  # everything was cleaned up
