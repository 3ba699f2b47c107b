"""The file dialect of the data contract, one parametrized table per concern."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics import dialect, hilfearten
from sozialraum_analytics.altersgruppen import Altersgruppe, parse_altersgruppe, ranges_are_inclusive
from sozialraum_analytics.readers import read_table


@pytest.mark.parametrize("text, style, expected", [
    ("1.234,56", "de", 1234.56),
    ("1234,5", "de", 1234.5),
    ("1.234", "de", 1234.0),
    ("-12,5", "de", -12.5),
    ("1,234.56", "en", 1234.56),
    ("12.5", "en", 12.5),
    ("12,5 %", "de", 12.5),
    ("abc", "de", None),
])
def test_parse_number(text, style, expected):
    assert dialect.parse_number(text, style) == expected


@pytest.mark.parametrize("values, german_default, expected", [
    (["1.234,5", "12"], False, "de"),
    (["12.5", "3"], True, "en"),
    (["1.234", "12"], True, "de"),       # thousands point in a ;-file
    (["1,234", "12"], False, "en"),
])
def test_decimal_style(values, german_default, expected):
    assert dialect.decimal_style(values, german_default) == expected


@pytest.mark.parametrize("text, expected", [
    ("31.12.2023", dt.date(2023, 12, 31)),
    ("2023-12-31", dt.date(2023, 12, 31)),
    ("31.12.23", dt.date(2023, 12, 31)),
    ("29.02.2024", dt.date(2024, 2, 29)),
    ("31.02.2023", None),
    ("2023-13-01", None),
    ("morgen", None),
])
def test_parse_date(text, expected):
    assert dialect.parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("8317001", "08317001"), ("08317001", "08317001"), ("8317001.0", "08317001"),
    ("8317", "08317"), ("SR-Nord", "SR-Nord"), (" 08317005 ", "08317005"),
])
def test_pad_area_key(text, expected):
    assert dialect.pad_area_key(text) == expected


@pytest.mark.parametrize("header, expected", [
    ("Gemeindeschlüssel", "gemeindeschluessel"), ("Sozialraum-ID", "sozialraum_id"),
    ("  Beginn der Hilfe ", "beginn_der_hilfe"), ("Straße", "strasse"), ("\ufeffJahr", "jahr"),
])
def test_normalise_header(header, expected):
    assert dialect.normalise_header(header) == expected


@pytest.mark.parametrize("text, code, basis", [
    ("§ 34", "§34", None), ("34", "§34", None), ("§34 SGB VIII", "§34", None), ("Heimerziehung", "§34", None),
    ("§ 27 Abs. 2", "§27.2", None), ("27.2", "§27.2", None), ("§ 27", "§27.2", None),
    ("§ 35a", "§35a", None), ("35a SGB VIII", "§35a", None), ("§35", "§35", None),
    ("Sozialpädagogische Familienhilfe", "§31", None), ("SPFH", "§31", None),
    ("§ 41 i.V.m. § 34", "§41", "§34"), ("§ 8a", "§8a", None), ("Inobhutnahme", "§42", None),
])
def test_parse_hilfeart(text, code, basis):
    parsed = hilfearten.parse_hilfeart(text)
    assert (parsed.code, parsed.basis) == (code, basis)


@pytest.mark.parametrize("text", ["§ 99", "Kita", "", "§ 340"])
def test_parse_hilfeart_unknown(text):
    assert hilfearten.parse_hilfeart(text) is None


@pytest.mark.parametrize("code, setting, basis, expected", [
    ("§27.2", None, None, "ambulant"), ("§27.2", "stationaer", None, "stationaer"),
    ("§35", None, None, "stationaer"), ("§35", "ambulant", None, "ambulant"),
    ("§35", "teilstationaer", None, "stationaer"), ("§32", None, None, "teilstationaer"),
    ("§28", "stationaer", None, "ambulant"),  # EB is ambulant whatever the field says
    ("§41", None, "§33", "stationaer"), ("§41", "ambulant", None, "ambulant"), ("§41", None, None, None),
    ("§35a", "teilstationaer", None, "teilstationaer"), ("§35a", None, None, None), ("§42", None, None, None),
])
def test_setting_gruppe(code, setting, basis, expected):
    assert hilfearten.setting_gruppe(code, setting, basis) == expected


@pytest.mark.parametrize("text, inclusive, expected", [
    ("unter 3", True, Altersgruppe(0, 3)), ("3 bis unter 6 Jahre", True, Altersgruppe(3, 6)),
    ("18 bis unter 21", True, Altersgruppe(18, 21)), ("21 und älter", True, Altersgruppe(21, None)),
    ("75 Jahre und mehr", True, Altersgruppe(75, None)), ("6-9", True, Altersgruppe(6, 10)),
    ("6-9", False, Altersgruppe(6, 9)), ("65+", True, Altersgruppe(65, None)), ("5", True, Altersgruppe(5, 6)),
])
def test_parse_altersgruppe(text, inclusive, expected):
    assert parse_altersgruppe(text, inclusive) == expected


def test_ranges_tiling_means_exclusive():
    assert ranges_are_inclusive(["0-2", "3-5", "6-9"]) is True
    assert ranges_are_inclusive(["0-3", "3-6", "6-9"]) is False


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_windows_1252_and_special_values(tmp_path):
    path = _write(tmp_path, "indikatoren.csv",
                  "Jahr;Gemeindeschlüssel;Indikator;Wert\n2023;8317001;Ärztlich versorgt;1.234,5\n"
                  "2023;8317002;Ärztlich versorgt;.\n2023;8317003;Ärztlich versorgt;-\n2023;8317004;Ärztlich versorgt;x\n",
                  "cp1252")
    result = read_table(path, "indikatoren")
    assert result.ok, result.report.lines()
    frame = result.frame
    assert frame["raum_id"].astype(str).tolist() == ["08317001", "08317002", "08317003", "08317004"]
    assert frame["indikator"].iloc[0] == "Ärztlich versorgt"
    assert frame["wert"].iloc[0] == 1234.5
    assert frame["wert"].iloc[1:].isna().all()  # never zero
    assert [None if pd.isna(v) else v for v in frame["wert_grund"]] == [None, "unbekannt oder geheim", "nichts vorhanden", "gesperrt"]


def test_tab_separated_with_bom_and_decimal_point(tmp_path):
    path = _write(tmp_path, "kosten.tsv", "\ufeffjahr\traum_id\thilfeart\tbetrag\n2023\t08317001\t§ 34\t1234.5\n")
    result = read_table(path, "kosten")
    assert result.ok
    assert result.frame["betrag"].tolist() == [1234.5]


def test_comma_separated_english_thousands(tmp_path):
    path = _write(tmp_path, "kosten.csv", 'jahr,raum_id,hilfeart,betrag\n2023,08317001,34,"1,234.50"\n')
    assert read_table(path, "kosten").frame["betrag"].tolist() == [1234.5]


def test_all_problems_with_excel_rows(tmp_path):
    path = _write(tmp_path, "faelle.csv",
                  "fall_id;raum_id;hilfeart;beginn;ende\n"
                  "1;08317001;§ 34;01.01.2023;\n"          # row 2: fine
                  "2;08317001;§ 99;01.01.2023;\n"          # row 3: unknown help
                  "3;08317001;§ 34;01.01.2023;31.02.2023\n"  # row 4: no such date
                  "4;08317001;§ 34;01.05.2023;01.01.2023\n"  # row 5: ends before it begins
                  "5;;§ 34;;\n")                           # row 6: two required cells empty
    result = read_table(path, "faelle")
    assert not result.ok
    texts = [p.text() for p in result.report.errors]
    assert texts == [
        'Zeile 3, Spalte "hilfeart": "§ 99" ist keine bekannte Hilfeart, erwartet wird z. B. § 34, 34, '
        "§34 SGB VIII oder Heimerziehung",
        'Zeile 4, Spalte "ende": "31.02.2023" ist kein gültiges Datum, erwartet wird ein Datum wie 31.12.2023 '
        "oder leer (laufend)",
        'Zeile 5, Spalte "ende": Das Ende 01.01.2023 liegt vor dem Beginn 01.05.2023',
        'Zeile 6, Spalte "raum_id": Pflichtangabe fehlt, erwartet wird ein Gebietsschlüssel (z. B. AGS 08317001)',
        'Zeile 6, Spalte "beginn": Pflichtangabe fehlt, erwartet wird ein Datum wie 31.12.2023',
    ]


def test_future_beginn_is_an_error(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d.%m.%Y")
    path = _write(tmp_path, "faelle.csv", f"raum_id;hilfeart;beginn\n08317001;§ 34;{future}\n")
    result = read_table(path, "faelle")
    assert [p.text() for p in result.report.errors] == [f'Zeile 2, Spalte "beginn": Der Beginn {future} liegt in der Zukunft']


def test_missing_required_column_named(tmp_path):
    path = _write(tmp_path, "faelle.csv", "raum_id;beginn\n08317001;01.01.2023\n")
    result = read_table(path, "faelle")
    assert result.frame is None
    assert 'Die Pflichtspalte "hilfeart" fehlt' in result.report.errors[0].text()


def test_row_with_missing_cells_reported(tmp_path):
    path = _write(tmp_path, "kosten.csv", "jahr;raum_id;hilfeart;betrag\n2023;08317001;§ 34;10\n2023;08317001\n")
    result = read_table(path, "kosten")
    assert not result.ok
    assert result.report.errors[0].zeile == 3


@pytest.mark.parametrize("content, message", [
    (b"", "Die Datei ist leer."),
    (bytes(range(256)) * 20, "keine Textdatei"),
])
def test_empty_and_binary(tmp_path, content, message):
    path = tmp_path / "faelle.csv"
    path.write_bytes(content)
    result = read_table(path, "faelle")
    assert not result.ok and message in result.report.errors[0].text()


def test_wide_population_and_age_groups(tmp_path):
    path = _write(tmp_path, "bevoelkerung.csv",
                  "Jahr;AGS;unter 3;3 bis unter 6;6 bis unter 18;18 bis unter 21;21 und älter\n"
                  "2023;8317001;100;120;500;200;4000\n")
    result = read_table(path, "bevoelkerung")
    assert result.ok, result.report.lines()
    frame = result.frame.sort_values("alter_von")
    assert frame["alter_von"].tolist() == [0, 3, 6, 18, 21]
    assert frame["alter_bis"].tolist()[:4] == [3, 6, 18, 21] and np.isnan(frame["alter_bis"].iloc[4])
    assert frame["anzahl"].sum() == 4920


def test_total_rows_are_not_counted(tmp_path):
    path = _write(tmp_path, "bevoelkerung.csv", "jahr;raum_id;altersgruppe;anzahl\n2023;08317001;unter 18;10\n"
                  "2023;08317001;18 bis unter 21;5\n2023;08317001;Insgesamt;15\n")
    result = read_table(path, "bevoelkerung")
    assert result.ok and result.frame["anzahl"].sum() == 15
    assert result.report.n_warnings == 1


def test_wide_indikatoren(tmp_path):
    path = _write(tmp_path, "indikatoren.csv", "jahr;raum_id;SGB II Quote;Arbeitslose\n2023;08317001;12,5;3,1\n")
    result = read_table(path, "indikatoren")
    assert result.ok
    assert dict(zip(result.frame["indikator"], result.frame["wert"])) == {"SGB II Quote": 12.5, "Arbeitslose": 3.1}


def test_xlsx_like_csv(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Jahr", "AGS", "Hilfeart", "Betrag"])
    sheet.append([2023, 8317001, "§ 34", 1234.5])
    sheet.append([2023, 8317002, "§ 33", 99])
    path = tmp_path / "kosten.xlsx"
    workbook.save(path)
    result = read_table(path, "kosten")
    assert result.ok, result.report.lines()
    pd.testing.assert_series_equal(result.frame["betrag"], pd.Series([1234.5, 99.0], name="betrag"))
    assert result.frame["raum_id"].astype(str).tolist() == ["08317001", "08317002"]


def _faelle_mit_daten(tmp_path, beginn: list[str], ende: list[str]):
    zeilen = ["AGS;Hilfeart;Beginn;Ende"] + [f"08111001;§ 34;{b};{e}" for b, e in zip(beginn, ende)]
    return _write(tmp_path, "faelle.csv", "\n".join(zeilen) + "\n")


def _gelesen(path, schnell: bool, monkeypatch):
    """The file read with the compiled pass for dates (``schnell``) or without it; and how many columns were
    encoded (the general path's first step)."""
    from sozialraum_analytics import readers

    kodiert = []
    encode = readers._encode
    with monkeypatch.context() as mp:
        mp.setattr(readers, "_encode", lambda values: kodiert.append(1) or encode(values))
        if not schnell:
            mp.setattr(readers, "daten", lambda values, leer_erlaubt: None)
        return read_table(path, "faelle"), len(kodiert)


def test_usual_dates_are_read_in_one_pass_as_the_general_path_reads_them(tmp_path, monkeypatch):
    """Both usual forms, leap days, the first and last years, empty ends: the compiled pass (issue 18) gives
    the same column as the general path, and it is the one taken (the general path encodes both columns)."""
    from sozialraum_analytics import readers

    rng = np.random.default_rng(18)
    tage = (np.datetime64("1000-01-01") + rng.integers(0, 9000 * 365, 3000).astype("timedelta64[D]")).astype(str)
    texte = [f"{t[8:10]}.{t[5:7]}.{t[0:4]}" if i % 3 else t for i, t in enumerate(tage)]
    texte[:4] = ["29.02.2024", "2000-02-29", "01.01.1000", "31.12.9999"]
    ende = ["" if i % 4 == 0 else t for i, t in enumerate(texte[::-1])]
    path = _faelle_mit_daten(tmp_path, texte, ende)
    (schnell, kodiert_schnell), (allgemein, kodiert_allgemein) = (_gelesen(path, True, monkeypatch),
                                                                _gelesen(path, False, monkeypatch))
    assert kodiert_schnell == kodiert_allgemein - 2
    pd.testing.assert_frame_equal(schnell.frame, allgemein.frame)
    assert [p.text() for p in schnell.report.problems] == [p.text() for p in allgemein.report.problems]
    assert schnell.frame["beginn"].iloc[:4].tolist() == [pd.Timestamp(2024, 2, 29), pd.Timestamp(2000, 2, 29),
                                                        pd.Timestamp(1000, 1, 1), pd.Timestamp(9999, 12, 31)]
    assert schnell.frame["ende"].isna().sum() == 750
    # An empty cell where a value is required: the general path (it names the rows).
    assert readers.daten(pa_spalte(texte), False) is not None and readers.daten(pa_spalte(ende), False) is None


def pa_spalte(texte: list[str]):
    import pyarrow as pa

    return pa.chunked_array([pa.array(texte[:100]), pa.array(texte[100:])])


@pytest.mark.parametrize(("wert", "datum"), [
    ("31.04.2023", None), ("29.02.2023", None), ("00.01.2023", None), ("01.13.2023", None), ("01-01-2023", None),
    ("2023.01.01", None), ("01.01.2O23", None), ("k.A.", None),
    ("01.01.0999", "0999-01-01"), (" 01.01.2023", "2023-01-01"), ("1.1.2023", "2023-01-01")])
def test_an_unusual_date_goes_the_general_way(tmp_path, monkeypatch, wert, datum):
    """One unusual cell: the column is read by the general path (the same frame and report as without the
    compiled pass): a date in another form is read, a value that is no date named in the report."""
    from sozialraum_analytics import readers

    texte = ["01.01.2023"] * 50 + [wert] + ["2023-06-30"] * 50
    assert readers.daten(pa_spalte(texte), True) is None
    path = _faelle_mit_daten(tmp_path, texte, [""] * len(texte))
    (schnell, _), (allgemein, _) = _gelesen(path, True, monkeypatch), _gelesen(path, False, monkeypatch)
    assert [p.text() for p in schnell.report.problems] == [p.text() for p in allgemein.report.problems]
    if datum is None:
        # Header in row 1, the 50 good dates in rows 2–51: the unusual cell is row 52 of the column "Beginn".
        assert any(p.text().startswith(f'Zeile 52, Spalte "Beginn": "{wert}" ist kein gültiges Datum')
                   for p in schnell.report.problems) or wert == "k.A."
    else:
        assert schnell.ok and schnell.frame["beginn"].iloc[50] == np.datetime64(datum)
        pd.testing.assert_frame_equal(schnell.frame, allgemein.frame)


def test_what_the_reading_counted_is_shared_not_copied_by_every_operation(tmp_path) -> None:
    """pandas deep-copies a frame's ``attrs`` into the result of every operation (each ``frame[column]``); the
    distinct texts the reading keeps (every case number of a case file) must go along as one shared object."""
    from sozialraum_analytics.readers import distinct_texts, distinct_values

    datei = tmp_path / "faelle.csv"
    datei.write_text("fall_id;raum_id;hilfeart;beginn;ende\n"
                     + "".join(f"F{i};P{i % 3};§ 34;01.0{1 + i % 9}.2023;\n" for i in range(40)), encoding="utf-8")
    gelesen = read_table(datei, "faelle")
    assert gelesen.ok, gelesen.report
    frame = gelesen.frame
    geteilt = frame.attrs["gelesen"]
    assert frame["raum_id"].attrs["gelesen"] is geteilt
    assert frame[["raum_id", "hilfeart"]].copy(deep=True).attrs["gelesen"] is geteilt
    assert distinct_texts(frame, "raum_id") == ["P0", "P1", "P2"]
    assert distinct_values(frame, "fall_id") == 40
    # Fewer rows than read: counted again from the rows there are.
    assert distinct_texts(frame.iloc[:2], "raum_id") == ["P0", "P1"]
