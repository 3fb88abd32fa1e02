"""One typed settings object, read from the environment (``SYMCHECK_*`` and ``DATABASE_URL``).

Secrets come only from the environment. Outside development, missing or weak secrets are
refused at start-up. Build it with :func:`get_settings` (cached) or ``Settings()`` in tests.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class TelegramMode(StrEnum):
    WEBHOOK = "webhook"  # Telegram calls POST /webhooks/telegram/updates (production)
    POLLING = "polling"  # the gateway asks Telegram (getUpdates): local use, one process


# A bot token from @BotFather: "<bot id>:<secret>".
_TELEGRAM_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{30,64}$")
# Telegram allows 1-256 of these characters in a webhook's secret_token; we ask for 32+.
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{32,256}$")


class SettingsError(ValueError):
    """The configuration is unsafe or incomplete."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SYMCHECK_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT

    # Storage
    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'symcheck.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "SYMCHECK_DATABASE_URL"),
    )
    # Fernet keys, comma-separated; the first encrypts, all decrypt (key rotation).
    encryption_keys: SecretStr | None = None

    # Rasa (REST channel behind a token) and the action server
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr | None = None
    rasa_timeout_seconds: float = 20.0
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    action_token: SecretStr | None = None

    # Gateway
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # how patients and clinicians reach the gateway
    cookie_secure: bool | None = None  # defaults to True outside development
    allowed_origins: str = ""  # comma-separated origins allowed to call the web API (CORS)

    # The clinic
    clinic_name: str = "the clinic"
    emergency_number: str = "112"
    max_message_chars: int = Field(default=1000, ge=50, le=10000)

    # SMS through Twilio: off unless the account SID, auth token and sender are all set.
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    # The sending phone number (E.164, "+15551234567") or a messaging service SID ("MG...").
    twilio_from: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    # Largest MMS photo kept (bytes); larger ones are refused and the patient is told.
    sms_max_media_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=20 * 1024 * 1024)

    # Telegram: off unless the bot token is set.
    telegram_bot_token: SecretStr | None = None
    # Telegram sends it in X-Telegram-Bot-Api-Secret-Token (webhook mode; 32-256 of A-Z a-z
    # 0-9 _ -); the CLI gives it to setWebhook.
    telegram_webhook_secret: SecretStr | None = None
    telegram_mode: TelegramMode = TelegramMode.WEBHOOK
    telegram_api_url: str = "https://api.telegram.org"
    # Largest photo kept (bytes); Telegram lets bots download at most 20 MB.
    telegram_max_media_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=20 * 1024 * 1024)

    # Clinical content
    kb_dir: Path = REPO_ROOT / "knowledge_base"
    rules_dir: Path = REPO_ROOT / "triage_rules"
    max_questions: int = Field(default=15, ge=1, le=60)
    # The transformer condition classifier (``make train`` writes it): pooled with the
    # knowledge-base scorer when its model is present; off -> the knowledge-base scorer alone.
    classifier_enabled: bool = True
    classifier_dir: Path = REPO_ROOT / "models" / "classifier"
    classifier_threads: int = Field(default=1, ge=1, le=8)  # onnxruntime intra-op threads

    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            missing = [
                name
                for name in ("encryption_keys", "rasa_token", "action_token")
                if getattr(self, name) is None
            ]
            if missing:
                names = ", ".join(f"SYMCHECK_{m.upper()}" for m in missing)
                raise SettingsError(f"production needs {names} set in the environment")
            for name in ("rasa_token", "action_token"):
                secret = getattr(self, name)
                if secret is not None and len(secret.get_secret_value()) < 24:
                    raise SettingsError(f"SYMCHECK_{name.upper()} must be at least 24 characters")
        self._check_twilio()
        self._check_telegram()
        return self

    def _check_twilio(self) -> None:
        names = ("twilio_account_sid", "twilio_auth_token", "twilio_from")
        given = [n for n in names if getattr(self, n)]
        if given and len(given) != len(names):
            missing = ", ".join(f"SYMCHECK_{n.upper()}" for n in names if n not in given)
            raise SettingsError(f"SMS is half configured: also set {missing} (or unset all)")
        if not given:
            return
        api = urlsplit(self.twilio_api_url)
        local = api.hostname in ("127.0.0.1", "localhost", "::1")
        if api.scheme != "https" and not (local and api.scheme == "http"):
            raise SettingsError("SYMCHECK_TWILIO_API_URL must be https (http only for localhost)")
        if self.env is Environment.PRODUCTION and not self.public_url:
            raise SettingsError(
                "SMS needs SYMCHECK_PUBLIC_URL (the address Twilio calls, to check signatures)"
            )

    def _check_telegram(self) -> None:
        token = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""
        secret = (
            self.telegram_webhook_secret.get_secret_value() if self.telegram_webhook_secret else ""
        )
        if not token:
            if secret:
                raise SettingsError(
                    "SYMCHECK_TELEGRAM_WEBHOOK_SECRET is set but SYMCHECK_TELEGRAM_BOT_TOKEN "
                    "is not: set both (or unset both)"
                )
            return
        if not _TELEGRAM_TOKEN.match(token):
            raise SettingsError(
                "SYMCHECK_TELEGRAM_BOT_TOKEN is not a bot token (@BotFather gives "
                '"123456789:AA...")'
            )
        if self.telegram_mode is TelegramMode.WEBHOOK and not secret:
            raise SettingsError(
                "Telegram webhook mode needs SYMCHECK_TELEGRAM_WEBHOOK_SECRET (or set "
                "SYMCHECK_TELEGRAM_MODE=polling for local use)"
            )
        if secret and not _TELEGRAM_SECRET.match(secret):
            raise SettingsError(
                "SYMCHECK_TELEGRAM_WEBHOOK_SECRET must be 32-256 characters of A-Z, a-z, 0-9, "
                '"_" and "-"'
            )
        api = urlsplit(self.telegram_api_url)
        local = api.hostname in ("127.0.0.1", "localhost", "::1")
        if api.scheme != "https" and not (local and api.scheme == "http"):
            raise SettingsError("SYMCHECK_TELEGRAM_API_URL must be https (http only for localhost)")

    @property
    def telegram_enabled(self) -> bool:
        """Whether the Telegram channel is configured (its bot token is set)."""
        return self.telegram_bot_token is not None and bool(
            self.telegram_bot_token.get_secret_value()
        )

    @property
    def sms_enabled(self) -> bool:
        """Whether the Twilio SMS channel is configured (all of its credentials are set)."""
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)

    @property
    def encryption_key_list(self) -> list[str]:
        """The Fernet keys, first (current) first."""
        keys = self.encryption_keys.get_secret_value() if self.encryption_keys else ""
        return [k.strip() for k in keys.split(",") if k.strip()]

    @property
    def is_development(self) -> bool:
        return self.env is not Environment.PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env is Environment.PRODUCTION

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    def require(self, name: str) -> str:
        """A secret's value, or a clear error naming the variable to set."""
        value = getattr(self, name)
        if value is None:
            raise SettingsError(f"set SYMCHECK_{name.upper()} in the environment")
        return str(value.get_secret_value() if isinstance(value, SecretStr) else value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
