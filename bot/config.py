"""Settings from the environment or a `.env` file (pydantic-settings).

Every setting is documented in `.env.example`. Times are in seconds unless a name says
otherwise. `Settings()` raises `pydantic.ValidationError` for bad values; the CLI turns that
into one line on stderr and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from bot.domain.quiet_hours import QuietHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Telegram's token format: "<bot id>:<35 characters of [A-Za-z0-9_-]>", as issued by @BotFather.
TOKEN_PATTERN = re.compile(r"^\d{5,12}:[A-Za-z0-9_-]{30,60}$")

SUPPORTED_LANGUAGES = ("nl", "en")


class Settings(BaseSettings):
    """All configuration of one wijkbot process."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None)
    telegram_api_base_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///wijkbot.db"
    timezone: str = "Europe/Amsterdam"
    default_language: Literal["nl", "en"] = "nl"
    areas_file: Path = PROJECT_ROOT / "storage" / "data" / "areas-amsterdam-centrum.toml"
    #: Partner organisations (kind, name, area key), loaded after the areas (issue 6 §0).
    organisations_file: Path | None = (
        PROJECT_ROOT / "storage" / "data" / "organisations-amsterdam-centrum.toml"
    )
    locales_dir: Path = PROJECT_ROOT / "locales"
    #: Time each side has to answer a coupling proposal (issue 6 §2: 48 hours, settable).
    proposal_answer_hours: float = Field(default=48.0, gt=0, le=24 * 14)
    #: How often the coupling job expires late proposals and re-raises unowned requests.
    coupling_job_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    # Outbox delivery. Telegram documents ~30 messages/s per bot and 1 message/s per chat.
    outbox_rate_per_second: float = Field(default=25.0, gt=0, le=30)
    outbox_tick_seconds: float = Field(default=1.0, gt=0, le=60)
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    # This process's sender id in the outbox (default: host name + random); set it to a
    # stable value so a restarted process releases its own earlier claims at once.
    outbox_instance_id: str | None = Field(default=None, max_length=40)
    # Quiet hours (bot.domain.quiet_hours): "21-8" = 21:00 to 08:00 on the TIMEZONE wall
    # clock, non-urgent proactive messages wait for the morning; "off" switches it off.
    # Hours in the quiet hours also do not count towards answer times in hours (proposals).
    quiet_hours: str = "21-8"
    # Volunteers whose availability does not fit an action get its call this much later.
    call_second_wave_delay_seconds: int = Field(default=2 * 3600, ge=0)
    # Per-user throttle (bot.throttle): more than THROTTLE_MAX_UPDATES updates within
    # THROTTLE_WINDOW_SECONDS: one "slow down" answer, then ignored for THROTTLE_MUTE_SECONDS.
    throttle_max_updates: int = Field(default=20, ge=1)
    throttle_window_seconds: float = Field(default=10.0, gt=0)
    throttle_mute_seconds: float = Field(default=60.0, ge=0)
    # Webhook mode (`wijkbot run --webhook`): the public HTTPS URL Telegram posts to (its
    # last path part is the local path), a secret Telegram sends with every request
    # (1-256 of A-Z a-z 0-9 _ -), and the local address to listen on behind the proxy.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    log_level: str = "INFO"
    # Retention (issue 9; README "Privacy"): how long data is kept. The daily job runs at
    # RETENTION_RUN_AT (wall clock in TIMEZONE).
    retention_answers_days: int = Field(default=90, ge=1)  # after the action ended
    retention_outbox_days: int = Field(default=90, ge=1)  # after the send (or creation)
    retention_inactive_days: int = Field(default=365, ge=30)  # stopped / unreachable people
    retention_invites_days: int = Field(default=30, ge=1)  # after expiry or last use
    retention_signup_hours: int = Field(default=24, ge=1)  # unfinished sign-up state
    retention_run_at: str = Field(default="03:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            return None  # "TELEGRAM_BOT_TOKEN=" as in .env.example: not set yet
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather "
                "(expected '<digits>:<letters>')"
            )
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _server_only(cls, value: str) -> str:
        """Accept the server ('http://host:8081') and PTB's form with a trailing '/bot'."""
        value = value.strip().rstrip("/")
        if value.endswith("/bot"):
            value = value.removesuffix("/bot").rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_BASE_URL must start with http:// or https://")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_shape(cls, value: str) -> str:
        from bot.domain.quiet_hours import parse  # the one parser of the rule

        parse(value, ZoneInfo("UTC"))
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The deployment's wall-clock zone (default Europe/Amsterdam)."""
        return ZoneInfo(self.timezone)

    @property
    def quiet(self) -> QuietHours | None:
        """The quiet hours in the deployment's zone, or None when switched off."""
        from bot.domain.quiet_hours import parse

        return parse(self.quiet_hours, self.tz)

    def bot_api_base_url(self) -> str:
        """The `base_url` PTB wants: '<server>/bot' (PTB appends the token and method)."""
        return self.telegram_api_base_url.rstrip("/") + "/bot"

    def bot_api_file_url(self) -> str:
        """The `base_file_url` PTB wants: '<server>/file/bot'."""
        return self.telegram_api_base_url.rstrip("/") + "/file/bot"

    @property
    def proposal_answer_window(self) -> dt.timedelta:
        """`proposal_answer_hours` as a timedelta."""
        return dt.timedelta(hours=self.proposal_answer_hours)
