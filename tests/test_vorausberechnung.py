"""The official population projection (issue 17.4): read from GENESIS (classic and flat) and plain CSV, refused
when it is ambiguous or incomplete, used by the Prognose instead of the linear extrapolation, and named.

Fixtures (hand-written):

* ``amtlich/12421-01-01-4_musterkreis.csv`` (classic GENESIS-Tabelle, wide over the Stichtage) and
  ``amtlich/12421-01-01-4_musterkreis_flat.csv`` (flat export, BEVPR1 × GES × ALTX20): the same projection of the
  Kreis 08999 for 31.12.2024–2029 in two variants and seven age groups (ALT000B03 … ALT020B25):

      unter 3: 350, 3–6: 350, 6–10: 500, 10–15: 500 + 100 per year from 2024, 15–18: 450, 18–20: 200,
      20–25: 750 (BEV-VARIANTE-02, G2L2W2) or 250 (BEV-VARIANTE-01, G2L2W1)

  unter 21 = everything below 20 + 1/5 of "20 bis unter 25" (the population's linear share rule):
      V02 2024: 350 + 350 + 500 + 500 + 450 + 200 = 2.350, + 750 / 5 = 150 -> 2.500; then 2.600 … 3.000 (2029)
      V01: 2.350 + 250 / 5 = 2.400 (2024), 2.500 (2025) … 2.900 (2029)
  unter 18 (V02, 2025) = 350 + 350 + 500 + 600 + 450 = 2.250; 18 bis unter 21 = 200 + 150 = 350.

* ``prognosekreis/``: Planungsräume Adorf 08999001 and Bedorf 08999002 (Sozialraum S1 "Nord"), Cedorf 08999003
  (S2 "Süd"); unter 21 on 31.12.2021–2024: Adorf 1.000, Bedorf 500, Cedorf 1.000 (S1 1.500, Kreis 2.500).
  Hilfen insgesamt (§ 34) 2021–2024: Adorf 10, 12, 14, 16; Bedorf 5, 6, 7, 8; Cedorf 10, 9, 8, 7.

      Eckwert je 1.000 unter 21     2021   2022   2023   2024   slope   2025 … 2029 (trend)
        S1 (15, 18, 21, 24 / 1,5)     10     12     14     16    +2      18, 20, 22, 24, 26
        S2 (10, 9, 8, 7 / 1,0)        10      9      8      7    −1       6,  5,  4,  3,  2
        Kreis (25, 27, 29, 31 / 2,5)  10   10,8   11,6   12,4    +0,8    13,2, 14,0, 14,8, 15,6, 16,4

  Prognose = Eckwert trend × population / 1.000 (exact lines: the band has width 0):
      Kreis, projection V02 (2.600 … 3.000):  13,2 · 2,6 = 34,32; 14 · 2,7 = 37,8; 14,8 · 2,8 = 41,44;
                                              15,6 · 2,9 = 45,24; 16,4 · 3,0 = 49,2
      Kreis, projection V01 (2.500 … 2.900):  33,0; 36,4; 39,96; 43,68; 47,56
      Kreis, linear (population constant 2.500): 33, 35, 37, 39, 41
  The Kreis projection on the Sozialräume by their 2024 share of the population unter 21: S1 1.500 / 2.500 = 60 %,
  S2 40 %: S1 1.560, 1.620, 1.680, 1.740, 1.800 -> 18 · 1,56 = 28,08; 32,4; 36,96; 41,76; 46,8
           S2 1.040, 1.080, 1.120, 1.160, 1.200 -> 6 · 1,04 = 6,24; 5,4; 4,48; 3,48; 2,4
  (S1 + S2 = Kreis in every year: 28,08 + 6,24 = 34,32.)

* ``vorausberechnung/bevoelkerungsprognose_gemeinden.csv``: a plain projection per Gemeinde, 2025–2027,
  "Hauptvariante" of the "Statistisches Landesamt Baden-Württemberg": unter 21 Adorf 1.100, 1.200, 1.300, Bedorf 500,
  Cedorf 1.000 -> S1 1.600, 1.700, 1.800; S2 1.000; Kreis 2.600, 2.700, 2.800.
      Kreis 34,32; 37,8; 41,44 (as above), S1 18 · 1,6 = 28,8; 20 · 1,7 = 34; 22 · 1,8 = 39,6; S2 6, 5, 4.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.altersgruppen import DENOMINATORS, population_in_range
from sozialraum_analytics.dataset import KREIS_ID, load_folder, load_store
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.lesen import art_erkennen, datei_lesen
from sozialraum_analytics.prognose import gebietsreihe, prognostizieren
from sozialraum_analytics.store import Store
from sozialraum_analytics.vorausberechnung import jahre_hinweise, varianten

from .conftest import FIXTURES, cli
from .test_pages import no_exception, open_page, plotly_specs

KLASSISCH = FIXTURES / "amtlich" / "12421-01-01-4_musterkreis.csv"
FLACH = FIXTURES / "amtlich" / "12421-01-01-4_musterkreis_flat.csv"
GEMEINDEN = FIXTURES / "vorausberechnung" / "bevoelkerungsprognose_gemeinden.csv"
KREIS = FIXTURES / "prognosekreis"
V01 = "BEV-VARIANTE-01: Geburtenrate und LE moderat, WS niedrig (G2L2W1)"
V02 = "BEV-VARIANTE-02: Geburtenrate, LE und WS moderat (G2L2W2)"
QUELLE_KLASSISCH = ("Statistische Ämter des Bundes und der Länder, GENESIS-Tabelle 12421-01-01-4, Variante "
                    "Geburtenrate, LE und WS moderat (G2L2W2)")
KREIS_V02 = [34.32, 37.8, 41.44, 45.24, 49.2]
KREIS_V01 = [33.0, 36.4, 39.96, 43.68, 47.56]
S1_V02 = [28.08, 32.4, 36.96, 41.76, 46.8]
S2_V02 = [6.24, 5.4, 4.48, 3.48, 2.4]


def unter_21(frame: pd.DataFrame) -> list[float]:
    je_jahr = population_in_range(frame.assign(raum_id=frame["raum_id"].astype(str)), DENOMINATORS["u21"])
    return je_jahr.sort_values("jahr")["anzahl"].tolist()


def prognosejahre(prognose) -> pd.DataFrame:  # noqa: ANN001
    return prognose.werte.loc[prognose.werte["art"] == "prognose"].reset_index(drop=True)


def ordner(tmp_path: Path, *extra: Path | tuple[str, str]) -> Path:
    """The Prognosekreis in a folder of its own, with further files (a path, or a name and its text)."""
    for datei in KREIS.iterdir():
        shutil.copy(datei, tmp_path / datei.name)
    for weitere in extra:
        if isinstance(weitere, tuple):
            (tmp_path / weitere[0]).write_text(weitere[1], encoding="utf-8")
        else:
            shutil.copy(weitere, tmp_path / weitere.name)
    return tmp_path


def nur_variante(pfad: Path, code: str) -> str:
    """The classic fixture with the rows of one variant only (as a planner exports one)."""
    return "\n".join(z for z in pfad.read_text(encoding="utf-8").splitlines()
                     if not z.startswith("08999;") or f";{code};" in z)


# --- reading ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pfad", [KLASSISCH, FLACH], ids=["klassisch", "flach"])
def test_the_genesis_layouts_are_recognised_and_read(pfad: Path) -> None:
    assert art_erkennen(pfad) == "bevoelkerungsprognose"
    gelesen = datei_lesen(pfad, variante="BEV-VARIANTE-02")
    assert gelesen.kind == "bevoelkerungsprognose" and gelesen.ok, gelesen.report.lines()
    frame = gelesen.frame
    assert set(frame["raum_id"].astype(str)) == {"08999"} and set(frame["variante"]) == {
        "Geburtenrate, LE und WS moderat (G2L2W2)"}
    assert sorted(set(frame["jahr"])) == list(range(2024, 2030)) and len(frame) == 6 * 7
    assert unter_21(frame) == [2500, 2600, 2700, 2800, 2900, 3000]
    assert frame["quelle"].iloc[0].startswith("Statistische Ämter des Bundes und der Länder, GENESIS-")
    # The "unter 21" note of the population, for the same rule: 2029: 2.850 + 1/5 × 750 = 3.000.
    assert any("2.850 + 1/5 × 750 = 3.000,0" in w.meldung for w in gelesen.report.warnings)


def test_classic_and_flat_give_the_same_table() -> None:
    spalten = ["jahr", "raum_id", "altersgruppe", "alter_von", "alter_bis", "anzahl", "variante"]
    a, b = (datei_lesen(p, variante="G2L2W1").frame for p in (KLASSISCH, FLACH))
    ordnen = ["jahr", "alter_von"]
    pd.testing.assert_frame_equal(a[spalten].astype({"raum_id": str}).sort_values(ordnen, ignore_index=True),
                                  b[spalten].astype({"raum_id": str}).sort_values(ordnen, ignore_index=True))
    assert unter_21(a) == [2400, 2500, 2600, 2700, 2800, 2900]


@pytest.mark.parametrize(("name", "art"), [("bevoelkerungsprognose_2040.csv", "bevoelkerungsprognose"),
                                           ("Bevölkerungsvorausberechnung.xlsx", "bevoelkerungsprognose"),
                                           ("bevoelkerung_2024.csv", "bevoelkerung")])
def test_the_kind_by_the_file_name(name: str, art: str) -> None:
    assert art_erkennen(name) == art


def test_a_plain_projection_per_gemeinde() -> None:
    gelesen = datei_lesen(GEMEINDEN)
    assert gelesen.ok and gelesen.kind == "bevoelkerungsprognose"
    frame = gelesen.frame
    assert set(frame["variante"]) == {"Hauptvariante"}
    assert set(frame["quelle"]) == {"Statistisches Landesamt Baden-Württemberg"}
    # Adorf 900 + 200, 1.000 + 200, 1.100 + 200; Bedorf 500; Cedorf 1.000.
    adorf = frame[frame["raum_id"].astype(str) == "08999001"]
    assert unter_21(adorf) == [1100, 1200, 1300]


# --- what is refused ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("pfad", [KLASSISCH, FLACH], ids=["klassisch", "flach"])
def test_two_variants_without_a_choice_are_refused(pfad: Path) -> None:
    gelesen = datei_lesen(pfad)
    assert not gelesen.ok and gelesen.frame is None
    (fehler,) = gelesen.report.errors
    assert fehler.meldung.startswith(f"Die Datei enthält 2 Varianten der Vorausberechnung: „{V01}“; „{V02}“. Die "
                                     "Prognose braucht genau eine; es wird keine stillschweigend genommen.")
    assert "--variante NAME" in fehler.meldung
    assert varianten(datei_lesen(pfad, variante="\x00alle").frame) == [V01, V02]


@pytest.mark.parametrize(("wahl", "u21_2025"), [("BEV-VARIANTE-01", 2500), ("bev-variante-02", 2600),
                                                 ("G2L2W1", 2500), (V02, 2600),
                                                 ("Geburtenrate, LE und WS moderat (G2L2W2)", 2600)])
def test_the_variant_is_chosen_by_code_name_or_a_unique_part(wahl: str, u21_2025: float) -> None:
    gelesen = datei_lesen(KLASSISCH, variante=wahl)
    assert gelesen.ok, gelesen.report.lines()
    assert unter_21(gelesen.frame)[1] == u21_2025
    assert any(info.startswith("Gewählt: Variante") for info in gelesen.report.infos)


@pytest.mark.parametrize(("wahl", "text"), [("G2L2", "Die Variante „G2L2“ passt zu 2 der Varianten der Datei"),
                                            ("Hauptvariante", "Die Variante „Hauptvariante“ passt zu keiner der "
                                                              "Varianten der Datei")])
def test_a_variant_that_fits_none_or_several_is_refused(wahl: str, text: str) -> None:
    gelesen = datei_lesen(FLACH, variante=wahl)
    assert not gelesen.ok
    assert gelesen.report.errors[0].meldung.startswith(text)


def test_missing_value_codes_are_refused_in_the_classic_table(tmp_path: Path) -> None:
    # Row 12 (Excel numbering, the title is row 1) is V01 "10 bis unter 15 Jahre"; its 31.12.2025 cell is column H.
    zeilen = KLASSISCH.read_text(encoding="utf-8").splitlines()
    zellen = zeilen[11].split(";")
    assert zellen[5] == "10 bis unter 15 Jahre" and zellen[7] == "600"
    zellen[7] = "."
    zeilen[11] = ";".join(zellen)
    pfad = tmp_path / KLASSISCH.name
    pfad.write_text("\n".join(zeilen), encoding="utf-8")
    gelesen = datei_lesen(pfad, variante="BEV-VARIANTE-01")
    assert not gelesen.ok
    (fehler,) = gelesen.report.errors
    assert (fehler.zeile, fehler.spalte, fehler.wert) == (12, "Wert", ".")
    assert fehler.text().startswith("Zeile 12, Spalte \"Wert\": „.“ (unbekannt oder geheim) ist keine Anzahl: eine "
                                    "Vorausberechnung braucht in jeder Zelle eine Zahl")


def test_missing_value_codes_are_refused_in_the_flat_export(tmp_path: Path) -> None:
    # Data line 3 (row 4 with the header) is V01 2024 "6 bis unter 10 Jahre": 500 becomes "x" (gesperrt).
    zeilen = FLACH.read_text(encoding="utf-8-sig").splitlines()
    assert zeilen[3].split(";")[20] == "6 bis unter 10 Jahre"
    zeilen[3] = zeilen[3].replace(";500;Anzahl;", ";x;Anzahl;")
    pfad = tmp_path / FLACH.name
    pfad.write_text("\n".join(zeilen), encoding="utf-8")
    gelesen = datei_lesen(pfad, variante="G2L2W1")
    (fehler,) = gelesen.report.errors
    assert (fehler.zeile, fehler.wert) == (4, "x") and "„x“ (gesperrt) ist keine Anzahl" in fehler.meldung
    # The other variant has all its numbers: it is taken.
    assert datei_lesen(pfad, variante="G2L2W2").ok


@pytest.mark.parametrize(("zelle", "optionen", "wert", "grund"), [
    (".", {}, ".", "„.“ (unbekannt oder geheim) ist keine Anzahl"),
    ("-9999", {"fehlwerte": (-9999.0,)}, None, "ist keine Anzahl"),
])
def test_missing_values_are_refused_in_a_plain_file(tmp_path: Path, zelle: str, optionen: dict, wert, grund: str) -> None:  # noqa: ANN001
    zeilen = GEMEINDEN.read_text(encoding="utf-8").splitlines()
    zeilen[4] = zeilen[4].replace(";400;", f";{zelle};")  # row 5: Bedorf 2025 unter 18
    pfad = tmp_path / GEMEINDEN.name
    pfad.write_text("\n".join(zeilen), encoding="utf-8")
    gelesen = datei_lesen(pfad, **optionen)
    assert not gelesen.ok
    (fehler,) = gelesen.report.errors
    assert (fehler.zeile, fehler.spalte) == (5, "Anzahl") and grund in fehler.meldung
    if wert:
        assert fehler.wert == wert


def test_overlapping_age_groups_are_refused(tmp_path: Path) -> None:
    pfad = tmp_path / "bevoelkerungsprognose.csv"
    pfad.write_text("Jahr;AGS;Altersgruppe;Anzahl\n2025;08999;unter 18;2000\n2025;08999;unter 21;2400\n"
                    "2025;08999;21 und älter;9000\n", encoding="utf-8")
    gelesen = datei_lesen(pfad)
    assert not gelesen.ok
    (fehler,) = gelesen.report.errors
    assert (fehler.zeile, fehler.spalte) == (3, "altersgruppe")
    assert fehler.meldung.startswith("Die Altersgruppen „unter 18 Jahre“ und „unter 21 Jahre“ überschneiden sich")


def test_a_table_without_age_groups_is_refused(tmp_path: Path) -> None:
    pfad = tmp_path / "12421.csv"
    text = KLASSISCH.read_text(encoding="utf-8")
    # Without the age group column: totals only.
    zeilen = [";".join(z.split(";")[:5] + z.split(";")[6:]) if z.startswith(("08999;", ";;")) else z
              for z in text.splitlines() if "bis unter" not in z or not z.startswith("08999;")]
    pfad.write_text("\n".join(zeilen), encoding="utf-8")
    gelesen = datei_lesen(pfad, "bevoelkerungsprognose", variante="G2L2W2")
    assert not gelesen.ok
    assert gelesen.report.errors[0].meldung.startswith("Die Vorausberechnung hat keine Altersgruppen")


def test_a_projection_not_beyond_the_observed_population_warns(tmp_path: Path) -> None:
    projektion = pd.DataFrame({"jahr": [2023, 2024], "raum_id": "08999"})
    bevoelkerung = pd.DataFrame({"jahr": [2021, 2024]})
    assert jahre_hinweise(projektion, bevoelkerung) == [
        "Die Bevölkerungsvorausberechnung reicht nur bis 2024 (2023–2024), die beobachtete Bevölkerung schon bis "
        "2024: für diese Jahre gilt die beobachtete Bevölkerung, die Prognose (ab 2025) schreibt die Bevölkerung "
        "daher weiter linear fort. Eine neuere Vorausberechnung importieren."]
    assert jahre_hinweise(projektion.assign(jahr=[2024, 2025]), bevoelkerung) == []
    # In the data check of a folder too.
    alt = "Jahr;AGS;Altersgruppe;Anzahl\n2024;08999;unter 21;2500\n2024;08999;21 und älter;10000\n"
    dataset = load_folder(ordner(tmp_path, ("bevoelkerungsprognose_alt.csv", alt)))
    assert any("reicht nur bis 2024" in w.meldung for r in dataset.reports for w in r.warnings)


def test_a_projection_is_never_listed_as_missing(tmp_path: Path) -> None:
    """Optional: without it the Prognose carries the population forward linearly (and says so)."""
    assert "Bevölkerungsvorausberechnung (amtlich)" not in load_folder(ordner(tmp_path)).missing()


# --- the Prognose on it -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ablage(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The Prognosekreis and the classic projection (variant 02), imported with the command line."""
    datei = tmp_path_factory.mktemp("vorausberechnung") / "sozialraum.db"
    url = f"sqlite:///{datei}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOZIALRAUM_DB", url)
        mp.delenv("SOZIALRAUM_DATEN", raising=False)
        for art, name in (("zuordnung", "zuordnung.csv"), ("bevoelkerung", "bevoelkerung.csv"),
                          ("fallzahlen", "fallzahlen.csv")):
            assert cli("importieren", "--art", art, str(KREIS / name)).returncode == 0
        ohne = cli("importieren", "--art", "bevoelkerungsprognose", str(KLASSISCH))
        assert ohne.returncode == 1 and "2 Varianten der Vorausberechnung" in ohne.stderr
        assert "Nichts gespeichert" in ohne.stderr
        mit = cli("importieren", "--art", "bevoelkerungsprognose", "--variante", "BEV-VARIANTE-02", str(KLASSISCH))
        assert mit.returncode == 0, mit.stderr
        assert "Gespeichert als Version 4: bevoelkerungsprognose aus 12421-01-01-4_musterkreis.csv, 42 Zeilen" in mit.stdout
    return url


