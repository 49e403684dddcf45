"""The Teams app package: one command builds a zip Teams accepts, and refuses to build a bad one."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from config import Settings
from contacts.links import HUBSPOT_APP_DOMAINS
from typed import parse_command

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "appPackage"
sys.path.insert(0, str(PKG))

import icons  # noqa: E402
import make_package as mp  # noqa: E402

APP_ID = "22222222-2222-2222-2222-222222222222"
SETTINGS = Settings(app_id=APP_ID, app_password="secret", bot_domain="bot.example.com")
SCHEMA = json.loads(mp.SCHEMA_PATH.read_text(encoding="utf-8"))


def build(
    tmp_path: Path, settings: Settings = SETTINGS, source: Path = PKG, **environ: str
) -> zipfile.ZipFile:
    out = mp.build_package(
        settings, environ=environ, output=tmp_path / "appPackage.zip", source=source
    )
    return zipfile.ZipFile(out)


def entries(zf: zipfile.ZipFile) -> dict[str, bytes]:
    return {name: zf.read(name) for name in zf.namelist()}


def copy_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(PKG, src, ignore=shutil.ignore_patterns("build", "__pycache__"))
    return src


def test_the_package_holds_a_schema_valid_manifest_icons_and_both_languages(tmp_path):
    files = entries(build(tmp_path))
    assert set(files) == {"manifest.json", "color.png", "outline.png", "en.json", "ko.json"}
    manifest = json.loads(files["manifest.json"])
    # Checked here with jsonschema directly, not through the builder's own check.
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(manifest)) == []
    assert manifest["manifestVersion"] == "1.25"
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["bot.example.com"]
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert "{{" not in files["manifest.json"].decode()
    assert manifest["localizationInfo"]["additionalLanguages"] == [
        {"languageTag": "ko", "file": "ko.json"}
    ]


def test_icons_have_the_sizes_and_transparency_teams_wants(tmp_path):
    files = entries(build(tmp_path))
    color, outline = mp.read_png(files["color.png"]), mp.read_png(files["outline.png"])
    assert (color.width, color.height) == (192, 192)
    assert (outline.width, outline.height) == (32, 32) and outline.has_alpha
    alphas = {row[i] for row in outline.pixels for i in range(3, len(row), 4)}
    assert 0 in alphas and 255 in alphas  # a transparent background around an opaque glyph
    colours = {
        bytes(row[i : i + 3]) for row in outline.pixels for i in range(0, len(row), 4) if row[i + 3]
    }
    assert colours == {b"\xff\xff\xff"}  # white only
    assert len({bytes(r[i : i + 3]) for r in color.pixels for i in range(0, len(r), 3)}) > 2


def test_the_committed_icons_are_what_the_drawing_code_makes():
    assert (PKG / "outline.png").read_bytes() == icons.outline_icon()
    assert (PKG / "color.png").read_bytes() == icons.color_icon()


@pytest.mark.parametrize("lang_file", ["en.json", "ko.json"])
def test_every_command_title_is_something_the_bot_understands(tmp_path, lang_file):
    """Teams sends a command's (localized) title as the message text when it is picked."""
    strings = json.loads(entries(build(tmp_path))[lang_file])
    titles = [strings[f"bots[0].commandLists[0].commands[{i}].title"] for i in range(3)]
    assert [parse_command(t).kind for t in titles] == ["search", "create", "update"]
    if lang_file == "ko.json":
        assert all(parse_command(t).language == "ko" for t in titles)


def test_the_build_is_reproducible(tmp_path):
    first = mp.build_package(SETTINGS, output=tmp_path / "a" / "appPackage.zip")
    second = mp.build_package(SETTINGS, output=tmp_path / "b" / "appPackage.zip")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "domain,expected",
    [
        ("https://Bot.Example.com/api/messages", "bot.example.com"),
        ("bot.example.com:8443", "bot.example.com:8443"),
    ],
)
def test_bot_domain_is_reduced_to_a_host(tmp_path, domain, expected):
    manifest = json.loads(
        build(tmp_path, replace(SETTINGS, bot_domain=domain)).read("manifest.json")
    )
    assert manifest["validDomains"] == [expected]


