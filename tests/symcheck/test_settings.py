import pytest

from symcheck.settings import Environment, Settings, SettingsError


def test_development_defaults_need_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SYMCHECK_ENV", "SYMCHECK_ENCRYPTION_KEYS", "SYMCHECK_RASA_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url.startswith("sqlite:///")
    assert not settings.secure_cookies


def test_production_refuses_missing_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_ENV", "production")
    monkeypatch.delenv("SYMCHECK_ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ValueError, match="SYMCHECK_ENCRYPTION_KEYS"):
        Settings()


def test_production_refuses_short_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_ENV", "production")
    monkeypatch.setenv("SYMCHECK_ENCRYPTION_KEYS", "k")
    monkeypatch.setenv("SYMCHECK_RASA_TOKEN", "short")
    monkeypatch.setenv("SYMCHECK_ACTION_TOKEN", "x" * 40)
    with pytest.raises(ValueError, match="at least 24"):
        Settings()


def test_production_uses_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_ENV", "production")
    monkeypatch.setenv("SYMCHECK_ENCRYPTION_KEYS", "k")
    monkeypatch.setenv("SYMCHECK_RASA_TOKEN", "r" * 32)
    monkeypatch.setenv("SYMCHECK_ACTION_TOKEN", "a" * 32)
    assert Settings().secure_cookies


def test_database_url_comes_from_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://root@localhost/test")
    assert Settings().database_url == "postgresql://root@localhost/test"


def test_require_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYMCHECK_RASA_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="SYMCHECK_RASA_TOKEN"):
        Settings().require("rasa_token")


def test_origins_are_split_and_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMCHECK_ALLOWED_ORIGINS", "https://a.example, https://b.example ,")
    assert Settings().origins == ["https://a.example", "https://b.example"]


TWILIO = {
    "SYMCHECK_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "SYMCHECK_TWILIO_AUTH_TOKEN": "quokka-auth-secret",
    "SYMCHECK_TWILIO_FROM": "+15005550006",
}


def _clear_twilio(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*TWILIO, "SYMCHECK_TWILIO_API_URL", "SYMCHECK_PUBLIC_URL", "SYMCHECK_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_sms_is_off_unless_every_twilio_credential_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_twilio(monkeypatch)
    assert not Settings().sms_enabled
    for name, value in TWILIO.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.sms_enabled
    assert settings.twilio_api_url == "https://api.twilio.com"
    assert "quokka" not in repr(settings)


def test_half_configured_sms_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_twilio(monkeypatch)
    monkeypatch.setenv("SYMCHECK_TWILIO_ACCOUNT_SID", TWILIO["SYMCHECK_TWILIO_ACCOUNT_SID"])
    with pytest.raises(ValueError, match="SYMCHECK_TWILIO_AUTH_TOKEN"):
        Settings()


def test_the_twilio_api_must_be_https_except_on_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_twilio(monkeypatch)
    for name, value in TWILIO.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SYMCHECK_TWILIO_API_URL", "http://api.twilio.com")
    with pytest.raises(ValueError, match="https"):
        Settings()
    monkeypatch.setenv("SYMCHECK_TWILIO_API_URL", "http://127.0.0.1:8999")
    assert Settings().sms_enabled


def test_production_sms_needs_the_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_twilio(monkeypatch)
    for name, value in TWILIO.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SYMCHECK_ENV", "production")
    monkeypatch.setenv("SYMCHECK_ENCRYPTION_KEYS", "k")
    monkeypatch.setenv("SYMCHECK_RASA_TOKEN", "x" * 40)
    monkeypatch.setenv("SYMCHECK_ACTION_TOKEN", "x" * 40)
    with pytest.raises(ValueError, match="SYMCHECK_PUBLIC_URL"):
        Settings()
    monkeypatch.setenv("SYMCHECK_PUBLIC_URL", "https://clinic.example.org")
    assert Settings().sms_enabled