def test_the_prognose_of_the_kreis_takes_the_imported_projection(ablage: str) -> None:
    store = Store(ablage)
    try:
        engine = Engine(load_store(store))
    finally:
        store.dispose()
    vorgabe = engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID)
    prognose = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=5, bevoelkerung_prognose=vorgabe)
    werte = prognosejahre(prognose)
    assert werte["bevoelkerung"].tolist() == pytest.approx([2600, 2700, 2800, 2900, 3000])
    assert werte["eckwert"].tolist() == pytest.approx([13.2, 14.0, 14.8, 15.6, 16.4])
    assert werte["faelle"].tolist() == pytest.approx(KREIS_V02)
    assert (werte["faelle_oben"] - werte["faelle_unten"]).abs().max() == pytest.approx(0)
    assert set(werte["bevoelkerung_aus"]) == {"amtliche Vorausberechnung"}
    assert prognose.bevoelkerung == f"Bevölkerung: amtliche Vorausberechnung ({QUELLE_KLASSISCH})"
    assert (f"Bevölkerung der Prognosejahre: 2025–2029 aus der amtlichen Vorausberechnung ({QUELLE_KLASSISCH})."
            in prognose.hinweise)
    assert ("Bevölkerung 0 bis unter 21 Jahre aus den Altersgruppen der Vorausberechnung geschätzt: „20 bis unter 25 "
            "Jahre“ zu 1/5" in " ".join(prognose.hinweise))
    # Without the projection: the linear extrapolation, named as such.
    linear = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=5)
    assert prognosejahre(linear)["faelle"].tolist() == pytest.approx([33, 35, 37, 39, 41])
    assert linear.bevoelkerung == "Bevölkerung: lineare Fortschreibung (aus 2021–2024)"


