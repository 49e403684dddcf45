"""Settings for the whole app (`Settings`, the settings table), read once at the entry point.
Imports nothing of the app; everything may import it.

Every outside service has an embedded default, so an empty environment gives a working bot:
no HubSpot token -> the local HubSpot-compatible API; no OpenAI key -> guided mode; no app id ->
local, unauthenticated mode bound to loopback. Bot Framework settings keep their standard names
(`MicrosoftAppId`, ...). Secrets live only here and in the clients built from them: `Settings`
hides them from `repr` so they never reach a log line by accident.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

SECRET_FIELDS = frozenset(
    {
        "app_password",
        "hubspot_access_token",
        "openai_api_key",
        "azure_openai_api_key",
        "directline_secret",
        "database_url",
        "webchat_oidc_client_secret",
    }
)


class ConfigError(ValueError):
    """A setting has a value the app cannot work with."""


# -- parsers: text -> value, or ValueError saying what the value must be ----------------------


def _text(value: str) -> str:
    return value


def _stripped(value: str) -> str:
    return value.strip()


def _database_url(value: str) -> str:
    value = value.strip()
    if not value.startswith(("postgresql://", "postgres://")):
        raise ValueError("a PostgreSQL URL, e.g. postgresql://user:password@host:5432/db")
    return value


def _path_prefix(value: str) -> str:
    return value.rstrip("/")


def _upper(value: str) -> str:
    return value.strip().upper()


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _networks(value: str) -> tuple[str, ...]:
    items = _list(value)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError("comma-separated IP addresses or CIDR ranges") from None
    return items


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError("a whole number") from None


def _between(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = _whole(value)
        if not low <= number <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return number

    return parse


def _number_of_seconds(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError("a number of seconds") from None


def _positive_seconds(value: str) -> float:
    seconds = _number_of_seconds(value)
    if not 0 < seconds < 3600:
        raise ValueError("a number of seconds between 0 and 3600")
    return seconds


def _seconds_from_zero(value: str) -> float:
    seconds = _number_of_seconds(value)
    if not 0 <= seconds < 3600:
        raise ValueError("a number of seconds from 0 to 3600")
    return seconds


def _flag(value: str) -> bool:
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off"}:
        return False
    raise ValueError("true or false")


def _one_of(*choices: str, lower: bool = False, prefix: int = 0) -> Callable[[str], str]:
    def parse(value: str) -> str:
        v = value.strip().lower() if lower else value.strip()
        v = v[:prefix] if prefix else v
        if v not in choices:
            raise ValueError(" or ".join((", ".join(choices[:-1]), choices[-1])))
        return v

    return parse


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
    hubspot_tier: str = "free"  # free | pro | enterprise: the request budget kept under
    hubspot_threads: int = 16  # SDK calls in flight at once (each holds a thread and a socket)
    hubspot_action_seconds: float = 12.0  # the most one action waits for HubSpot, retries included
    default_phone_region: str = "US"

    # Answering the channel (bots/inbox.py)
    turn_answer_seconds: float = 0.0  # a POST waits this long for its turn, then answers 202
    turn_lease_seconds: float = 15.0  # a dead instance's accepted turns are taken over after this
    max_background_turns: int = 1000  # turns running after their answer; more wait for a slot

    # Language and conversation state
    default_language: str = "en"  # "en" or "ko", used until the channel tells us the locale
    state_storage: str = "sqlite"  # sqlite | memory
    # PostgreSQL for several instances (state, claims, processed ids, audit log); wins when set.
    database_url: str = field(default="", repr=False)

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
    admin_users: tuple[str, ...] = ()  # may read a contact's change history in chat

    # Local Direct Line channel for Web Chat
    directline_secret: str = field(default="", repr=False)
    max_message_chars: int = 4000
    messages_per_minute: int = 30
    # The page's token endpoint hands anyone who can load it a conversation with the CRM. None:
    # on in local mode, off with an app id (a public Teams endpoint); WEBCHAT_ENABLED decides.
    webchat_enabled: bool | None = None
    # Sign-in for the page: OpenID Connect, or the header of a sign-in proxy at these addresses.
    webchat_oidc_issuer: str = ""
    webchat_oidc_client_id: str = ""
    webchat_oidc_client_secret: str = field(default="", repr=False)
    webchat_trusted_user_header: str = ""
    webchat_trusted_proxies: tuple[str, ...] = ()
    # Abuse limits (webchat/limits.py, per instance): tokens and new conversations a minute per
    # user and per client address; a cap on kept conversations that never drops an active one
    # (an activity in the last WEBCHAT_ACTIVE_MINUTES); how long a chain of refreshed tokens lives.
    webchat_tokens_per_minute: int = 20
    webchat_conversations_per_minute: int = 10
    webchat_address_per_minute: int = 120
    webchat_max_conversations: int = 5000
    webchat_active_minutes: int = 10
    webchat_token_max_lifetime_hours: int = 24

    @property
    def webchat_signin(self) -> str:
        """How page users are identified: "oidc", "proxy", or "" (nobody is: local mode)."""
        if self.webchat_oidc_issuer:
            return "oidc"
        return "proxy" if self.webchat_trusted_user_header else ""

    @property
    def webchat_page_open(self) -> bool:
        """Is the page on? With sign-in, or in local mode, unless WEBCHAT_ENABLED=false. With an
        app id and no sign-in it is off (check_webchat refuses WEBCHAT_ENABLED=true then)."""
        if self.webchat_enabled is not None:
            return self.webchat_enabled
        return bool(self.webchat_signin) or not self.app_id

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
        values: dict[str, Any] = {}
        for name, attr, parse in ENVIRONMENT:
            raw = env.get(name)
            if raw is None or raw == "":
                continue  # unset: the field's default
            try:
                values[attr] = parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{name} must be {exc}, not {raw!r}") from None
        settings = cls(**values)
        settings._check()
        return settings

    def _check(self) -> None:
        """Settings that are fine alone but not together."""
        # The SDK would fail later with a bare "Property 'APP_TENANTID' is expected".
        if self.app_type != "MultiTenant" and self.app_id and not self.app_tenant_id:
            raise ConfigError(
                f"MicrosoftAppType {self.app_type} needs MicrosoftAppTenantId (the "
                "directory/tenant id of the bot's app registration)"
            )
        if self.app_type == "SingleTenant" and self.app_id and not self.app_password:
            raise ConfigError("MicrosoftAppType SingleTenant needs MicrosoftAppPassword")
        self.check_webchat()

    def check_webchat(self) -> None:
        """The page's sign-in settings, whole and consistent (also checked by webchat.setup)."""
        oidc = {
            "WEBCHAT_OIDC_ISSUER": self.webchat_oidc_issuer,
            "WEBCHAT_OIDC_CLIENT_ID": self.webchat_oidc_client_id,
            "WEBCHAT_OIDC_CLIENT_SECRET": self.webchat_oidc_client_secret,
        }
        missing = [name for name, value in oidc.items() if not value]
        if len(missing) < len(oidc) and missing:
            needs = ", ".join(missing)
            raise ConfigError(f"OpenID Connect sign-in for the page also needs {needs}")
        issuer = self.webchat_oidc_issuer
        local = issuer.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
        if issuer and not issuer.startswith("https://") and not local:
            raise ConfigError("WEBCHAT_OIDC_ISSUER must be an https:// URL")
        if self.webchat_trusted_user_header and not self.webchat_trusted_proxies:
            raise ConfigError(
                "WEBCHAT_TRUSTED_USER_HEADER needs WEBCHAT_TRUSTED_PROXIES: the header "
                "is believed only from the proxies' addresses"
            )
        if issuer and self.webchat_trusted_user_header:
            raise ConfigError(
                "Set either WEBCHAT_OIDC_* or WEBCHAT_TRUSTED_USER_HEADER for the page, not both"
            )
        if self.app_id and self.webchat_enabled and not self.webchat_signin:
            raise ConfigError(
                "WEBCHAT_ENABLED=true with a MicrosoftAppId would open the page to anyone: set "
                "WEBCHAT_OIDC_ISSUER, WEBCHAT_OIDC_CLIENT_ID and WEBCHAT_OIDC_CLIENT_SECRET "
                "(OpenID Connect sign-in), or WEBCHAT_TRUSTED_USER_HEADER and "
                "WEBCHAT_TRUSTED_PROXIES (a sign-in proxy), or leave WEBCHAT_ENABLED unset"
            )

    def redacted(self) -> dict[str, object]:
        """The settings as a dict safe to log: secrets show only whether they are set."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = ("<set>" if value else "<unset>") if f.name in SECRET_FIELDS else value
        return out


# Every setting the environment can give: (variable, Settings field, parser). An unset or empty
# variable leaves the field's default; a value the parser refuses is a ConfigError naming it.
ENVIRONMENT: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("PORT", "port", _whole),
    ("HOST", "host", _stripped),
    ("ALLOW_REMOTE", "allow_remote", _flag),
    ("PUBLIC_BASE_PATH", "public_base_path", _path_prefix),
    ("DATA_DIR", "data_dir", _text),
    ("MicrosoftAppId", "app_id", _stripped),
    ("MicrosoftAppPassword", "app_password", _text),
    ("MicrosoftAppType", "app_type", _one_of("MultiTenant", "SingleTenant", "UserAssignedMSI")),
    ("MicrosoftAppTenantId", "app_tenant_id", _stripped),
    ("BOT_DOMAIN", "bot_domain", _stripped),
    ("HUBSPOT_ACCESS_TOKEN", "hubspot_access_token", _stripped),
    ("HUBSPOT_BASE_URL", "hubspot_base_url", _stripped),
    ("HUBSPOT_SEED_DEMO", "hubspot_seed_demo", _whole),
    ("HUBSPOT_TIER", "hubspot_tier", _one_of("free", "pro", "enterprise", lower=True)),
    ("HUBSPOT_THREADS", "hubspot_threads", _between(1, 256)),
    ("HUBSPOT_ACTION_SECONDS", "hubspot_action_seconds", _positive_seconds),
    ("DEFAULT_PHONE_REGION", "default_phone_region", _upper),
    ("TURN_ANSWER_SECONDS", "turn_answer_seconds", _seconds_from_zero),
    ("TURN_LEASE_SECONDS", "turn_lease_seconds", _positive_seconds),
    ("MAX_BACKGROUND_TURNS", "max_background_turns", _between(1, 100_000)),
    ("DEFAULT_LANGUAGE", "default_language", _one_of("en", "ko", lower=True, prefix=2)),
    ("STATE_STORAGE", "state_storage", _one_of("sqlite", "memory", lower=True)),
    ("DATABASE_URL", "database_url", _database_url),
    ("OPENAI_API_KEY", "openai_api_key", _stripped),
    ("OPENAI_MODEL", "openai_model", _stripped),
    ("OPENAI_BASE_URL", "openai_base_url", _stripped),
    ("AZURE_OPENAI_ENDPOINT", "azure_openai_endpoint", _stripped),
    ("AZURE_OPENAI_API_KEY", "azure_openai_api_key", _stripped),
    ("AZURE_OPENAI_DEPLOYMENT", "azure_openai_deployment", _stripped),
    ("AZURE_OPENAI_API_VERSION", "azure_openai_api_version", _stripped),
    ("MODEL_TIMEOUT_SECONDS", "model_timeout_seconds", _positive_seconds),
    ("ALLOWED_TENANTS", "allowed_tenants", _list),
    ("ALLOWED_USERS", "allowed_users", _list),
    ("READONLY_USERS", "readonly_users", _list),
    ("ADMIN_USERS", "admin_users", _list),
    ("DIRECTLINE_SECRET", "directline_secret", _text),
    ("MAX_MESSAGE_CHARS", "max_message_chars", _whole),
    ("MESSAGES_PER_MINUTE", "messages_per_minute", _whole),
    ("WEBCHAT_ENABLED", "webchat_enabled", _flag),
    ("WEBCHAT_OIDC_ISSUER", "webchat_oidc_issuer", _stripped),
    ("WEBCHAT_OIDC_CLIENT_ID", "webchat_oidc_client_id", _stripped),
    ("WEBCHAT_OIDC_CLIENT_SECRET", "webchat_oidc_client_secret", _text),
    ("WEBCHAT_TRUSTED_USER_HEADER", "webchat_trusted_user_header", _stripped),
    ("WEBCHAT_TRUSTED_PROXIES", "webchat_trusted_proxies", _networks),
    ("WEBCHAT_TOKENS_PER_MINUTE", "webchat_tokens_per_minute", _between(1, 100_000)),
    ("WEBCHAT_CONVERSATIONS_PER_MINUTE", "webchat_conversations_per_minute", _between(1, 100_000)),
    ("WEBCHAT_ADDRESS_PER_MINUTE", "webchat_address_per_minute", _between(1, 1_000_000)),
    ("WEBCHAT_MAX_CONVERSATIONS", "webchat_max_conversations", _between(1, 10_000_000)),
    ("WEBCHAT_ACTIVE_MINUTES", "webchat_active_minutes", _between(1, 24 * 60)),
    ("WEBCHAT_TOKEN_MAX_LIFETIME_HOURS", "webchat_token_max_lifetime_hours", _between(1, 24 * 30)),
)
