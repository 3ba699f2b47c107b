"""Every page on data that went through the store as planners bring it (``importieren`` with the demo
files), in the planning and the public view (AppTest): no exception, no error box."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DEMO_DATEIEN, ablage_kopieren
from .test_pages import PAGES, no_exception, open_page, texts

PLANUNGSSEITEN = {"pages/daten.py", "pages/importieren.py"}
ALLE = [*PAGES, "pages/praesentation.py"]


@pytest.fixture(scope="session")
def demo_ablage(tmp_path_factory, demo_ablage_vorlage: Path) -> str:
    """A store holding the demo Kreis, imported file by file with the command line (a copy of the run's one,
    tests/conftest.py)."""
    return f"sqlite:///{ablage_kopieren(demo_ablage_vorlage, tmp_path_factory.mktemp('demo_ablage') / 'ablage.db')}"


@pytest.fixture
def aus_der_ablage(monkeypatch: pytest.MonkeyPatch, demo_ablage: str) -> str:
    monkeypatch.delenv("SOZIALRAUM_DATEN", raising=False)
    monkeypatch.setenv("SOZIALRAUM_DB", demo_ablage)
    return demo_ablage


# Every page in the planning view; in the public view every page but the planning pages (the server does not
# register them for the public; tests/test_pages.py checks they refuse themselves).
FAELLE = [pytest.param(page, True, id=f"{page}-planung") for page in ALLE] + [
    pytest.param(page, False, id=f"{page}-oeffentlich") for page in ALLE if page not in PLANUNGSSEITEN]


@pytest.mark.parametrize(("page", "angemeldet"), FAELLE)
def test_every_page_runs_on_imported_data(aus_der_ablage: str, page: str, angemeldet: bool) -> None:
    at = open_page(page, angemeldet=angemeldet)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    version = len(DEMO_DATEIEN)  # a version per demo file
    assert f"Datenversion {version}" in shown or f"Version {version}" in shown.replace("\\", "")
    assert ("Öffentliche Ansicht" in shown) != angemeldet or page == "pages/praesentation.py"
