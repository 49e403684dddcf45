"""The architecture's rules that a newcomer relies on, checked on the code as it is.

The import layers themselves are import-linter's contracts (pyproject.toml, run by `make
lint`); here: that those contracts do catch an upward import, that no module reaches into
another's private names, and that no module outgrows one concept (400 lines).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "config",
    "webchat",
    "bots",
    "flows",
    "cards",
    "agent",
    "typed",
    "capture",
    "contacts",
    "store",
    "ground",
    "hubspot_local",
    "localmodel",
    "eval",
)
MAX_LINES = 400


def _our_modules() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files.extend(sorted((ROOT / package).rglob("*.py")))
    return files


def _is_ours(module: str) -> bool:
    return module == "app" or module.split(".")[0] in PACKAGES


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_is_past_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _our_modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_module_imports_a_private_name_of_another():
    """`from x import _y` and `x._y` on an imported module of ours: a private name is the
    module's own business, and a reach-in is a coupling nobody sees in the module's API."""
    reach_ins = []
    for path in _our_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and _is_ours(node.module):
                reach_ins += [
                    f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if _private(alias.name)
                ]
            elif isinstance(node, ast.Import):
                modules |= {a.asname or a.name for a in node.names if _is_ours(a.name)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                reach_ins.append(f"{path.relative_to(ROOT)}: {node.value.id}.{node.attr}")
    assert reach_ins == []


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=50
    )


@pytest.mark.timeout(120)
def test_the_import_contracts_catch_an_upward_import(tmp_path):
    """The contracts hold on the code as it is, and break on a copy where contacts/ imports
    the flows that use it, or a flow imports the Bot Framework SDK."""
    if not Path(sys.executable).with_name("lint-imports").exists():
        pytest.skip("import-linter is not installed (make test installs it)")
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copy(ROOT / "app.py", tree)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("static"))
    kept = _lint_imports(tree)
    assert kept.returncode == 0, kept.stdout[-2000:]
    assert "0 broken" in kept.stdout

    with (tree / "contacts" / "korean.py").open("a", encoding="utf-8") as f:
        f.write("\nimport flows.router  # noqa: E402,F401\n")
    with (tree / "flows" / "state.py").open("a", encoding="utf-8") as f:
        f.write("\nimport botbuilder.core  # noqa: E402,F401\n")
    broken = _lint_imports(tree)
    assert broken.returncode != 0
    assert "contacts.korean -> flows.router" in broken.stdout
    assert "flows.state -> botbuilder" in broken.stdout
    assert "2 broken" in broken.stdout
