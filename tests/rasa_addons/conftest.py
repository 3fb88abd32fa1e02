"""Fixtures for the Rasa plugins.

Run in the Rasa environment (Python 3.10), without the 3.11 suite's root conftest::

    PYTHONPATH=. .venv-rasa/bin/python -m pytest tests/rasa_addons --confcutdir=tests/rasa_addons
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sanic import Sanic

REPO_ROOT = Path(__file__).resolve().parents[2]

# Sanic rewrites its protocol methods at start-up ("touchup"), which breaks the second app
# started in one process unless it runs in test mode.
Sanic.test_mode = True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Serve ``app`` on a free loopback port for the duration of the block; yields the base URL."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.start_serving()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def new_key() -> Callable[[], str]:
    return lambda: Fernet.generate_key().decode()


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
