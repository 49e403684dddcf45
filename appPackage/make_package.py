"""Build the Teams app package: appPackage/build/appPackage.zip, validated before it is written.

    MicrosoftAppId=<bot app id> BOT_DOMAIN=bot.example.com python appPackage/make_package.py

Settings come from the environment and `.env`, like the app's (`Settings.from_env`):
`MicrosoftAppId` (the bot's Entra app id: the bot id and, unless TEAMS_APP_ID is set, the Teams
app id) and `BOT_DOMAIN` (the public host of /api/messages). Optional, packaging only:
TEAMS_APP_ID, TEAMS_DEVELOPER_NAME, TEAMS_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL
(the three URLs default to https://<BOT_DOMAIN>/, where the app serves its Web Chat page).

Why manifest 1.25: of the two schemas we hold, 1.25 is the released (GA) version that the
Developer Portal, the Teams admin center and sideloading all accept; 1.29 adds agent connectors,
agent skills and slash-command "targeted messages", which Microsoft ships as developer-preview
features. Nothing this bot uses is newer than 1.25, and the GA version is the one an admin's
tenant is sure to accept.

What is checked before anything is zipped: the filled manifest against the vendored 1.25 JSON
schema (schema/, MIT, from OfficeDev/microsoft-teams-app-schema); each localization file against
the shape of Microsoft's localization schema (written down below: its keys and length limits),
and that every localized key points at a string that exists in the manifest, with the default
language file repeating the manifest's own strings; the icons' sizes and colour types.
"""

from __future__ import annotations

import json
import re
import struct
import sys
import tomllib
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script: find config/

import jsonschema  # noqa: E402

from config import ConfigError, Settings  # noqa: E402

SCHEMA_PATH = HERE / "schema" / "MicrosoftTeams.v1.25.schema.json"
OUTPUT = HERE / "build" / "appPackage.zip"
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(\*\.)?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(:\d+)?$")
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")

# The localization file format (Microsoft's MicrosoftTeams.Localization.schema.json), limited
# to the keys this app can localize: app name, description, bot command titles/descriptions,
# the message extension's command and parameter titles/descriptions.
LOCALIZATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "name.short": {"type": "string", "maxLength": 30},
        "name.full": {"type": "string", "maxLength": 100},
        "description.short": {"type": "string", "maxLength": 80},
        "description.full": {"type": "string", "maxLength": 4000},
    },
    "patternProperties": {
        r"^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.title$": {
            "type": "string",
            "maxLength": 32,
        },
        r"^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.description$": {
            "type": "string",
            "maxLength": 128,
        },
        # The message extension's search command and its parameter (compose-box search).
        r"^composeExtensions\[0\]\.commands\[[0-9]\]\.title$": {"type": "string", "maxLength": 32},
        r"^composeExtensions\[0\]\.commands\[[0-9]\]\.description$": {
            "type": "string",
            "maxLength": 128,
        },
        r"^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.title$": {
            "type": "string",
            "maxLength": 32,
        },
        r"^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.description$": {
            "type": "string",
            "maxLength": 128,
        },
    },
    "required": ["name.short", "description.short", "description.full"],
}


class PackageError(Exception):
    """The package cannot be built; the message says what to fix."""


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    colour_type: int  # 2 = RGB, 6 = RGBA
    pixels: list[bytes]  # unfiltered rows

    @property
    def has_alpha(self) -> bool:
        return self.colour_type == 6


def read_png(data: bytes) -> Png:
    """Enough of a PNG reader to check our own icons (8-bit RGB/RGBA, any row filters)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PackageError("not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    if header is None:
        raise PackageError("PNG without IHDR")
    width, height, depth, colour_type = header[:4]
    if depth != 8 or colour_type not in (2, 6):
        raise PackageError("icons must be 8-bit RGB or RGBA PNGs")
    bpp = 4 if colour_type == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        f, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = rows[-1]
    return Png(width, height, colour_type, rows)


def app_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def _host(value: str) -> str:
    """`BOT_DOMAIN` as Teams wants it in validDomains: a host name, no scheme or path."""
    host = re.sub(r"^[a-zA-Z]+://", "", value.strip()).split("/", 1)[0]
    if not host or not HOST.match(host):
        raise PackageError(f"BOT_DOMAIN must be a host name such as bot.example.com, not {value!r}")
    return host.lower()


def package_values(settings: Settings, environ: Mapping[str, str]) -> dict[str, str]:
    """What fills the manifest's {{PLACEHOLDERS}}; refuses what Teams would refuse later."""
    if not settings.app_id:
        raise PackageError(
            "MicrosoftAppId is not set: the package needs the bot's app id "
            "(Azure Bot resource > Configuration > Microsoft App ID)"
        )
    if not GUID.match(settings.app_id):
        raise PackageError(f"MicrosoftAppId must be a GUID, not {settings.app_id!r}")
    if not settings.bot_domain:
        raise PackageError(
            "BOT_DOMAIN is not set: the public host name of the bot's "
            "messaging endpoint, e.g. bot.example.com"
        )
    host = _host(settings.bot_domain)
    teams_app_id = environ.get("TEAMS_APP_ID") or settings.app_id
    if not GUID.match(teams_app_id):
        raise PackageError(f"TEAMS_APP_ID must be a GUID, not {teams_app_id!r}")
    site = f"https://{host}/"
    return {
        "VERSION": app_version(),
        "TEAMS_APP_ID": teams_app_id,
        "MICROSOFT_APP_ID": settings.app_id,
        "BOT_DOMAIN": host,
        "DEVELOPER_NAME": environ.get("TEAMS_DEVELOPER_NAME") or "HubSpot Contact Assistant",
        "WEBSITE_URL": environ.get("TEAMS_WEBSITE_URL") or site,
        "PRIVACY_URL": environ.get("TEAMS_PRIVACY_URL") or site,
        "TERMS_URL": environ.get("TEAMS_TERMS_URL") or site,
    }


