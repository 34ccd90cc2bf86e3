"""Settings: defaults, and one clear line for every invalid value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DISCORD_API_URL, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DISCORD_TOKEN",
        "COPBOT_DATABASE",
        "COPBOT_LOG_LEVEL",
        "COPBOT_DEV_GUILD",
        "COPBOT_DISCORD_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def test_defaults() -> None:
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.database == Path("copbot.db")
    assert settings.log_level == "INFO"
    assert settings.dev_guild is None
    assert settings.discord_api_url == DISCORD_API_URL
    assert settings.uses_real_discord


def test_reads_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def.ghi\nCOPBOT_LOG_LEVEL=debug\n")
    monkeypatch.setenv("COPBOT_DEV_GUILD", "123456789012345678")
    monkeypatch.setenv("COPBOT_DISCORD_API_URL", "http://127.0.0.1:8765/")
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings)
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild == 123456789012345678
    assert settings.discord_api_url == "http://127.0.0.1:8765"
    assert not settings.uses_real_discord


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "COPBOT_LOG_LEVEL",
            "loud",
            "COPBOT_LOG_LEVEL: must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG",
        ),
        ("COPBOT_DEV_GUILD", "my server", "COPBOT_DEV_GUILD: must be a server ID"),
        ("COPBOT_DEV_GUILD", "123", "COPBOT_DEV_GUILD: must be a server ID"),
        ("COPBOT_DISCORD_API_URL", "localhost:8765", "COPBOT_DISCORD_API_URL: must be an http(s) URL"),
        ("COPBOT_DISCORD_API_URL", "ftp://x", "COPBOT_DISCORD_API_URL: must be an http(s) URL"),
        ("COPBOT_DATABASE", " ", "COPBOT_DATABASE: give a file path"),
        (
            "COPBOT_DATABASE",
            "/no/such/folder/copbot.db",
            "COPBOT_DATABASE: the folder /no/such/folder does not exist",
        ),
        ("COPBOT_DATABASE", ".", "COPBOT_DATABASE: . is a folder"),
        ("DISCORD_TOKEN", "two words", "DISCORD_TOKEN: a Discord bot token has no spaces"),
    ],
)
def test_invalid_values_have_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    text = str(caught.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_the_token_is_never_shown_in_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "tok3n value")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "tok3n" not in str(caught.value)
    assert "hidden" in str(caught.value)


def test_blank_optional_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    monkeypatch.setenv("COPBOT_DEV_GUILD", "")
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.dev_guild is None
