"""Settings: empty environment gives the local defaults; secrets never show in repr or logs."""

from __future__ import annotations

from dataclasses import fields

import pytest

from config import ENVIRONMENT, ConfigError, Settings


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
    "name, value, must",
    [
        ("PORT", "abc", "a whole number"),
        ("HUBSPOT_SEED_DEMO", "lots", "a whole number"),
        ("MAX_MESSAGE_CHARS", "4k", "a whole number"),
        ("MESSAGES_PER_MINUTE", "1.5", "a whole number"),
        ("MODEL_TIMEOUT_SECONDS", "abc", "a number of seconds"),
        ("MODEL_TIMEOUT_SECONDS", "-1", "a number of seconds between 0 and 3600"),
        ("DEFAULT_LANGUAGE", "fr", "en or ko"),
        ("MicrosoftAppType", "Weird", "MultiTenant, SingleTenant or UserAssignedMSI"),
        ("STATE_STORAGE", "postgres", "sqlite or memory"),
        ("ALLOW_REMOTE", "maybe", "true or false"),
        ("WEBCHAT_ENABLED", "sometimes", "true or false"),
    ],
)
def test_every_bad_value_is_a_config_error_naming_the_setting(name, value, must):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value}, env_file=None)
    assert str(caught.value) == f"{name} must be {must}, not {value!r}"


def test_every_setting_comes_from_the_one_table_with_its_field_default():
    """Each Settings field has exactly one variable, and an unset variable means the field's
    declared default (the only place a default is written)."""
    named = [attr for _, attr, _ in ENVIRONMENT]
    assert sorted(named) == sorted(f.name for f in fields(Settings))
    assert Settings.from_env({}, env_file=None) == Settings()
    assert Settings.from_env({name: "" for name, _, _ in ENVIRONMENT}, env_file=None) == Settings()


def test_values_are_parsed_per_setting():
    s = Settings.from_env(
        {
            "PORT": "8080",
            "MODEL_TIMEOUT_SECONDS": "12.5",
            "DEFAULT_LANGUAGE": "ko-KR",
            "DEFAULT_PHONE_REGION": "kr",
            "PUBLIC_BASE_PATH": "/crm-bot/",
            "ALLOWED_USERS": " a@x.com, ,b@x.com ",
            "WEBCHAT_ENABLED": "off",
            "HUBSPOT_ACCESS_TOKEN": " pat-na1-123 \n",
        },
        env_file=None,
    )
    assert (s.port, s.model_timeout_seconds, s.default_language) == (8080, 12.5, "ko")
    assert (s.default_phone_region, s.public_base_path) == ("KR", "/crm-bot")
    assert s.allowed_users == ("a@x.com", "b@x.com")
    assert s.webchat_enabled is False and s.hubspot_access_token == "pat-na1-123"
