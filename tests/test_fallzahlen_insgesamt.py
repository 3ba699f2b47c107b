"""Fallzahlen without the case flow: one count per help and year (Hilfen insgesamt), as cities publish them.

The city table (fallzahlen.csv, shaped like an open-data export) and its population, worked out by hand:

  Stadtteil 11 "Altstadt", population under 21 = 800 + 200 = 1000 (2022 and 2023)
  Stadtteil 12 "Neustadt", population under 21 = 400 + 100 = 500;  Kreis 1500

  Hilfen insgesamt       2022: 11   12     2023: 11   12   Kreis
  § 27 Abs. 2                   3    1            4    2      6
  § 28                          8   15           10   20     30
  § 34                          5    .            6    3      9
  gesamt                       16    ?           20   25     45

  Eckwert je 1.000 unter 21 (2023): 11: 20 / 1000 × 1000 = 20; 12: 25 / 500 × 1000 = 50; Kreis 45 / 1500 × 1000 = 30.
  Anteil stationär HzE (2023, § 27.2 without setting counts ambulant): 11: 6 / 20 = 30 %; Kreis 9 / 45 = 20 %;
  HzE ohne Erziehungsberatung, Kreis: 9 / (6 + 9) = 60 %.
  Kosten je Hilfe § 34, Kreis 2023: 900.000 € / 9 = 100.000 €.
  2022: "." (unknown) for § 34 in Stadtteil 12, so § 34 and gesamt of 12 and of the Kreis are unknown there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.hilfearten import parse_hilfeart
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.lesen import lies_tabelle
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.tables import HINWEIS_NUR_INSGESAMT

FALLZAHLEN = """Jahr;Stadtteil-Nr;Stadtteil;Hilfeart;Hilfen insgesamt
2022;11;Altstadt;Sonstige Hilfen nach § 27 Abs. 2 SGB VIII;3
2022;11;Altstadt;Erziehungsberatung nach § 28 SGB VIII;8
2022;11;Altstadt;Heimerziehung nach § 34 SGB VIII;5
2022;12;Neustadt;Hilfe nach § 27 Abs. 2;1
2022;12;Neustadt;Erziehungsberatung nach § 28 SGB VIII;15
2022;12;Neustadt;Heimerziehung nach § 34 SGB VIII;.
2023;11;Altstadt;Sonstige Hilfen nach § 27 Abs. 2 SGB VIII;4
2023;11;Altstadt;Erziehungsberatung nach § 28 SGB VIII;10
2023;11;Altstadt;Heimerziehung nach § 34 SGB VIII;6
2023;12;Neustadt;Hilfe nach § 27 Abs. 2;2
2023;12;Neustadt;Erziehungsberatung nach § 28 SGB VIII;20
2023;12;Neustadt;Heimerziehung nach § 34 SGB VIII;3
"""

BEVOELKERUNG = """Jahr;Stadtteil-Nr;Altersgruppe;Einwohner
2022;11;unter 18;800
2022;11;18 bis unter 21;200
2022;11;21 und älter;4000
2022;12;unter 18;400
2022;12;18 bis unter 21;100
2022;12;21 und älter;2000
2023;11;unter 18;800
2023;11;18 bis unter 21;200
2023;11;21 und älter;4000
2023;12;unter 18;400
2023;12;18 bis unter 21;100
2023;12;21 und älter;2000
"""

KOSTEN = """Jahr;Hilfeart;Betrag
2023;Heimerziehung nach § 34 SGB VIII;900.000
"""

OHNE_VERLAUF = ("begonnen", "beendet", "andauernd", "inobhutnahmen", "gefaehrdungseinschaetzungen")


def _ordner(tmp_path, fallzahlen: str = FALLZAHLEN):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "fallzahlen.csv").write_text(fallzahlen, encoding="utf-8")
    (tmp_path / "bevoelkerung.csv").write_text(BEVOELKERUNG, encoding="utf-8")
    (tmp_path / "kosten.csv").write_text(KOSTEN, encoding="utf-8")
    return tmp_path


@pytest.fixture
def stadt(tmp_path):
    return load_folder(_ordner(tmp_path))


def _wert(engine: Engine, ebene: str, jahr: int, raum: str, hilfeart: str, kennzahl: str) -> float:
    return engine.table(ebene).loc[(jahr, raum, hilfeart), kennzahl]


# --- reading ----------------------------------------------------------------------------------

def test_stadttabelle_liest_nur_hilfen_insgesamt(tmp_path):
    path = _ordner(tmp_path) / "fallzahlen.csv"
    result = lies_tabelle(path, "fallzahlen")
    assert result.ok, result.report.lines()
    frame = result.frame
    assert "inanspruchnahme" in frame and not {"begonnen", "beendet", "andauernd"} & set(frame.columns)
    assert frame["hilfeart"].astype(str).tolist() == ["§27.2", "§28", "§34"] * 4
    assert frame["inanspruchnahme"].tolist()[:5] == [3, 8, 5, 1, 15]
    assert np.isnan(frame["inanspruchnahme"].iat[5]) and frame["inanspruchnahme_grund"].iat[5] is not None
    assert HINWEIS_NUR_INSGESAMT.format(jahre="") in result.report.infos


@pytest.mark.parametrize("kopf", ["Hilfen insgesamt", "Inanspruchnahme", "Insgesamt", "Anzahl Hilfen",
                                  "Fälle insgesamt", "inanspruchnahme"])
def test_aliase_der_hilfen_insgesamt(tmp_path, kopf):
    path = tmp_path / "fallzahlen.csv"
    path.write_text(f"Jahr;AGS;Hilfeart;{kopf}\n2023;08111001;§ 34;7\n", encoding="utf-8")
    result = read_table(path, "fallzahlen")
    assert result.ok, result.report.lines()
    assert result.frame["inanspruchnahme"].tolist() == [7]


@pytest.mark.parametrize("text, code", [
    ("Sonstige Hilfen nach § 27 Abs. 2 SGB VIII", "§27.2"),
    ("Hilfe nach § 27 Abs. 2", "§27.2"),
    ("§ 27 Abs. 2", "§27.2"),
    ("Hilfe zur Erziehung nach § 27 Abs. 2 SGB VIII", "§27.2"),
    ("Sonstige Hilfe (§ 27 Abs. 2 SGB VIII)", "§27.2"),
    ("Hilfe nach § 27 (2)", "§27.2"),
    ("Erziehungsberatung nach § 28 SGB VIII", "§28"),
    ("Heimerziehung nach § 34 SGB VIII", "§34"),
    ("Vollzeitpflege (§ 33)", "§33"),
    ("Eingliederungshilfe nach § 35a SGB VIII", "§35a"),
    ("§ 41 Abs. 1", "§41"),
])
def test_hilfearten_wie_staedte_sie_schreiben(text, code):
    assert parse_hilfeart(text).code == code


@pytest.mark.parametrize("text", ["Hilfen nach §§ 27 bis 35", "§ 27 Abs. 3", "Hilfen nach § 27 Abs. 3 SGB VIII",
                                  "Hilfen insgesamt"])
def test_keine_einzelne_hilfeart(text):
    assert parse_hilfeart(text) is None


# --- the figures -------------------------------------------------------------------------------

def test_datenbestand_ohne_fehler(stadt):
    assert stadt.has("fallzahlen") and not stadt.has("faelle")
    assert all(r.ok for r in stadt.reports), [r.lines() for r in stadt.reports]
    assert stadt.years() == [2022, 2023]


def test_inanspruchnahme_je_stadtteil_und_kreis(stadt):
    engine = Engine(stadt)
    expected_2023 = {("11", "§27.2"): 4, ("11", "§28"): 10, ("11", "§34"): 6, ("11", "gesamt"): 20,
                     ("12", "§27.2"): 2, ("12", "§28"): 20, ("12", "§34"): 3, ("12", "gesamt"): 25}
    for (raum, hilfeart), wert in expected_2023.items():
        assert _wert(engine, "planungsraum", 2023, raum, hilfeart, "inanspruchnahme") == wert
    for hilfeart, wert in {"§27.2": 6, "§28": 30, "§34": 9, "gesamt": 45, "hze": 45, "stationaer": 9,
                           "ambulant": 36, "gesamt_ohne_eb": 15}.items():
        assert _wert(engine, "kreis", 2023, "kreis", hilfeart, "inanspruchnahme") == wert
    # 2022: "." for § 34 in Stadtteil 12 is unknown, and so is every sum it enters.
    assert _wert(engine, "planungsraum", 2022, "11", "gesamt", "inanspruchnahme") == 16
    assert _wert(engine, "planungsraum", 2022, "12", "§28", "inanspruchnahme") == 15
    for raum, ebene in (("12", "planungsraum"), ("kreis", "kreis")):
        assert np.isnan(_wert(engine, ebene, 2022, raum, "§34", "inanspruchnahme"))
        assert np.isnan(_wert(engine, ebene, 2022, raum, "gesamt", "inanspruchnahme"))
    assert _wert(engine, "kreis", 2022, "kreis", "§28", "inanspruchnahme") == 23


def test_eckwert_anteil_stationaer_und_kosten_je_hilfe(stadt):
    engine = Engine(stadt)
    eckwert = engine.optionen.eckwert
    assert _wert(engine, "planungsraum", 2023, "11", "gesamt", eckwert) == pytest.approx(20.0)
    assert _wert(engine, "planungsraum", 2023, "12", "gesamt", eckwert) == pytest.approx(50.0)
    assert _wert(engine, "kreis", 2023, "kreis", "gesamt", eckwert) == pytest.approx(30.0)
    assert _wert(engine, "kreis", 2022, "kreis", "§28", eckwert) == pytest.approx(23 / 1500 * 1000)
    assert _wert(engine, "planungsraum", 2023, "12", "gesamt", f"{eckwert}_kreiswert") == pytest.approx(30.0)
    assert _wert(engine, "planungsraum", 2023, "11", "hze", "anteil_stationaer") == pytest.approx(30.0)
    assert _wert(engine, "kreis", 2023, "kreis", "hze", "anteil_stationaer") == pytest.approx(20.0)
    assert _wert(engine, "kreis", 2023, "kreis", "hze_ohne_eb", "anteil_stationaer") == pytest.approx(60.0)
    assert _wert(engine, "kreis", 2023, "kreis", "§34", "kosten_je_hilfe") == pytest.approx(100_000.0)
    assert _wert(engine, "planungsraum", 2023, "11", "gesamt", "inanspruchnahme_vorjahr_abs") == 4


@pytest.mark.parametrize("ebene", ["planungsraum", "kreis"])
def test_begonnen_beendet_andauernd_fehlen_statt_null(stadt, ebene):
    engine = Engine(stadt)
    wide = engine.table(ebene)
    for kennzahl in OHNE_VERLAUF:
        assert kennzahl not in wide or wide[kennzahl].isna().all(), kennzahl
    long = engine.long(ebene)
    assert not set(OHNE_VERLAUF) & set(long["kennzahl"].astype(str))
    assert (long["kennzahl"] == "inanspruchnahme").any()


def test_hinweis_sagt_warum(stadt):
    hinweise = Engine(stadt).hinweise()
    assert hinweise == [HINWEIS_NUR_INSGESAMT.format(jahre="")]
    assert "begonnene, beendete und am 31.12. andauernde Hilfen fehlen" in hinweise[0]
    assert "Hilfen insgesamt" in hinweise[0]


def test_kein_hinweis_bei_vollstaendigen_fallzahlen(tmp_path):
    voll = "Jahr;AGS;Hilfeart;begonnen;beendet;andauernd;Hilfen insgesamt\n2023;11;§ 34;2;1;5;6\n"
    engine = Engine(load_folder(_ordner(tmp_path, voll)))
    assert engine.hinweise() == []
    assert _wert(engine, "planungsraum", 2023, "11", "§34", "begonnen") == 2
    assert _wert(engine, "planungsraum", 2023, "11", "§34", "inanspruchnahme") == 6


def test_hinweis_nennt_die_jahre_ohne_verlauf(tmp_path):
    (tmp_path / "fallzahlen_2022.csv").write_text(
        "Jahr;AGS;Hilfeart;begonnen;beendet;andauernd\n2022;11;§ 34;2;1;4\n", encoding="utf-8")
    (tmp_path / "fallzahlen_2023.csv").write_text("Jahr;AGS;Hilfeart;Hilfen insgesamt\n2023;11;§ 34;6\n",
                                                  encoding="utf-8")
    (tmp_path / "bevoelkerung.csv").write_text(BEVOELKERUNG, encoding="utf-8")
    engine = Engine(load_folder(tmp_path))
    assert engine.hinweise() == [HINWEIS_NUR_INSGESAMT.format(jahre=" für 2023")]
    assert _wert(engine, "planungsraum", 2022, "11", "§34", "begonnen") == 2
    assert _wert(engine, "planungsraum", 2022, "11", "§34", "inanspruchnahme") == 5  # 4 andauernd + 1 beendet
    assert np.isnan(_wert(engine, "planungsraum", 2023, "11", "§34", "begonnen"))
    assert _wert(engine, "planungsraum", 2023, "11", "§34", "inanspruchnahme") == 6


# --- bad input ---------------------------------------------------------------------------------

def _lies(tmp_path, text: str):
    path = tmp_path / "fallzahlen_stadt.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path, "fallzahlen")


def _meldungen(result) -> list[str]:
    return [p.text() for p in result.report.errors]


def test_weder_verlauf_noch_insgesamt(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;Bemerkung\n2023;11;§ 34;x\n")
    assert not result.ok
    (meldung,) = _meldungen(result)
    assert "fallzahlen_stadt.csv" in meldung
    for spalte in ('"begonnen"', '"beendet"', '"andauernd"', '"inanspruchnahme"', "Hilfen insgesamt",
                   "gefundene Spalten: Jahr, AGS, Hilfeart, Bemerkung"):
        assert spalte in meldung


def test_nur_begonnen_ist_ein_fehler(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;begonnene Hilfen\n2023;11;§ 34;3\n")
    assert not result.ok
    (meldung,) = _meldungen(result)
    assert 'fehlen die Spalten "beendet", "andauernd"' in meldung
    assert "gefunden nur „begonnene Hilfen“" in meldung and "fallzahlen_stadt.csv" in meldung


def test_teilverlauf_neben_insgesamt_ist_ein_fehler(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;begonnen;beendet;Hilfen insgesamt\n2023;11;§ 34;3;1;6\n")
    assert not result.ok
    assert any('fehlt die Spalte "andauernd"' in m for m in _meldungen(result))


def test_insgesamt_muss_zu_andauernd_plus_beendet_passen(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;begonnen;beendet;andauernd;Hilfen insgesamt\n"
                             "2023;11;§ 34;2;1;5;6\n"
                             "2023;11;§ 28;4;3;5;9\n")
    assert not result.ok
    (problem,) = result.report.errors
    assert (problem.zeile, problem.spalte, problem.wert) == (3, "Hilfen insgesamt", "9")
    assert "9 Hilfen insgesamt, aber 5 andauernde + 3 beendete Hilfen = 8" in problem.text()
    assert problem.text().startswith('Zeile 3, Spalte "Hilfen insgesamt": ')


def test_leere_zelle_ist_ein_fehler_amtliche_zeichen_nicht(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;Hilfen insgesamt\n2023;11;§ 34;\n2023;11;§ 28;x\n")
    assert not result.ok
    (problem,) = result.report.errors
    assert (problem.zeile, problem.spalte) == (2, "Hilfen insgesamt")
    assert "Pflichtangabe fehlt" in problem.meldung
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;begonnen;beendet;andauernd\n2023;11;§ 34;2;;5\n")
    assert [(p.zeile, p.spalte) for p in result.report.errors] == [(2, "beendet")]


def test_unlesbare_zahl_nur_einmal_gemeldet(tmp_path):
    result = _lies(tmp_path, "Jahr;AGS;Hilfeart;Hilfen insgesamt\n2023;11;§ 34;viele\n")
    assert [p.zeile for p in result.report.errors] == [2]
    assert "keine Zahl" in result.report.errors[0].meldung


# --- the store ---------------------------------------------------------------------------------

def test_datenbank_behaelt_die_luecke(tmp_path):
    from sozialraum_analytics.dataset import load_store
    from sozialraum_analytics.store import Store

    ordner = _ordner(tmp_path / "daten")
    store = Store(f"sqlite:///{tmp_path / 'sozialraum.db'}")
    try:
        for kind in ("bevoelkerung", "fallzahlen", "kosten"):
            path = ordner / f"{kind}.csv"
            result = read_table(path, kind)
            store.importieren(kind, result.frame, path.name, path.read_bytes(), benutzer="test")
        dataset = load_store(store)
        engine, direkt = Engine(dataset), Engine(load_folder(ordner))
        assert engine.hinweise() == direkt.hinweise() != []
        for ebene in ("planungsraum", "kreis"):
            columns = ["jahr", "raum_id", "hilfeart", "kennzahl", "wert"]
            a = engine.long(ebene)[columns].sort_values(columns[:4]).reset_index(drop=True)
            b = direkt.long(ebene)[columns].sort_values(columns[:4]).reset_index(drop=True)
            pd.testing.assert_frame_equal(a.astype({"raum_id": str, "hilfeart": str, "kennzahl": str}),
                                          b.astype({"raum_id": str, "hilfeart": str, "kennzahl": str}))
    finally:
        store.dispose()


def test_bestehende_datenbank_bekommt_die_spalte(tmp_path, monkeypatch):
    """A database of schema version 5 (before this column existed): the migration adds it, imports keep working."""
    from sozialraum_analytics import store as store_modul
    from sozialraum_analytics.store import Store

    url = f"sqlite:///{tmp_path / 'alt.db'}"
    with monkeypatch.context() as m:
        m.setattr(store_modul, "MIGRATIONS", store_modul.MIGRATIONS[:5])
        m.setattr(store_modul, "SCHEMA_VERSION", 5)
        store = Store(url)
        with store.engine.begin() as conn:  # daten_fallzahlen as version 5 created it: no Hilfen insgesamt
            conn.exec_driver_sql("ALTER TABLE daten_fallzahlen DROP COLUMN inanspruchnahme")
            conn.exec_driver_sql("ALTER TABLE daten_fallzahlen DROP COLUMN inanspruchnahme_grund")
        store.dispose()
    store = Store(url)
    try:
        path = _ordner(tmp_path / "daten") / "fallzahlen.csv"
        store.importieren("fallzahlen", read_table(path, "fallzahlen").frame, path.name, path.read_bytes())
        assert store.tabelle("fallzahlen")["inanspruchnahme"].sum() == 77
    finally:
        store.dispose()
