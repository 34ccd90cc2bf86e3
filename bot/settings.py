"""Process settings, read from environment variables and a `.env` file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from yarl import URL

DISCORD_API_URL = "https://discord.com"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(Exception):
    """Start-up settings are invalid; the text is one line naming the variable and what is wrong."""


class Settings(BaseSettings):
    """Everything the process needs to start; per-guild settings live in the database."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    database: Path = Field(default=Path("copbot.db"), validation_alias="COPBOT_DATABASE")
    log_level: str = Field(default="INFO", validation_alias="COPBOT_LOG_LEVEL")
    dev_guild: int | None = Field(default=None, validation_alias="COPBOT_DEV_GUILD")
    discord_api_url: str = Field(default=DISCORD_API_URL, validation_alias="COPBOT_DISCORD_API_URL")
    announce_recurring_limit: int = Field(
        default=25, ge=1, le=1000, validation_alias="COPBOT_ANNOUNCE_RECURRING_LIMIT"
    )
    health_port: int | None = Field(default=None, ge=1, le=65535, validation_alias="COPBOT_HEALTH_PORT")
    health_host: str = Field(default="127.0.0.1", validation_alias="COPBOT_HEALTH_HOST")
    log_format: str = Field(default="text", validation_alias="COPBOT_LOG_FORMAT")
    backup_time: str = Field(default="03:00", validation_alias="COPBOT_BACKUP_TIME")
    backup_keep: int = Field(default=14, ge=1, le=1000, validation_alias="COPBOT_BACKUP_KEEP")
    backup_folder: Path | None = Field(default=None, validation_alias="COPBOT_BACKUP_FOLDER")

    @field_validator("discord_token", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if any(c.isspace() for c in value):
                raise ValueError("a Discord bot token has no spaces; paste only the token itself")
        return value

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("give a file path such as copbot.db")
        return value

    @field_validator("database")
    @classmethod
    def _database_dir(cls, value: Path) -> Path:
        if value.is_dir():
            raise ValueError(f"{value} is a folder; give a file path such as {value / 'copbot.db'}")
        if not value.parent.exists() and str(value.parent) != "":
            raise ValueError(f"the folder {value.parent} does not exist")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        return _one_of(
            value.upper() if isinstance(value, str) else value,
            LOG_LEVELS,
            f"must be one of {', '.join(LOG_LEVELS)}",
        )

    @field_validator("dev_guild", mode="before")
    @classmethod
    def _dev_guild(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.isdigit() or not 17 <= len(value) <= 20:
                raise ValueError(
                    "must be a server ID: 17 to 20 digits (Developer Mode → right-click → Copy ID)"
                )
        return value

    @field_validator("health_port", "backup_folder", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None  # HEALTH_PORT= (off), BACKUP_FOLDER= (beside the database)
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: Any) -> Any:
        return _one_of(
            value.lower() if isinstance(value, str) else value,
            ("text", "json"),
            "must be text (one readable line per event) or json (one JSON object per line)",
        )

    @field_validator("backup_time", mode="before")
    @classmethod
    def _backup_time(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            hour, _, minute = value.partition(":")
            if not (
                hour.isdigit()
                and minute.isdigit()
                and int(hour) < 24
                and int(minute) < 60
                and len(minute) == 2
            ):
                raise ValueError("must be a time of day as HH:MM, such as 03:00")
            return f"{int(hour):02d}:{minute}"
        return value

    @property
    def backups(self) -> Path:
        """Where the daily backups go: COPBOT_BACKUP_FOLDER, else a `backups` folder beside the database."""
        return self.backup_folder or self.database.parent / "backups"

    @field_validator("discord_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        url = URL(value.strip().rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8765")
        return str(url)

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def uses_real_discord(self) -> bool:
        return self.discord_api_url == DISCORD_API_URL


def _one_of(value: Any, allowed: tuple[str, ...], refusal: str) -> Any:
    """A text setting that must be one of `allowed` (spaces around it ignored)."""
    if isinstance(value, str):
        value = value.strip()
        if value not in allowed:
            raise ValueError(refusal)
    return value


def load_settings(**overrides: Any) -> Settings:
    """Read settings; raise SettingsError with one line naming the first bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message} (got {_shown(name, error.get('input'))})") from None


def _shown(name: str, value: Any) -> str:
    if name == "DISCORD_TOKEN":
        return "a value that is hidden because it is secret"
    return repr(value)
