"""Settings: empty environment gives the local defaults; secrets never show in repr or logs."""

from __future__ import annotations

import pytest

from config import ConfigError, Settings


def test_empty_environment_means_local_defaults(tmp_path):
    s = Settings.from_env({}, env_file=None)
    assert s.port == 3978
    assert s.local_hubspot and not s.model_configured
    assert s.bind_host == "127.0.0.1"
    assert s.default_language == "en"


def test_env_file_is_read_and_environment_wins(tmp_path):
    env = tmp_path / ".env"
    env.write_text("PORT=4000\nDEFAULT_LANGUAGE=ko\nOPENAI_API_KEY=sk-from-file\n")
    s = Settings.from_env({"PORT": "5000"}, env_file=env)
    assert s.port == 5000
    assert s.default_language == "ko"
    assert s.model_configured


def test_secrets_never_appear_in_repr_or_redacted_view():
    s = Settings.from_env(
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "pw-SECRET-1",
            "OPENAI_API_KEY": "sk-SECRET-2",
            "HUBSPOT_ACCESS_TOKEN": "pat-SECRET-3",
            "AZURE_OPENAI_API_KEY": "az-SECRET-4",
            "DIRECTLINE_SECRET": "dl-SECRET-5",
        },
        env_file=None,
    )
    shown = repr(s) + repr(s.redacted())
    assert "SECRET" not in shown
    assert s.redacted()["openai_api_key"] == "<set>"


def test_remote_binding_needs_an_app_id_or_explicit_permission():
    assert Settings.from_env({"HOST": "0.0.0.0"}, env_file=None).bind_host == "127.0.0.1"
    assert (
        Settings.from_env({"HOST": "0.0.0.0", "ALLOW_REMOTE": "true"}, env_file=None).bind_host
        == "0.0.0.0"
    )
    assert (
        Settings.from_env({"HOST": "0.0.0.0", "MicrosoftAppId": "x"}, env_file=None).bind_host
        == "0.0.0.0"
    )


@pytest.mark.parametrize(
    "env",
    [
        {"PORT": "abc"},
        {"DEFAULT_LANGUAGE": "fr"},
        {"MicrosoftAppType": "Weird"},
        {"STATE_STORAGE": "postgres"},
        {"ALLOW_REMOTE": "maybe"},
    ],
)
def test_bad_settings_are_clear_errors(env):
    with pytest.raises(ConfigError):
        Settings.from_env(env, env_file=None)
