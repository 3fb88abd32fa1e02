from __future__ import annotations

import argparse

import pytest

from symcheck.cli import serve_gateway
from symcheck.settings import Settings, get_settings


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve_gateway.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_HOST", "127.0.0.9")
    monkeypatch.setenv("SYMCHECK_PORT", "8123")
    get_settings.cache_clear()
    yield  # type: ignore[misc]
    get_settings.cache_clear()


@pytest.mark.usefixtures("env")
def test_config_comes_from_settings_without_access_log() -> None:
    config = serve_gateway.build_config(_args())
    assert config.host == "127.0.0.9"
    assert config.port == 8123
    assert config.access_log is False
    assert config.app.title == "symcheck gateway"  # type: ignore[union-attr]
    assert serve_gateway.build_config(_args("--port", "9000", "--host", "0.0.0.0")).port == 9000


@pytest.mark.usefixtures("env")
def test_run_starts_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[serve_gateway.GatewayServer] = []
    monkeypatch.setattr(serve_gateway.GatewayServer, "run", lambda self: started.append(self))
    assert serve_gateway.run(_args()) == 0
    assert len(started) == 1


def test_creating_the_app_does_no_work() -> None:
    from symcheck.gateway.app import create_app

    app = create_app(Settings(env="test", DATABASE_URL="postgresql://nobody@256.0.0.1/none"))
    assert not hasattr(app.state, "gateway")  # the lifespan builds everything