def test_a_kreis_projection_is_distributed_to_the_sozialraeume_by_their_shares(ablage: str) -> None:
    store = Store(ablage)
    try:
        engine = Engine(load_store(store))
    finally:
        store.dispose()
    vorausberechnung = engine.bevoelkerungsvorausberechnung("sozialraum")
    for gebiet, bevoelkerung, faelle, anteil in (
            ("S1", [1560, 1620, 1680, 1740, 1800], S1_V02, "60,0 % (1.500 von 2.500"),
            ("S2", [1040, 1080, 1120, 1160, 1200], S2_V02, "40,0 % (1.000 von 2.500")):
        prognose = prognostizieren(gebietsreihe(engine, gebiet, "gesamt"), horizont=5,
                                   bevoelkerung_prognose=vorausberechnung.fuer(gebiet))
        werte = prognosejahre(prognose)
        assert werte["bevoelkerung"].tolist() == pytest.approx(bevoelkerung)
        assert werte["faelle"].tolist() == pytest.approx(faelle)
        assert prognose.bevoelkerung == f"Bevölkerung: amtliche Vorausberechnung ({QUELLE_KLASSISCH})"
        assert ("Die Vorausberechnung liegt nur für den Kreis vor: auf die Sozialräume verteilt nach ihrem Anteil an "
                "der Bevölkerung (0 bis unter 21 Jahre) am 31.12.2024; angenommen ist, dass dieser Anteil gleich "
                "bleibt.") in prognose.hinweise
        assert f"Anteil am Kreis: {anteil} Einwohnern 0 bis unter 21 Jahre am 31.12.2024)." in prognose.hinweise
    # The Sozialräume add up to the Kreis.
    assert np.add(S1_V02, S2_V02) == pytest.approx(KREIS_V02)


