"""The command line as a user runs it: exit codes, output. The commands run in this process (``main(argv)``,
tests/conftest.py ``cli``); the first test runs ``python -m sozialraum_analytics`` as a real subprocess."""

import json
import subprocess
import sys

import pytest

from .conftest import KLEINKREIS
from .conftest import cli as run


def test_python_m_runs_the_command_line_in_a_process_of_its_own(tmp_path):
    """Smoke test of the real entry point (``__main__``): exit code, stdout, stderr, no traceback."""
    path = tmp_path / "faelle_2023.csv"
    path.write_text("raum_id;hilfeart;beginn;ende\n08317001;§ 99;01.01.2023;\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sozialraum_analytics", "pruefen", str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 1
    assert 'Zeile 2, Spalte "hilfeart": "§ 99" ist keine bekannte Hilfeart' in result.stdout
    assert "Traceback" not in result.stderr
    jahr = subprocess.run([sys.executable, "-m", "sozialraum_analytics", "kennzahlen", "--daten", str(KLEINKREIS),
                           "--jahr", "1990"], capture_output=True, text=True)
    assert jahr.returncode == 1 and "Für 1990 gibt es keine Daten" in jahr.stderr


def test_pruefen_good_file_exits_0():
    result = run("pruefen", str(KLEINKREIS / "faelle.csv"))
    assert result.returncode == 0
    assert "faelle.csv: 0 Fehler" in result.stdout


def test_pruefen_bad_file_lists_all_problems_and_exits_1(tmp_path):
    path = tmp_path / "faelle_2023.csv"
    path.write_text("raum_id;hilfeart;beginn;ende\n08317001;§ 99;01.01.2023;\n08317001;§ 34;01.01.2023;31.02.2023\n",
                    encoding="utf-8")
    result = run("pruefen", str(path))
    assert result.returncode == 1
    assert 'Zeile 2, Spalte "hilfeart": "§ 99" ist keine bekannte Hilfeart' in result.stdout
    assert 'Zeile 3, Spalte "ende": "31.02.2023" ist kein gültiges Datum' in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff\xfe" * 500, b"PK\x03\x04garbage" * 10])
def test_pruefen_junk_no_traceback(tmp_path, content):
    path = tmp_path / "faelle.csv"
    path.write_bytes(content)
    result = run("pruefen", str(path))
    assert result.returncode == 1
    assert "Fehler" in result.stdout
    assert "Traceback" not in result.stderr


def test_pruefen_guesses_kind_by_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Jahr;AGS;Hilfeart;Betrag\n2023;8317001;§ 34;12,5\n", encoding="utf-8")
    result = run("pruefen", str(path))
    assert result.returncode == 0, result.stdout
    assert "Ausgaben" in result.stdout


def test_kennzahlen_json_sozialraum():
    result = run("kennzahlen", "--daten", str(KLEINKREIS), "--jahr", "2023", "--ebene", "sozialraum", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert {"jahr", "raum_id", "raum_name", "hilfeart", "kennzahl", "wert"} <= set(records[0])
    by_key = {(r["raum_id"], r["hilfeart"], r["kennzahl"]): r["wert"] for r in records}
    assert by_key[("SR1", "gesamt", "inanspruchnahme")] == 6
    assert by_key[("SR1", "gesamt", "bevoelkerung_u21")] == 1500
    assert by_key[("SR1", "gesamt", "eckwert_je_1000_u21")] == 4
    assert by_key[("SR2", "§35a", "andauernd")] == 1
    assert {r["jahr"] for r in records} == {2023}


def test_kennzahlen_csv_is_german_excel_dialect():
    result = run("kennzahlen", "--daten", str(KLEINKREIS), "--jahr", "2023", "--ebene", "kreis")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "jahr;ebene;raum_id;raum_name;hilfeart;kennzahl;wert"
    assert "2023;kreis;kreis;Kreis;gesamt;eckwert_je_1000_u21;2,3" in lines  # as the dashboard shows it


def test_kennzahlen_unknown_year_and_missing_folder(tmp_path):
    assert run("kennzahlen", "--daten", str(KLEINKREIS), "--jahr", "1990").returncode == 1
    result = run("kennzahlen", "--daten", str(tmp_path / "nichts"))
    assert result.returncode == 1 and "existiert nicht" in result.stderr
    empty = run("kennzahlen", "--daten", str(tmp_path))
    assert empty.returncode == 1 and "keine auswertbaren Dateien" in empty.stderr


def test_demo_command_reproduces_the_committed_demo(tmp_path):
    """`python -m sozialraum_analytics demo` writes exactly the files in data/ (fixed seed)."""
    from sozialraum_analytics.dataset import DEMO_DIR

    result = run("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in DEMO_DIR.iterdir() if not p.name.startswith("."))
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes(), name


def test_demo_loads_without_errors():
    from sozialraum_analytics.dataset import DEMO_DIR, load_folder

    dataset = load_folder(DEMO_DIR)
    assert dataset.synthetisch and dataset.missing() == []
    assert all(report.ok for report in dataset.reports), [r.lines() for r in dataset.reports if not r.ok]
    assert dataset.years() == list(range(2014, 2025))


WINZKREIS = KLEINKREIS.parent / "winzkreis"


def test_kennzahlen_of_the_public_view():
    """The committee's figures can be scripted: no count of 1 to 4, no Planungsraum."""
    result = run("kennzahlen", "--daten", str(WINZKREIS), "--ansicht", "oeffentlich", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    counts = [r["wert"] for r in records if r["kennzahl"] in ("inanspruchnahme", "inobhutnahmen")]
    assert counts and not [v for v in counts if v is not None and 1 <= v <= 4]
    assert not {r["kennzahl"] for r in records} & {"begonnen", "beendet", "andauernd"}
    exact = json.loads(run("kennzahlen", "--daten", str(WINZKREIS), "--format", "json").stdout)
    assert [r for r in exact if r["kennzahl"] == "inanspruchnahme" and r["wert"] and 1 <= r["wert"] <= 4]
    refused = run("kennzahlen", "--daten", str(WINZKREIS), "--ansicht", "oeffentlich", "--ebene", "planungsraum")
    assert refused.returncode == 1 and "keine Planungsräume" in refused.stderr and "Traceback" not in refused.stderr


def test_export_of_the_public_view_for_a_kreis_of_twelve_cases(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bericht.xlsx"
    result = run("export", "--ansicht", "oeffentlich", "--format", "xlsx", "--out", str(out), "--daten", str(WINZKREIS),
                 env={"SOZIALRAUM_ABLAGE": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out)
    info = {row[0]: row[1] for row in workbook["Info"].iter_rows(values_only=True)}
    assert any("gesperrt" in str(v) for k, v in info.items() if k == "Zusätzlich gesperrt")
    assert "winzkreis" not in str(info.get("Quelle"))  # file names, not the server's folder
    # Counts: the Inanspruchnahme of table 1, every cell of table 2 (help groups × Sozialräume).
    for sheet, columns in ((workbook.worksheets[1], slice(1, 2)), (workbook.worksheets[2], slice(1, None))):
        values = [c for row in sheet.iter_rows(min_row=3, values_only=True) for c in row[columns]]
        assert not [v for v in values if isinstance(v, (int, float)) and 1 <= v <= 4], sheet.title
        assert "•" in values


def test_importieren_keeps_the_public_views_protection_with_the_version(tmp_path):
    from sozialraum_analytics.store import Store

    env = {"SOZIALRAUM_ABLAGE": str(tmp_path), "SOZIALRAUM_DB": str(tmp_path / "ablage.db")}
    for art in ("zuordnung", "bevoelkerung", "faelle"):
        result = run("importieren", "--art", art, str(WINZKREIS / f"{art}.csv"), env=env)
        assert result.returncode == 0, result.stderr
        assert "Geheimhaltung der öffentlichen Ansicht berechnet" in result.stderr
    store = Store(f"sqlite:///{tmp_path / 'ablage.db'}")
    try:
        assert set(store.sperrmuster(store.aktuelle_versionsnummer())) == {"sperren", "runden"}
    finally:
        store.dispose()