def fill(node: Any, values: Mapping[str, str]) -> Any:
    """The template with every {{NAME}} replaced; an unknown name is an error, not a gap."""
    if isinstance(node, dict):
        return {k: fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [fill(v, values) for v in node]
    if isinstance(node, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in values:
                raise PackageError(f"manifest.json uses an unknown placeholder {m.group(0)}")
            return values[m.group(1)]

        return PLACEHOLDER.sub(sub, node)
    return node


def _errors(validator: jsonschema.protocols.Validator, document: Any, name: str) -> list[str]:
    return [
        f"{name}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    ]


def validate_manifest(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The schema says draft-04 but uses draft-06's `const` (for manifestVersion); a draft-04
    # validator would ignore it, so validate with draft 7, which reads the rest the same way.
    problems = _errors(jsonschema.Draft7Validator(schema), manifest, "manifest.json")
    if problems:
        raise PackageError("\n".join(problems))


def _manifest_string(manifest: dict[str, Any], key: str) -> Any:
    """The manifest value a localization key such as `bots[0].commandLists[0].commands[1].title`
    names, or None when that path does not exist."""
    node: Any = manifest
    for part in key.split("."):
        m = re.fullmatch(r"([A-Za-z]+)((?:\[\d+\])*)", part)
        if m is None or not isinstance(node, dict):
            return None
        node = node.get(m.group(1))
        for index in re.findall(r"\[(\d+)\]", m.group(2)):
            if not isinstance(node, list) or int(index) >= len(node):
                return None
            node = node[int(index)]
    return node


def validate_localization(manifest: dict[str, Any], files: Mapping[str, dict[str, Any]]) -> None:
    info = manifest.get("localizationInfo") or {}
    default_file = info.get("defaultLanguageFile")
    named = [default_file] if default_file else []
    named += [lang["file"] for lang in info.get("additionalLanguages", [])]
    problems = [
        f"{name}: listed in localizationInfo but missing" for name in named if name not in files
    ]
    validator = jsonschema.Draft7Validator(LOCALIZATION_SCHEMA)
    for name, strings in files.items():
        problems += _errors(validator, strings, name)
        for key, value in strings.items():
            if key == "$schema":
                continue
            original = _manifest_string(manifest, key)
            if not isinstance(original, str):
                problems.append(f"{name}: {key} names no string in manifest.json")
            elif name == default_file and value != original:
                problems.append(
                    f"{name}: {key} differs from manifest.json (the default "
                    "language file must repeat the manifest's strings)"
                )
    if problems:
        raise PackageError("\n".join(problems))


def validate_icons(icons: Mapping[str, bytes]) -> None:
    problems = []
    for name, (width, height) in ICONS.items():
        image = read_png(icons[name])
        if (image.width, image.height) != (width, height):
            problems.append(f"{name} is {image.width}x{image.height}, Teams wants {width}x{height}")
    if not read_png(icons["outline.png"]).has_alpha:
        problems.append("outline.png must have a transparent background (RGBA)")
    if problems:
        raise PackageError("\n".join(problems))


def build_package(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    output: Path = OUTPUT,
    source: Path = HERE,
) -> Path:
    """Fill, validate and zip; nothing is written unless every check passes."""
    template = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    manifest = fill(template, package_values(settings, environ or {}))
    validate_manifest(manifest)
    info = manifest.get("localizationInfo") or {}
    names = ([info["defaultLanguageFile"]] if info.get("defaultLanguageFile") else []) + [
        lang["file"] for lang in info.get("additionalLanguages", [])
    ]
    localizations = {}
    for name in names:
        path = source / name
        if not path.is_file():
            raise PackageError(f"{name}: listed in localizationInfo but missing")
        localizations[name] = json.loads(path.read_text(encoding="utf-8"))
    validate_localization(manifest, localizations)
    icons = {name: (source / name).read_bytes() for name in ICONS}
    validate_icons(icons)

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        # Fixed timestamps: the same inputs give the same zip, byte for byte.
        def add(name: str, data: bytes) -> None:
            zf.writestr(
                zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )

        add("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        for name, data in icons.items():
            add(name, data)
        for name, strings in localizations.items():
            add(name, json.dumps(strings, indent=2, ensure_ascii=False).encode())
    tmp.replace(output)
    return output


def main() -> int:
    import os

    try:
        path = build_package(Settings.from_env(), environ=os.environ)
    except (PackageError, ConfigError) as exc:
        print(f"Cannot build the Teams package:\n{exc}", file=sys.stderr)
        return 2
    print(
        f"Built {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n"
        "Upload it in the Teams admin center, the Developer Portal, or Teams > Apps > "
        "Manage your apps > Upload an app (see docs/deploy.md)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
