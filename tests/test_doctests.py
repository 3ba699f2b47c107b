"""The examples in the package's docstrings are worked by hand (``>>>``): they run with the tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sozialraum_analytics

MODULE = sorted(m.name for m in pkgutil.walk_packages(sozialraum_analytics.__path__, "sozialraum_analytics.")
                if not m.name.endswith("__main__"))  # runs the command line on import


def test_the_package_has_examples() -> None:
    beispiele = sum(len(t.examples) for name in MODULE for t in doctest.DocTestFinder().find(importlib.import_module(name)))
    assert beispiele >= 40


@pytest.mark.parametrize("name", MODULE)
def test_docstring_examples(name: str) -> None:
    ergebnis = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert ergebnis.failed == 0, f"{name}: {ergebnis.failed} von {ergebnis.attempted} Beispielen falsch"


def _zeilen_mit_beispiel(text: str) -> int:
    return sum(1 for zeile in text.splitlines() if zeile.strip().startswith(">>>"))


@pytest.mark.parametrize("name", MODULE)
def test_every_example_in_the_source_is_run(name: str) -> None:
    """Doctest finds examples only in docstrings of the module, its classes and functions: one in a nested function
    or a comment would be skipped silently. Every ``>>>`` line of the source must be an example run above."""
    import inspect

    modul = importlib.import_module(name)
    gefunden = sum(len(t.examples) for t in doctest.DocTestFinder().find(modul))
    assert gefunden == _zeilen_mit_beispiel(inspect.getsource(modul)), name


def test_no_examples_outside_the_package() -> None:
    """The pages, the ui package, app.py and __main__ are not run as doctests here (importing them runs Streamlit or the
    command line): they hold no ``>>>`` example that would go unchecked."""
    from pathlib import Path

    root = Path(sozialraum_analytics.__file__).resolve().parents[1]
    dateien = [*root.glob("ui/*.py"), root / "app.py", root / "sozialraum_analytics" / "__main__.py", *root.glob("pages/*.py")]
    assert [d.name for d in dateien if _zeilen_mit_beispiel(d.read_text(encoding="utf-8"))] == []