def test_two_projections_in_a_folder_are_never_mixed(tmp_path: Path) -> None:
    """The later file (by name) counts, with a warning: Kreis 2025 from the second file only (2.600, not 2.600 + 2.700)."""
    erste = "Jahr;AGS;Altersgruppe;Anzahl\n2025;08999;unter 21;2700\n"
    zweite = "Jahr;AGS;Altersgruppe;Anzahl\n2025;08999;unter 21;2600\n"
    dataset = load_folder(ordner(tmp_path, ("bevoelkerungsprognose_a.csv", erste), ("bevoelkerungsprognose_b.csv", zweite)))
    assert any(w.meldung.startswith("Der Ordner enthält mehrere Dateien dieser Art; es gilt bevoelkerungsprognose_b.csv")
               for r in dataset.reports for w in r.warnings)
    vorgabe = Engine(dataset).bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID)
    assert vorgabe.werte.values.tolist() == [[2025, 2600]]


def test_a_new_projection_replaces_the_old_one_as_a_whole(ablage: str, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    kopie = tmp_path / "kopie.db"
    shutil.copy(ablage.removeprefix("sqlite:///"), kopie)
    monkeypatch.setenv("SOZIALRAUM_DB", f"sqlite:///{kopie}")
    lauf = cli("importieren", "--art", "bevoelkerungsprognose", "--variante", "G2L2W1", str(FLACH))
    assert lauf.returncode == 0, lauf.stderr
    store = Store()
    try:
        tabelle = store.tabelle("bevoelkerungsprognose")
        engine = Engine(load_store(store))
        unterschied = store.unterschied(4, 5).set_index("art").loc["bevoelkerungsprognose"]
    finally:
        store.dispose()
    assert set(tabelle["variante"]) == {"Geburtenrate und LE moderat, WS niedrig (G2L2W1)"}
    assert set(tabelle["quelle"]) == {"Statistische Ämter des Bundes und der Länder, GENESIS-Statistik 12421 "
                                      "Bevölkerungsvorausberechnungen"}
    # Rows matched by year, area, variant and age group: another variant is 42 rows out, 42 in.
    assert (unterschied["hinzugefuegt"], unterschied["entfernt"]) == (42, 42)
    prognose = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=5,
                               bevoelkerung_prognose=engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID))
    assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx(KREIS_V01)
    assert "Variante Geburtenrate und LE moderat, WS niedrig (G2L2W1)" in prognose.bevoelkerung


