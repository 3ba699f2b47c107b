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