@pytest.mark.parametrize(
    "settings,message",
    [
        (replace(SETTINGS, app_id=""), "MicrosoftAppId is not set"),
        (replace(SETTINGS, app_id="my-bot"), "must be a GUID"),
        (replace(SETTINGS, bot_domain=""), "BOT_DOMAIN is not set"),
        (replace(SETTINGS, bot_domain="https:// bad host/"), "BOT_DOMAIN must be a host name"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(tmp_path, settings, message):
    with pytest.raises(mp.PackageError, match=message):
        build(tmp_path, settings)
    assert not (tmp_path / "appPackage.zip").exists()


def test_developer_urls_and_teams_app_id_can_be_set(tmp_path):
    other = "33333333-3333-3333-3333-333333333333"
    manifest = json.loads(
        build(
            tmp_path, TEAMS_APP_ID=other, TEAMS_PRIVACY_URL="https://contoso.example/privacy"
        ).read("manifest.json")
    )
    assert manifest["id"] == other and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["privacyUrl"] == "https://contoso.example/privacy"


def test_a_manifest_the_schema_rejects_is_not_packaged(tmp_path):
    src = copy_source(tmp_path)
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["manifestVersion"] = "1.29"  # only `const` in the schema catches this
    manifest["bots"][0]["scopes"].append("meetings")
    (src / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(mp.PackageError) as err:
        build(tmp_path, source=src)
    assert "manifestVersion" in str(err.value) and "scopes" in str(err.value)
    assert not (tmp_path / "appPackage.zip").exists()


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda s: s.update({"bots[0].commandLists[0].commands[0].title": "연락처 " * 12}),
            "is too long",
        ),
        (
            lambda s: s.update({"bots[0].commandLists[0].commands[7].title": "Merge"}),
            "names no string in manifest.json",
        ),
        (lambda s: s.pop("description.full"), "'description.full' is a required property"),
        (lambda s: s.update({"developer.name": "x"}), "'developer.name' does not match any"),
    ],
)
def test_a_bad_localization_file_is_not_packaged(tmp_path, edit, message):
    src = copy_source(tmp_path)
    strings = json.loads((src / "ko.json").read_text(encoding="utf-8"))
    edit(strings)
    (src / "ko.json").write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(mp.PackageError, match=message):
        build(tmp_path, source=src)


def test_the_default_language_file_must_repeat_the_manifest(tmp_path):
    src = copy_source(tmp_path)
    strings = json.loads((src / "en.json").read_text(encoding="utf-8"))
    strings["name.short"] = "Something else"
    (src / "en.json").write_text(json.dumps(strings), encoding="utf-8")
    with pytest.raises(mp.PackageError, match="differs from manifest.json"):
        build(tmp_path, source=src)


def test_a_wrongly_sized_icon_is_not_packaged(tmp_path):
    src = copy_source(tmp_path)
    (src / "outline.png").write_bytes(icons.outline_icon(48))
    with pytest.raises(mp.PackageError, match="outline.png is 48x48"):
        build(tmp_path, source=src)


def test_the_command_line_builds_the_zip_or_says_what_is_missing(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MicrosoftAppId", "BOT_DOMAIN", "MicrosoftAppType"}
    }
    script = [sys.executable, str(PKG / "make_package.py")]
    # Run where no .env can supply settings.
    failed = subprocess.run(
        script, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert failed.returncode == 2 and "MicrosoftAppId is not set" in failed.stderr
    ok = subprocess.run(
        script,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "MicrosoftAppId": APP_ID, "BOT_DOMAIN": "bot.example.com"},
    )
    assert ok.returncode == 0, ok.stderr
    with zipfile.ZipFile(io.BytesIO(mp.OUTPUT.read_bytes())) as zf:
        assert json.loads(zf.read("manifest.json"))["bots"][0]["botId"] == APP_ID


def test_the_package_has_the_compose_box_search_and_hubspot_link_unfurling(tmp_path):
    files = entries(build(tmp_path))
    manifest = json.loads(files["manifest.json"])
    [extension] = manifest["composeExtensions"]
    assert extension["botId"] == APP_ID  # the same bot answers its invokes
    [command] = extension["commands"]
    assert command["type"] == "query" and command["initialRun"] is True
    assert [p["name"] for p in command["parameters"]] == ["query"]
    [handler] = extension["messageHandlers"]
    assert handler["type"] == "link"
    # Every HubSpot app domain the bot reads record links of, and the local record page's host.
    assert set(HUBSPOT_APP_DOMAINS) | {"127.0.0.1"} <= set(handler["value"]["domains"])
    korean = json.loads(files["ko.json"])
    assert korean["composeExtensions[0].commands[0].title"] == "연락처 찾기"
    english = json.loads(files["en.json"])
    assert english["composeExtensions[0].commands[0].title"] == command["title"]


def test_a_too_long_korean_search_title_is_not_packaged(tmp_path):
    src = copy_source(tmp_path)
    strings = json.loads((src / "ko.json").read_text(encoding="utf-8"))
    strings["composeExtensions[0].commands[0].title"] = "연락처 찾기 " * 6
    (src / "ko.json").write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(mp.PackageError, match="is too long"):
        build(tmp_path, source=src)
    assert not (tmp_path / "appPackage.zip").exists()