def test_a_projection_per_gemeinde_is_summed(tmp_path: Path) -> None:
    engine = Engine(load_folder(ordner(tmp_path, GEMEINDEN)))
    quelle = "Statistisches Landesamt Baden-Württemberg, Variante Hauptvariante"
    for ebene, gebiet, bevoelkerung, faelle in (
            ("kreis", KREIS_ID, [2600, 2700, 2800], KREIS_V02[:3]),
            ("sozialraum", "S1", [1600, 1700, 1800], [28.8, 34.0, 39.6]),
            ("sozialraum", "S2", [1000, 1000, 1000], [6, 5, 4]),
            ("planungsraum", "08999001", [1100, 1200, 1300], None)):
        vorgabe = engine.bevoelkerungsvorausberechnung(ebene).fuer(gebiet)
        assert vorgabe.werte["bevoelkerung"].tolist() == pytest.approx(bevoelkerung)
        assert vorgabe.quelle == f"amtliche Vorausberechnung ({quelle})"
        if faelle is not None:
            prognose = prognostizieren(gebietsreihe(engine, gebiet, "gesamt", ebene=ebene), horizont=3,
                                       bevoelkerung_prognose=vorgabe)
            assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx(faelle)
            assert prognose.bevoelkerung == f"Bevölkerung: amtliche Vorausberechnung ({quelle})"
            assert not any("verteilt" in h for h in prognose.hinweise)
    # Five years: the projection ends with 2027; 2028 and 2029 are carried forward linearly (2.500 constant),
    # 15,6 · 2,5 = 39 and 16,4 · 2,5 = 41, and the line says which years are which.
    prognose = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=5,
                               bevoelkerung_prognose=engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID))
    werte = prognosejahre(prognose)
    assert werte["faelle"].tolist() == pytest.approx([*KREIS_V02[:3], 39, 41])
    assert werte["bevoelkerung_aus"].tolist() == ["amtliche Vorausberechnung"] * 3 + ["lineare Fortschreibung"] * 2
    assert prognose.bevoelkerung == (f"Bevölkerung: amtliche Vorausberechnung ({quelle}) für 2025–2027; lineare "
                                     "Fortschreibung für 2028–2029")


