"""Settings for the whole app, read once at the entry point.

Every outside service has an embedded default, so an empty environment gives a working bot:
no HubSpot token -> the local HubSpot-compatible API; no OpenAI key -> guided mode; no app id ->
local, unauthenticated mode bound to loopback. Bot Framework settings keep their standard names
(`MicrosoftAppId`, ...). Secrets live only here and in the clients built from them: `Settings`
hides them from `repr` so they never reach a log line by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from dotenv import dotenv_values

SECRET_FIELDS = frozenset(
    {
        "app_password",
        "hubspot_access_token",
        "openai_api_key",
        "azure_openai_api_key",
        "directline_secret",
    }
)


class ConfigError(ValueError):
    """A setting has a value the app cannot work with."""


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _bool(name: str, value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _int(name: str, value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc


@dataclass(frozen=True)
class Settings:
    # Server
    port: int = 3978
    host: str = "127.0.0.1"
    allow_remote: bool = False  # local mode (no app id) binds to loopback unless this is set
    public_base_path: str = ""  # reverse-proxy path prefix for the Web Chat page, e.g. "/crm-bot"
    data_dir: str = "data"

    # Bot Framework (standard names)
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "MultiTenant"  # MultiTenant | SingleTenant | UserAssignedMSI
    app_tenant_id: str = ""
    bot_domain: str = ""  # public host name of /api/messages, for the Teams package's validDomains

    # HubSpot
    hubspot_access_token: str = field(default="", repr=False)
    hubspot_base_url: str = "https://api.hubapi.com"
    hubspot_seed_demo: int = 0  # local API only: demo contacts to create on first start
    default_phone_region: str = "US"

    # Language and conversation state
    default_language: str = "en"  # "en" or "ko", used until the channel tells us the locale
    state_storage: str = "sqlite"  # sqlite | memory

    # OpenAI / Azure OpenAI (none set -> guided mode)
    openai_api_key: str = field(default="", repr=False)
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str = ""
    azure_openai_endpoint: str = ""
    azure_openai_api_key: str = field(default="", repr=False)
    azure_openai_deployment: str = ""
    azure_openai_api_version: str = "2024-10-21"
    model_timeout_seconds: float = 30.0

    # Access control (empty -> everyone who can reach the bot)
    allowed_tenants: tuple[str, ...] = ()
    allowed_users: tuple[str, ...] = ()
    readonly_users: tuple[str, ...] = ()

    # Local Direct Line channel for Web Chat
    directline_secret: str = field(default="", repr=False)
    max_message_chars: int = 4000
    messages_per_minute: int = 30
    # The page's token endpoint hands anyone who can load it a conversation with the CRM. None:
    # on in local mode, off with an app id (a public Teams endpoint); WEBCHAT_ENABLED decides.
    webchat_enabled: bool | None = None

    @property
    def webchat_page_open(self) -> bool:
        """Does `POST api/webchat/token` mint tokens for anyone who asks?"""
        return (not self.app_id) if self.webchat_enabled is None else self.webchat_enabled

    @property
    def local_hubspot(self) -> bool:
        """No token: the app mounts hubspot_local and points the SDK at it."""
        return not self.hubspot_access_token

    @property
    def azure_openai(self) -> bool:
        """An Azure OpenAI endpoint with its key; it wins over an OpenAI key (agent/client.py)."""
        return bool(self.azure_openai_endpoint and self.azure_openai_api_key)

    @property
    def model_configured(self) -> bool:
        """An OpenAI key or Azure OpenAI: either turns on model mode."""
        return bool(self.openai_api_key) or self.azure_openai

    @property
    def state_db_path(self) -> Path:
        return Path(self.data_dir) / "state.sqlite3"

    @property
    def local_hubspot_db_path(self) -> Path:
        return Path(self.data_dir) / "hubspot_local.sqlite3"

    @property
    def bind_host(self) -> str:
        """Where to listen: loopback in local mode unless the operator explicitly allows more."""
        if not self.app_id and not self.allow_remote:
            return "127.0.0.1"
        return self.host

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: str | os.PathLike[str] | None = ".env",
    ) -> Settings:
        """Build settings from a `.env` file (if present) overlaid by the process environment."""
        env: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        env.update(os.environ if environ is None else environ)
        g = env.get
        lang = (g("DEFAULT_LANGUAGE") or "en").lower()[:2]
        if lang not in {"en", "ko"}:
            raise ConfigError(f"DEFAULT_LANGUAGE must be en or ko, not {lang!r}")
        app_type = g("MicrosoftAppType") or "MultiTenant"
        if app_type not in {"MultiTenant", "SingleTenant", "UserAssignedMSI"}:
            raise ConfigError(
                "MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI, "
                f"not {app_type!r}"
            )
        # The SDK would fail later with a bare "Property 'APP_TENANTID' is expected".
        if app_type != "MultiTenant" and g("MicrosoftAppId") and not g("MicrosoftAppTenantId"):
            raise ConfigError(
                f"MicrosoftAppType {app_type} needs MicrosoftAppTenantId (the "
                "directory/tenant id of the bot's app registration)"
            )
        if app_type == "SingleTenant" and g("MicrosoftAppId") and not g("MicrosoftAppPassword"):
            raise ConfigError("MicrosoftAppType SingleTenant needs MicrosoftAppPassword")
        storage = (g("STATE_STORAGE") or "sqlite").lower()
        if storage not in {"sqlite", "memory"}:
            raise ConfigError(f"STATE_STORAGE must be sqlite or memory, not {storage!r}")
        return cls(
            port=_int("PORT", g("PORT"), 3978),
            host=g("HOST") or "127.0.0.1",
            allow_remote=_bool("ALLOW_REMOTE", g("ALLOW_REMOTE"), False),
            public_base_path=(g("PUBLIC_BASE_PATH") or "").rstrip("/"),
            data_dir=g("DATA_DIR") or "data",
            app_id=g("MicrosoftAppId") or "",
            app_password=g("MicrosoftAppPassword") or "",
            app_type=app_type,
            app_tenant_id=g("MicrosoftAppTenantId") or "",
            bot_domain=(g("BOT_DOMAIN") or "").strip(),
            hubspot_access_token=g("HUBSPOT_ACCESS_TOKEN") or "",
            hubspot_base_url=g("HUBSPOT_BASE_URL") or "https://api.hubapi.com",
            hubspot_seed_demo=_int("HUBSPOT_SEED_DEMO", g("HUBSPOT_SEED_DEMO"), 0),
            default_phone_region=(g("DEFAULT_PHONE_REGION") or "US").upper(),
            default_language=lang,
            state_storage=storage,
            openai_api_key=g("OPENAI_API_KEY") or "",
            openai_model=g("OPENAI_MODEL") or "gpt-4o-mini",
            openai_base_url=g("OPENAI_BASE_URL") or "",
            azure_openai_endpoint=g("AZURE_OPENAI_ENDPOINT") or "",
            azure_openai_api_key=g("AZURE_OPENAI_API_KEY") or "",
            azure_openai_deployment=g("AZURE_OPENAI_DEPLOYMENT") or "",
            azure_openai_api_version=g("AZURE_OPENAI_API_VERSION") or "2024-10-21",
            model_timeout_seconds=float(g("MODEL_TIMEOUT_SECONDS") or 30),
            allowed_tenants=_split(g("ALLOWED_TENANTS")),
            allowed_users=_split(g("ALLOWED_USERS")),
            readonly_users=_split(g("READONLY_USERS")),
            directline_secret=g("DIRECTLINE_SECRET") or "",
            max_message_chars=_int("MAX_MESSAGE_CHARS", g("MAX_MESSAGE_CHARS"), 4000),
            messages_per_minute=_int("MESSAGES_PER_MINUTE", g("MESSAGES_PER_MINUTE"), 30),
            webchat_enabled=(
                _bool("WEBCHAT_ENABLED", g("WEBCHAT_ENABLED"), False)
                if g("WEBCHAT_ENABLED")
                else None
            ),
        )

    def redacted(self) -> dict[str, object]:
        """The settings as a dict safe to log: secrets show only whether they are set."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = ("<set>" if value else "<unset>") if f.name in SECRET_FIELDS else value
        return out
