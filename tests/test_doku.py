"""README.md documents every setting and every command-line option (after datasette's tests/test_docs.py).

A setting is a field of :class:`~sozialraum_analytics.einstellungen.Einstellungen` or any ``SOZIALRAUM_*``
name in the package, ``ui/``, ``pages/`` or ``app.py``; each must have a row in the table of the
section "## Einstellungen". Every option of every subcommand of ``cli.build_parser()`` must appear in
the section "## Kommandozeile".
"""

import argparse
import re
from pathlib import Path

import pytest

from sozialraum_analytics.cli import build_parser
from sozialraum_analytics.einstellungen import variablen

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# SOZIALRAUM_X, not _SOZIALRAUM_X (a constant) or part of a longer name.
NAME = re.compile(r"(?<![A-Za-z0-9_])SOZIALRAUM_[A-Z0-9_]*[A-Z0-9]")


def abschnitt(titel: str) -> str:
    """The text of the README section ``## titel`` up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(titel)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"README.md hat keinen Abschnitt „## {titel}“"
    return match.group(1)


def im_quelltext() -> set[str]:
    quellen = [*(ROOT / "sozialraum_analytics").glob("*.py"), *(ROOT / "pages").glob("*.py"),
               *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]
    return {name for p in quellen for name in NAME.findall(p.read_text(encoding="utf-8"))}


EINSTELLUNGEN = sorted(set(variablen().values()) | im_quelltext())


def test_every_name_in_the_source_is_a_setting() -> None:
    """A SOZIALRAUM_* name in the code that einstellungen.py does not read would be read past it."""
    assert im_quelltext() - set(variablen().values()) == set()


@pytest.mark.parametrize("name", EINSTELLUNGEN)
def test_setting_is_documented(name: str) -> None:
    tabelle = [zeile for zeile in abschnitt("Einstellungen").splitlines() if zeile.startswith("|")]
    assert any(re.match(rf"\|\s*`{name}(=[^`]*)?`", zeile) for zeile in tabelle), \
        f"{name} fehlt in der Tabelle des README-Abschnitts „Einstellungen“"


def _optionen() -> list[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(befehl, option) for befehl, unterparser in sub.choices.items()
            for action in unterparser._actions for option in action.option_strings
            if option.startswith("--") and option != "--help"]


def _befehle() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


@pytest.mark.parametrize("befehl", _befehle())
def test_command_is_documented(befehl: str) -> None:
    assert re.search(rf"sozialraum_analytics {befehl}\b", abschnitt("Kommandozeile")), \
        f"Der Befehl {befehl} fehlt im README-Abschnitt „Kommandozeile“"


@pytest.mark.parametrize(("befehl", "option"), _optionen())
def test_option_is_documented(befehl: str, option: str) -> None:
    assert re.search(rf"{re.escape(option)}(?![\w-])", abschnitt("Kommandozeile")), \
        f"{befehl} {option} fehlt im README-Abschnitt „Kommandozeile“"


def test_the_readme_names_no_setting_that_does_not_exist() -> None:
    """A renamed or removed setting leaves no stale name behind (test-only variables aside)."""
    nur_tests = {"SOZIALRAUM_SCREENSHOTS", "SOZIALRAUM_TEST_PG"}
    assert set(NAME.findall(README)) - set(variablen().values()) - nur_tests == set()
