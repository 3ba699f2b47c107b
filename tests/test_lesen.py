"""One way in for files: folder loading, the upload and the command line read a file through lesen.datei_lesen
and get the same kind, table and report; no module below the upload page's helpers imports them."""

from __future__ import annotations

import ast
import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

import sozialraum_analytics
from sozialraum_analytics import dataset, hochladen, lesen
from sozialraum_analytics.amtlich import read_amtlich
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.hochladen import pruefe_datei

from .conftest import FIXTURES, KLEINKREIS
from .conftest import cli as run

# A contract table, official exports (named by their statistics code: the kind comes from the code) and a geometry.
DATEIEN = [
    (KLEINKREIS / "faelle.csv", "faelle"),
    (KLEINKREIS / "zuordnung.csv", "zuordnung"),
    (FIXTURES / "amtlich" / "12411-02-03-5_musterkreis_utf8.csv", "bevoelkerung"),
    (FIXTURES / "amtlich" / "AI-N-01-2-5_musterkreis_flat.csv", "indikatoren"),
    (FIXTURES / "winzkreis" / "gebiete.geojson", "gebiete"),
]


@pytest.fixture
def aufrufe(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None, list[str]]]:
    """Every call of the one entry, by whichever module made it: (source type, kind, report lines as read)."""
    original = lesen.datei_lesen
    calls: list[tuple[str, str | None, list[str]]] = []

    def gezaehlt(quelle, art=None, **optionen):  # noqa: ANN001, ANN003, ANN202
        result = original(quelle, art, **optionen)
        calls.append(("bytes" if isinstance(quelle, bytes) else "pfad", result.kind, result.report.lines()))
        return result

    for module in (lesen, dataset, hochladen):
        monkeypatch.setattr(module, "datei_lesen", gezaehlt)
    return calls


def _als_tabelle(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame).reset_index(drop=True)


@pytest.mark.parametrize(("quelle", "art"), DATEIEN, ids=[p.name for p, _ in DATEIEN])
def test_folder_upload_and_command_line_read_a_file_alike(tmp_path: Path, quelle: Path, art: str,
                                                          aufrufe: list) -> None:
    ordner = tmp_path / "ordner"
    ordner.mkdir()
    shutil.copy(quelle, ordner / quelle.name)

    hochgeladen = pruefe_datei(art, quelle.name, quelle.read_bytes())
    assert hochgeladen.ok, hochgeladen.report.lines()
    assert hochgeladen.kind == art

    bestand = load_folder(ordner)
    assert [r.lines() for r in bestand.reports if r.datei == quelle.name] == [hochgeladen.report.lines()]
    aus_ordner = bestand.gebiete if art == "gebiete" else bestand.tables[art]
    pd.testing.assert_frame_equal(_als_tabelle(aus_ordner), _als_tabelle(hochgeladen.frame))

    befehl = run("pruefen", str(ordner / quelle.name))  # no --art: the command line recognises the kind too
    assert befehl.returncode == 0, befehl.stdout
    assert all(zeile in befehl.stdout for zeile in hochgeladen.report.lines())

    # The upload (bytes), the folder and the command line (paths) all went through the one entry, with one report.
    assert [(typ, kind) for typ, kind, _ in aufrufe] == [("bytes", art), ("pfad", art), ("pfad", art)]
    assert aufrufe[0][2] == aufrufe[1][2] == aufrufe[2][2] == hochgeladen.report.lines()


def test_the_entry_recognises_the_kind_as_the_folder_does() -> None:
    amtlich = FIXTURES / "amtlich" / "12411-01-01-4_musterkreis_flat.csv"
    assert lesen.art_erkennen(KLEINKREIS / "faelle.csv") == "faelle"
    assert lesen.art_erkennen(amtlich) == "bevoelkerung"  # 124xx: Bevölkerungsstand
    assert lesen.art_erkennen("22811-01-01-4_musterkreis.csv", (FIXTURES / "amtlich" / "22811-01-01-4_musterkreis.csv")
                              .read_bytes()) == "indikatoren"
    gelesen = lesen.datei_lesen(amtlich)
    assert gelesen.kind == "bevoelkerung" and gelesen.ok, gelesen.report.lines()


def test_a_file_of_unknown_kind_is_refused_in_german(tmp_path: Path) -> None:
    path = tmp_path / "notizen.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    gelesen = lesen.datei_lesen(path)
    assert gelesen.kind is None and gelesen.frame is None
    assert "Die Dateiart ist nicht erkennbar" in gelesen.report.lines()[1]
    assert lesen.art_erkennen(path, nach_spalten=True) is None
    assert load_folder(tmp_path).reports == []  # a folder passes over it silently, as before


def test_a_broken_record_reads_the_same_german_message_in_contract_and_official_files(tmp_path: Path) -> None:
    """The one CSV record reader: the official reader no longer shows the csv module's English text."""
    flach = (FIXTURES / "amtlich" / "12411-01-01-4_musterkreis_flat.csv").read_text(encoding="utf-8")
    zeilen = flach.splitlines()
    zeilen.insert(3, zeilen[2].replace(";", ";" + "z" * 5000, 1))
    vertrag = "raum_id;name;sozialraum_id\n08399001;A;SR1\n08399002;" + "z" * 5000 + ";SR1;zu viel\n"
    alt = csv.field_size_limit()
    try:
        csv.field_size_limit(1000)
        amtlich = read_amtlich("flach.csv", "bevoelkerung", data="\n".join(zeilen).encode("utf-8"))
        eigen = pruefe_datei("zuordnung", "zuordnung.csv", vertrag.encode("utf-8"))
    finally:
        csv.field_size_limit(alt)
    assert not amtlich.ok and not eigen.ok
    assert "Zeile 4: die Datei lässt sich dort nicht als Tabelle lesen: ein Feld ist länger als 1.000 Zeichen" \
        in "\n".join(amtlich.report.lines())
    assert "Zeile 3: die Datei lässt sich dort nicht als Tabelle lesen: ein Feld ist länger als 1.000 Zeichen" \
        in "\n".join(eigen.report.lines())


def _importiert(path: Path) -> set[str]:
    """The package modules a file imports (``from .hochladen import x``, ``import sozialraum_analytics.hochladen`` …)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.startswith("sozialraum_analytics"):
                base = module.removeprefix("sozialraum_analytics").lstrip(".")
                found |= {f"{base}.{a.name}".strip(".") for a in node.names} | {base}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("sozialraum_analytics.") for a in node.names}
    return found


def test_no_lower_module_imports_the_upload_helpers() -> None:
    paket = Path(sozialraum_analytics.__file__).parent
    quellen = [p for p in sorted(paket.rglob("*.py")) if p.name != "hochladen.py"]
    assert len(quellen) > 30
    importierer = [p.name for p in quellen if any(m.split(".")[0] == "hochladen" for m in _importiert(p))]
    assert importierer == []
    # The test sees such an import: the page imports the upload helpers (and may).
    assert "hochladen" in _importiert(paket.parent / "pages" / "importieren.py")
