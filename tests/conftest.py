"""Shared fixtures: the hand-made "Kleinkreis" (tests/fixtures/kleinkreis).

Kleinkreis: Planungsräume Adorf, Bedorf (Sozialraum SR1 "Nord"), Cedorf and the tiny
Waldgebiet (SR2 "Süd"); population under 21 on 31.12.2023: 1000, 500, 2000, 30.
Cases (faelle.csv, Windows-1252, AGS partly without leading zero, mixed date forms):
  A §34 Adorf 01.03.2022–31.12.2023 (ends on 31.12.)   B §34 Adorf from 31.12.2023 (starts on 31.12.)
  C §34 Adorf 15.06.2023–15.06.2023 (same day)           D §34 Adorf from 01.01.2020 (ongoing)
  E §34 Adorf 01.05.2023–01.02.2024                      F §28 Bedorf 10.02.2023–10.08.2023
  G §31 Cedorf from 01.07.2022                           H §35a stationär Cedorf 01.01.2023–31.12.2024
  I §42 Cedorf 03.03.2023–10.03.2023                     J §8a Adorf 20.12.2023–05.01.2024
"""

from pathlib import Path

import pytest

from sozialraum_analytics import ablage as _ablage
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import Engine

from .postgres import neue_pg_datenbank  # noqa: F401 - the tests take it from here

FIXTURES = Path(__file__).parent / "fixtures"
KLEINKREIS = FIXTURES / "kleinkreis"


@pytest.fixture(scope="session")
def kleinkreis():
    return load_folder(KLEINKREIS)


@pytest.fixture(scope="session")
def engine(kleinkreis):
    return Engine(kleinkreis)


@pytest.fixture(autouse=True, scope="session")
def _eigene_ablage(tmp_path_factory):
    """Tests never touch a real store: the embedded database lives in a temporary folder."""
    import os

    if "SOZIALRAUM_ABLAGE" not in os.environ and "SOZIALRAUM_DB" not in os.environ:
        os.environ["SOZIALRAUM_ABLAGE"] = str(tmp_path_factory.mktemp("ablage"))
    yield


@pytest.fixture
def subset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A folder with some of the fixture Kreis's files, read by the pages (``SOZIALRAUM_DATEN``)."""
    import shutil

    def make(*names: str) -> Path:
        for name in names:
            shutil.copy(KLEINKREIS / name, tmp_path / name)
        monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
        return tmp_path
    return make


DEMO = Path(__file__).resolve().parents[1] / "data"
# Every demo file the package knows (a new kind of the demo comes along by itself), the cases last: each import
# works the public view's protection out, which costs little until there are cases.
DEMO_DATEIEN = tuple(sorted(_ablage.DEMO_DATEIEN.items(), key=lambda art_datei: art_datei[0] == "faelle"))


@pytest.fixture(scope="session")
def demo_ablage_vorlage(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A SQLite store holding the demo Kreis, imported file by file with the command line (a version per file, each
    with the public view's protection worked out at the import, as planners' imports do; the cases last).

    Imported once per test run and shared by the workers of ``pytest -n`` (the run's temporary folder, a file lock):
    each import works the protection out once more. Tests use a copy (:func:`ablage_kopieren`), never the file.
    """
    import fcntl

    from sozialraum_analytics.cli import main

    basis = tmp_path_factory.getbasetemp()
    # Under xdist a worker's folder is popen-gwN in this run's folder, which all workers share.
    gemeinsam = basis.parent if hasattr(request.config, "workerinput") else basis
    datei = gemeinsam / "demo_ablage" / "sozialraum.db"
    with open(gemeinsam / "demo_ablage.lock", "a") as sperre:
        fcntl.flock(sperre, fcntl.LOCK_EX)
        fertig = gemeinsam / "demo_ablage.fertig"
        if not fertig.exists():
            datei.parent.mkdir(exist_ok=True)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("SOZIALRAUM_ABLAGE", str(datei.parent))
                mp.setenv("SOZIALRAUM_DB", str(datei))
                mp.delenv("SOZIALRAUM_DATEN", raising=False)
                for art, name in DEMO_DATEIEN:
                    assert main(["importieren", "--art", art, str(DEMO / name)]) == 0, name
            fertig.touch()
    return datei


def ablage_kopieren(vorlage: Path, ziel: Path) -> Path:
    """A copy of the store file ``vorlage`` at ``ziel`` (SQLite's backup: consistent, whatever is in its WAL)."""
    import sqlite3

    ziel.parent.mkdir(parents=True, exist_ok=True)
    quelle, kopie = sqlite3.connect(f"file:{vorlage}?mode=ro", uri=True), sqlite3.connect(ziel)
    try:
        quelle.backup(kopie)
    finally:
        kopie.close()
        quelle.close()
    return ziel


@pytest.fixture(scope="session")
def pg_url():
    """A real, throwaway PostgreSQL server for this test session (tests/postgres.py)."""
    from .postgres import postgres_server

    with postgres_server() as url:
        yield url




def cli(*args: str, env: dict[str, str | None] | None = None, input: str | None = None):  # noqa: A002
    """Run the command line in this process, ``main(argv)``, as ``python -m sozialraum_analytics ARGS`` runs it.

    ``env`` sets environment variables for this call only (``None`` removes one); ``input`` is what the command
    reads on stdin. Returns a :class:`subprocess.CompletedProcess` with the exit code and the captured output,
    as ``subprocess.run(..., capture_output=True, text=True)`` would. A process costs seconds (Python, pandas
    and the package imported again); tests/test_cli.py keeps one real subprocess run of the command line.
    """
    import contextlib
    import io
    import os
    import subprocess
    import sys

    from sozialraum_analytics.cli import main

    vorher = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    try:
        for name, wert in (env or {}).items():
            if wert is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = wert
        sys.stdin = io.StringIO(input or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as ende:  # argparse: wrong usage (2), --help (0)
                code = ende.code if isinstance(ende.code, int) else 1
    finally:
        sys.stdin = stdin
        # The environment as before, also where the command set something itself (export: BROWSER_PATH).
        for name in set(os.environ) - set(vorher):
            del os.environ[name]
        for name, wert in vorher.items():
            if os.environ.get(name) != wert:
                os.environ[name] = wert
    return subprocess.CompletedProcess(["python", "-m", "sozialraum_analytics", *args], code, out.getvalue(),
                                       err.getvalue())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:  # noqa: ANN001 - xdist WorkerController
    """Stop at once when xdist did not take the browser tests' group (tests/browser/conftest.py).

    xdist marks a grouped test by appending its group (``@browser_demo``, ``@browser_ablage``, ``@browser_stadt``)
    to its id. With pytest 9.2 and pytest-xdist 3.8 that append is lost (pytest-xdist #1386): the browser tests
    were spread over the workers, and a module's server started once per worker, so a test could miss what an
    earlier test of its module had imported. Checked here, in the controller, where the message is shown.
    """
    if node.config.getoption("dist", None) != "loadgroup":
        return
    verloren = [nodeid for nodeid in ids if nodeid.startswith("tests/browser/") and "@browser_" not in nodeid]
    if verloren:
        pytest.exit(f"pytest-xdist hat die Gruppe der Browser-Tests nicht übernommen ({verloren[0]} ohne „@browser_…“):"
                    " pytest und pytest-xdist passen nicht zusammen, siehe requirements-dev.txt.", returncode=3)