def test_a_gemeinde_missing_in_a_year_leaves_that_year_linear(tmp_path: Path) -> None:
    # Without Cedorf in 2027: the Kreis and S2 have no projection for 2027 (linear: 2.500 and 1.000), S1 keeps it.
    text = "\n".join(z for z in GEMEINDEN.read_text(encoding="utf-8").splitlines() if not z.startswith("2027;08999003"))
    engine = Engine(load_folder(ordner(tmp_path, ("bevoelkerungsprognose.csv", text))))
    kreis = engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID)
    assert kreis.werte["jahr"].tolist() == [2025, 2026]
    assert "Die Vorausberechnung fehlt für 08999003 (2027): in diesen Jahren wird die Bevölkerung des Gebiets linear " \
           "fortgeschrieben." in kreis.hinweise
    prognose = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=3, bevoelkerung_prognose=kreis)
    # 2027: 14,8 · 2,5 = 37.
    assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx([*KREIS_V02[:2], 37])
    assert engine.bevoelkerungsvorausberechnung("sozialraum").fuer("S1").werte["jahr"].tolist() == [2025, 2026, 2027]


def test_keys_of_other_kreise_are_left_out_and_unknown_keys_are_said(tmp_path: Path) -> None:
    zwei = "Jahr;AGS;Altersgruppe;Anzahl\n2025;08999;unter 21;2600\n2025;08111;unter 21;9000\n"
    (tmp_path / "a").mkdir()
    engine = Engine(load_folder(ordner(tmp_path / "a", ("bevoelkerungsprognose.csv", zwei))))
    kreis = engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID)
    assert kreis.werte.values.tolist() == [[2025, 2600]]
    assert "Nicht verwendet (keine Gebiete dieser Ebene): 08111." in kreis.hinweise
    fremd = "Jahr;AGS;Altersgruppe;Anzahl\n2025;07111;unter 21;2600\n2025;08111;unter 21;9000\n"
    (tmp_path / "b").mkdir()
    engine = Engine(load_folder(ordner(tmp_path / "b", ("bevoelkerungsprognose.csv", fremd))))
    vorgabe = engine.bevoelkerungsvorausberechnung("kreis").fuer(KREIS_ID)
    assert vorgabe.werte is None
    prognose = prognostizieren(gebietsreihe(engine, KREIS_ID, "gesamt"), horizont=1, bevoelkerung_prognose=vorgabe)
    assert prognose.bevoelkerung == "Bevölkerung: lineare Fortschreibung (aus 2021–2024)"
    assert any(h.startswith("Die Vorausberechnung lässt sich keinem Gebiet zuordnen: ihre Schlüssel (07111, 08111)")
               for h in prognose.hinweise)
    assert ("Bevölkerung der Prognosejahre: 2025 linear fortgeschrieben aus 2021–2024 (die Vorausberechnung lässt sich "
            "für dieses Gebiet nicht verwenden).") in prognose.hinweise


