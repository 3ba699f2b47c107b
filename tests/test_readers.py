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
