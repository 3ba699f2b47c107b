"""The pages' helpers as a small package (issue 16, point 4): one module per concern, each short enough to
read in one sitting, no import cycles, and ``ui/__init__`` offers every ``ui.<name>`` the pages and app.py use."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ui

ROOT = Path(__file__).resolve().parent.parent
MODULE = sorted(p for p in (ROOT / "ui").glob("*.py") if p.name != "__init__.py")
HOECHSTENS = 400  # lines of one module


def namen_der_seiten() -> dict[str, set[str]]:
    """Every attribute ``ui.<name>`` read in pages/*.py and app.py, with the files that read it."""
    namen: dict[str, set[str]] = {}
    for datei in [*(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        for knoten in ast.walk(ast.parse(datei.read_text(encoding="utf-8"))):
            if isinstance(knoten, ast.Attribute) and isinstance(knoten.value, ast.Name) and knoten.value.id == "ui":
                namen.setdefault(knoten.attr, set()).add(datei.name)
    return namen


def test_each_module_reads_in_one_sitting() -> None:
    assert len(MODULE) >= 8
    zu_lang = {p.name: n for p in MODULE if (n := len(p.read_text(encoding="utf-8").splitlines())) > HOECHSTENS}
    assert zu_lang == {}


def test_the_package_offers_every_name_the_pages_use() -> None:
    namen = namen_der_seiten()
    assert len(namen) > 50  # the walk found the pages' use at all
    assert {n: sorted(d) for n, d in namen.items() if not hasattr(ui, n)} == {}
    assert set(namen) <= set(ui.__all__)


def test_all_lists_only_names_that_exist_once() -> None:
    assert len(ui.__all__) == len(set(ui.__all__))
    assert [n for n in ui.__all__ if not hasattr(ui, n)] == []
    assert callable(ui.auswahl) and callable(ui.store)  # functions, not shadowed by a module of the same name


def test_every_module_imports_on_its_own_outside_streamlit() -> None:
    """Each module imported first, in a fresh interpreter and past ``ui/__init__`` (an empty package stands in for
    it): a module that needs one imported before it, or an import cycle between them, fails here."""
    programm = (
        "import importlib, sys, types\n"
        f"for name in {[p.stem for p in MODULE]!r}:\n"
        "    for geladen in [m for m in sys.modules if m == 'ui' or m.startswith('ui.')]:\n"
        "        del sys.modules[geladen]\n"
        "    paket = types.ModuleType('ui')\n"
        f"    paket.__path__ = [{str(ROOT / 'ui')!r}]\n"
        "    sys.modules['ui'] = paket\n"
        "    importlib.import_module('ui.' + name)\n"
        "print('ok')\n"
    )
    ergebnis = subprocess.run([sys.executable, "-c", programm], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ergebnis.returncode == 0, ergebnis.stderr[-2000:]
    assert ergebnis.stdout.strip().endswith("ok")