def test_without_a_projection_the_engine_has_none(tmp_path: Path) -> None:
    engine = Engine(load_folder(ordner(tmp_path)))
    assert engine.bevoelkerungsvorausberechnung("kreis") is None


# --- command line and page ----------------------------------------------------------------------------------

def test_pruefen_names_the_variants_and_takes_one() -> None:
    ohne = cli("pruefen", str(FLACH))
    assert ohne.returncode == 1 and f"„{V01}“; „{V02}“" in ohne.stdout
    mit = cli("pruefen", "--variante", "G2L2W2", str(FLACH))
    assert mit.returncode == 0 and "Gelesen als Bevölkerungsvorausberechnung (amtlich): 42 Zeilen." in mit.stdout


def test_the_steuerung_page_names_the_population_of_the_prognose(ablage: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("SOZIALRAUM_DATEN", raising=False)
    monkeypatch.setenv("SOZIALRAUM_DB", ablage)
    for angemeldet in (True, False):
        at = open_page("pages/steuerung.py", angemeldet=angemeldet)
        no_exception(at)
        assert f"**Bevölkerung: amtliche Vorausberechnung ({QUELLE_KLASSISCH})**" in [
            m.value.replace("\\", "") for m in at.markdown]  # Markdown escapes "-" and "(" of the text
        tabelle = next(df.value for df in at.dataframe if "Bevölkerung aus" in df.value.columns)
        assert tabelle["Bevölkerung aus"].tolist() == ["amtliche Vorausberechnung"] * 5
        assert tabelle.iloc[:, 2].tolist() == pytest.approx([2600, 2700, 2800, 2900, 3000])
        assert tabelle["Hilfen"].tolist() == pytest.approx(KREIS_V02)
        # The chart names it too (its subtitle goes with the PNG and SVG download).
        untertitel = [spec["layout"]["title"].get("subtitle", {}).get("text", "") for spec in plotly_specs(at)]
        assert f"Bevölkerung: amtliche Vorausberechnung ({QUELLE_KLASSISCH})" in untertitel
    # A Sozialraum: the Kreis projection distributed, with its share.
    next(s for s in at.selectbox if s.label == "Gebiet").set_value("S1").run()
    no_exception(at)
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "auf die Sozialräume verteilt nach ihrem Anteil" in captions and "Anteil am Kreis: 60,0 %" in captions
    tabelle = next(df.value for df in at.dataframe if "Bevölkerung aus" in df.value.columns)
    assert tabelle["Hilfen"].tolist() == pytest.approx(S1_V02)


def test_the_import_page_offers_the_variants_and_no_column_mapping_for_an_official_export() -> None:
    from sozialraum_analytics.hochladen import kopfzeile, pruefe_datei, varianten_der_datei

    for pfad in (KLASSISCH, FLACH):
        daten = pfad.read_bytes()
        assert kopfzeile(pfad.name, daten) == []  # read by its layout: nothing to map
        assert varianten_der_datei(pfad.name, daten) == [V01, V02]
        # The page passes the variant as it offered it.
        assert unter_21(pruefe_datei("bevoelkerungsprognose", pfad.name, daten, variante=V01).frame)[0] == 2400
    assert varianten_der_datei(GEMEINDEN.name, GEMEINDEN.read_bytes()) == ["Hauptvariante"]
