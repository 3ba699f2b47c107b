"""Real open data as cities and statistics offices publish it (issue 13): each case that went
wrong, on a small fixture of the same shape, with the values worked out by hand."""

import io
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.bedarfsindex import Klasseneinteilung
from sozialraum_analytics.dataset import load_folder, load_store
from sozialraum_analytics.dialect import parse_date
from sozialraum_analytics.hochladen import ebenen_der_datei, pruefe_datei
from sozialraum_analytics.jahresstand import zusammenfuehren
from sozialraum_analytics.kennzahlen import Engine, Optionen
from sozialraum_analytics.lesen import fehlwerte_aus_text, lies_tabelle
from sozialraum_analytics.readers import verdaechtige_werte
from sozialraum_analytics.store import Store, Unveraendert

from .conftest import FIXTURES
from .conftest import cli as befehl

MONITORING = FIXTURES / "monitoring" / "mss_2021_indexind.csv"


def schreiben(ordner: Path, name: str, text: str) -> Path:
    path = ordner / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(ablage: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line on the store in ``ablage`` (in this process, tests/conftest.py)."""
    result = befehl(*args, env={"SOZIALRAUM_ABLAGE": str(ablage), "SOZIALRAUM_DB": None, "SOZIALRAUM_DATEN": None})
    assert "Traceback" not in result.stderr + result.stdout
    return result


def werte(engine: Engine, ebene: str, kennzahl: str, hilfeart: str = "gesamt") -> dict[str, float]:
    long = engine.long(ebene)
    rows = long[(long["kennzahl"] == kennzahl) & (long["hilfeart"] == hilfeart)]
    return {str(r.raum_id): float(r.wert) for r in rows.itertuples()}


def meldungen(report) -> str:  # noqa: ANN001
    return "\n".join(p.meldung for p in report.problems) + "\n" + "\n".join(report.infos)


# --- 1. overlapping age groups -------------------------------------------------------------------
# A register table: fine groups and, beside them, "0 bis unter 18" and "60 und älter".
BEV_UEBERLAPPEND = """jahr;raum_id;altersgruppe;anzahl
2023;P1;0 bis unter 7;700
2023;P1;7 bis unter 18;1100
2023;P1;0 bis unter 18;1800
2023;P1;18 bis unter 21;300
2023;P1;21 bis unter 60;5000
2023;P1;60 bis unter 65;800
2023;P1;65 und älter;1500
2023;P1;60 und älter;2300
2023;P2;0 bis unter 7;70
2023;P2;7 bis unter 18;110
2023;P2;0 bis unter 18;180
2023;P2;18 bis unter 21;30
2023;P2;21 bis unter 60;500
2023;P2;60 bis unter 65;80
2023;P2;65 und älter;150
2023;P2;60 und älter;230
"""


def test_overlapping_age_groups_are_counted_once_with_the_finest_groups(tmp_path):
    schreiben(tmp_path, "bevoelkerung.csv", BEV_UEBERLAPPEND)
    dataset = load_folder(tmp_path)
    report = dataset.reports[0]
    assert report.ok and report.n_warnings == 1
    text = meldungen(report)
    assert "nicht mitgezählt unter 18, 60 und älter" in text
    assert "verwendet wird die feinste Einteilung unter 7, 7 bis unter 18, 18 bis unter 21" in text
    engine = Engine(dataset)
    # P1: 700 + 1100 + 300 + 5000 + 800 + 1500 = 9400 (not 13 500 with the sums); under 21: 2100.
    assert werte(engine, "planungsraum", "bevoelkerung_gesamt") == {"P1": 9400, "P2": 940}
    assert werte(engine, "planungsraum", "bevoelkerung_u21") == {"P1": 2100, "P2": 210}
    assert werte(engine, "kreis", "bevoelkerung_gesamt") == {"kreis": 10340}


def test_age_groups_that_overlap_without_a_partition_are_refused(tmp_path):
    path = schreiben(tmp_path, "bevoelkerung.csv", "jahr;raum_id;altersgruppe;anzahl\n2023;P1;0 bis unter 10;100\n"
                                                   "2023;P1;5 bis unter 15;100\n2023;P1;15 und älter;800\n")
    result = lies_tabelle(path, "bevoelkerung")
    assert not result.ok
    assert "keine Einteilung ohne Doppelzählung" in meldungen(result.report)


def test_a_gap_between_age_groups_is_no_overlap(tmp_path):
    path = schreiben(tmp_path, "bevoelkerung.csv", "jahr;raum_id;altersgruppe;anzahl\n2023;P1;0 bis unter 6;100\n"
                                                   "2023;P1;10 bis unter 18;200\n")
    result = lies_tabelle(path, "bevoelkerung")
    assert result.ok and result.report.n_warnings == 0
    assert result.frame["anzahl"].sum() == 300


# --- 2. missing-value codes ----------------------------------------------------------------------
@pytest.mark.parametrize(("werte_", "anteil", "erwartet"), [
    ([12.5, 8.0, -9999.0, 15.0, -9999.0], False, [(-9999.0, "wiederholte runde negative Zahl")]),
    ([12.5, 8.0, 99999.0, 15.0, 11.0], True, [(99999.0, "weit außerhalb der übrigen Werte")]),
    ([12.5, 8.0, -1.0, 15.0], True, [(-1.0, "ein Anteil unter 0")]),
    ([12.5, 8.0, -1.0, 15.0], False, []),  # a change can be negative; a share cannot
    ([1200.0, 800.0, 950.0, 1010.0], False, []),
])
def test_values_that_look_like_codes_are_named(werte_, anteil, erwartet):
    assert verdaechtige_werte(pd.Series(werte_), anteil) == erwartet


INDIKATOREN_CODES = """jahr;raum_id;indikator;wert
2023;P1;sgb2_quote;10
2023;P2;sgb2_quote;20
2023;P3;sgb2_quote;-9999
2023;P4;sgb2_quote;30
2023;P5;sgb2_quote;-9999
"""


def test_a_missing_value_code_is_warned_about_and_can_be_declared(tmp_path):
    path = schreiben(tmp_path, "indikatoren.csv", INDIKATOREN_CODES)
    ohne = lies_tabelle(path, "indikatoren")
    assert ohne.ok and ohne.report.n_warnings == 1
    warnung = ohne.report.warnings[0]
    assert warnung.zeile == 4 and warnung.spalte == "wert"
    assert 'der Wert -9999 (wiederholte runde negative Zahl, in 2 Zeilen, z. B. Zeile 4)' in warnung.meldung
    assert "--fehlwert -9999" in warnung.meldung
    mit = lies_tabelle(path, "indikatoren", fehlwerte=(-9999.0,))
    assert mit.ok and mit.report.n_warnings == 0
    assert mit.frame.set_index("raum_id")["wert"].isna().to_dict() == {"P1": False, "P2": False, "P3": True,
                                                                     "P4": False, "P5": True}


def test_missing_value_codes_as_typed_on_the_page():
    assert fehlwerte_aus_text("-9999; -999") == (-9999.0, -999.0)
    assert fehlwerte_aus_text(" -9999 99999 ") == (-9999.0, 99999.0)
    assert fehlwerte_aus_text("") == ()
    with pytest.raises(ValueError, match="„k.A.“ ist keine Zahl"):
        fehlwerte_aus_text("-9999; k.A.")


def test_the_cli_declares_codes_with_fehlwert(tmp_path):
    path = schreiben(tmp_path, "indikatoren.csv", INDIKATOREN_CODES)
    warnt = cli(tmp_path / "ablage", "pruefen", str(path))
    assert warnt.returncode == 0 and "1 Warnungen" in warnt.stdout and "Fehlwert-Code" in warnt.stdout
    still = cli(tmp_path / "ablage", "pruefen", str(path), "--fehlwert", "-9999")
    assert still.returncode == 0 and "0 Warnungen" in still.stdout
    falsch = cli(tmp_path / "ablage", "pruefen", str(path), "--fehlwert", "minus")
    assert falsch.returncode == 2 and "„minus“ ist keine Zahl" in falsch.stdout


# --- 3. a second import of the same kind ----------------------------------------------------------
def bevoelkerung(jahre: list[int], faktor: int = 1) -> pd.DataFrame:
    rows = [{"jahr": j, "raum_id": r, "alter_von": 0, "alter_bis": 21, "anzahl": (100 + j - 2000) * faktor + i}
            for j in jahre for i, r in enumerate(["P1", "P2"])]
    return pd.DataFrame(rows)


def test_ergaenzen_keeps_other_years_and_says_what_changed():
    alt = bevoelkerung([2021, 2022, 2023])
    neu = bevoelkerung([2020])
    folge = zusammenfuehren("bevoelkerung", alt, neu)
    assert folge.text() == "2020 neu, 2021–2023 unverändert"
    assert sorted(folge.frame["jahr"].unique()) == [2020, 2021, 2022, 2023]
    assert len(folge.frame) == 8
    korrektur = zusammenfuehren("bevoelkerung", folge.frame, bevoelkerung([2023, 2024], faktor=2))
    assert korrektur.text() == "2024 neu, 2023 ersetzt, 2020–2022 unverändert"
    jahr_2023 = korrektur.frame[korrektur.frame["jahr"] == 2023]
    assert jahr_2023["anzahl"].tolist() == [246, 247]  # (100 + 23) × 2 + i: the new file's, once
    ersetzen = zusammenfuehren("bevoelkerung", folge.frame, bevoelkerung([2023]), "ersetzen")
    assert ersetzen.text() == "2023 ersetzt, 2020–2022 entfernt" and len(ersetzen.frame) == 2
    assert zusammenfuehren("faelle", pd.DataFrame({"fall_id": [1]}), pd.DataFrame({"fall_id": [2]})).ganz_ersetzt


def test_the_store_merges_by_year_and_replaces_on_request(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'ablage.db'}")
    try:
        erste = store.importieren("bevoelkerung", bevoelkerung([2021, 2022, 2023]), "bev_2021_2023.csv", b"a")
        assert erste.aenderung == "2021–2023 neu"
        zweite = store.importieren("bevoelkerung", bevoelkerung([2020]), "bev_2020.csv", b"b")
        assert zweite.aenderung == "2020 neu, 2021–2023 unverändert"
        assert zweite.aktion == "Import (2020 neu, 2021–2023 unverändert)"
        assert zweite.inhalt["bevoelkerung"]["datei"] == "bev_2020.csv + bev_2021_2023.csv"
        tabelle = store.tabelle("bevoelkerung")
        assert sorted(tabelle["jahr"].unique()) == [2020, 2021, 2022, 2023] and len(tabelle) == 8
        assert tabelle.loc[tabelle["jahr"] == 2021, "anzahl"].tolist() == [121, 122]
        with pytest.raises(Unveraendert):
            store.importieren("bevoelkerung", bevoelkerung([2020]), "bev_2020.csv", b"b")
        dritte = store.importieren("bevoelkerung", bevoelkerung([2023]), "bev_2023.csv", b"c", modus="ersetzen")
        assert dritte.aenderung == "2023 ersetzt, 2020–2022 entfernt"
        assert store.tabelle("bevoelkerung")["jahr"].unique().tolist() == [2023]
        # The store's dataset is what the dashboard shows: the merged years, no double count.
        store.importieren("bevoelkerung", bevoelkerung([2021, 2022]), "bev_2021_2022.csv", b"d")
        engine = Engine(load_store(store))
        assert engine.jahre == [2021, 2022, 2023]
        assert werte(engine, "kreis", "bevoelkerung_gesamt") == {"kreis": 123 + 124}
    finally:
        store.dispose()


def test_the_cli_mode_and_its_report(tmp_path):
    ablage = tmp_path / "ablage"
    eins = schreiben(tmp_path, "bev_2021_2023.csv", "jahr;raum_id;alter_von;alter_bis;anzahl\n"
                     + "".join(f"{j};P1;0;20;{j - 1900}\n" for j in (2021, 2022, 2023)))
    zwei = schreiben(tmp_path, "bev_2020.csv", "jahr;raum_id;alter_von;alter_bis;anzahl\n2020;P1;0;20;120\n")
    assert cli(ablage, "importieren", "--art", "bevoelkerung", str(eins)).returncode == 0
    ergebnis = cli(ablage, "importieren", "--art", "bevoelkerung", str(zwei))
    assert ergebnis.returncode == 0
    assert "Jahre: 2020 neu, 2021–2023 unverändert." in ergebnis.stdout
    ersetzt = cli(ablage, "importieren", "--art", "bevoelkerung", "--modus", "ersetzen", str(eins))
    assert "Jahre: 2021–2023 ersetzt, 2020 entfernt." in ersetzt.stdout


def test_folder_mode_agrees_with_the_store(tmp_path):
    schreiben(tmp_path, "bevoelkerung_a.csv", "jahr;raum_id;alter_von;alter_bis;anzahl\n2022;P1;0;20;100\n"
                                              "2023;P1;0;20;110\n")
    schreiben(tmp_path, "bevoelkerung_b.csv", "jahr;raum_id;alter_von;alter_bis;anzahl\n2023;P1;0;20;115\n"
                                              "2024;P1;0;20;120\n")
    dataset = load_folder(tmp_path)
    warnung = [p.meldung for r in dataset.reports for p in r.warnings]
    assert warnung == ["Die Jahre 2023 stehen auch in einer früheren Datei dieser Art (bevoelkerung_a.csv); es gilt "
                       "bevoelkerung_b.csv (Dateien nach Namen geordnet)."]
    engine = Engine(dataset)
    long = engine.long("kreis")
    bev = long[long["kennzahl"] == "bevoelkerung_gesamt"].set_index("jahr")["wert"].to_dict()
    assert bev == {2022: 100, 2023: 115, 2024: 120}  # 2023 once, from the later file


# --- 4. total-only population ---------------------------------------------------------------------
def test_total_only_population_through_the_store_gives_figures_not_a_traceback(tmp_path):
    ablage = tmp_path / "ablage"
    bev = schreiben(tmp_path, "bev_insgesamt.csv", "jahr;raum_id;altersgruppe;anzahl\n2023;P1;insgesamt;1200\n"
                                                   "2023;P2;insgesamt;250\n2023;P3;insgesamt;800\n")
    ind = schreiben(tmp_path, "indikatoren.csv", "jahr;raum_id;indikator;wert\n2023;P1;sgb2;10\n2023;P2;sgb2;20\n"
                                                 "2023;P3;sgb2;30\n")
    assert cli(ablage, "importieren", "--art", "bevoelkerung", str(bev)).returncode == 0
    assert cli(ablage, "importieren", "--art", "indikatoren", str(ind)).returncode == 0
    result = cli(ablage, "kennzahlen", "--ebene", "planungsraum")
    assert result.returncode == 0
    assert "Die Bevölkerung liegt nur insgesamt vor" in result.stderr
    lines = result.stdout.splitlines()
    assert "2023;planungsraum;P1;P1;gesamt;bevoelkerung_gesamt;1200" in lines
    assert not any("bevoelkerung_u21" in line or "eckwert" in line for line in lines)
    # 300-inhabitant rule: P2 (250) gets no index; P1 and P3 are −1 and +1 (two areas, z-scores).
    assert "2023;planungsraum;P1;P1;;bedarfsindex;-1" in lines and "2023;planungsraum;P3;P3;;bedarfsindex;1" in lines
    assert not any(";P2;P2;;bedarfsindex" in line for line in lines)


def test_totals_beside_age_groups_are_dropped_and_nothing_left_is_an_error(tmp_path):
    path = schreiben(tmp_path, "bevoelkerung.csv", "jahr;raum_id;altersgruppe;anzahl\n2023;P1;insgesamt;1000\n"
                                                   "2023;P1;0 bis unter 21;200\n2023;P1;21 und älter;800\n")
    result = lies_tabelle(path, "bevoelkerung")
    assert result.ok and result.frame["anzahl"].sum() == 1000
    assert "1 Summenzeilen (Insgesamt) werden nicht mitgezählt" in meldungen(result.report)
    leer = schreiben(tmp_path, "bevoelkerung2.csv", "jahr;raum_id;alter_von;alter_bis;anzahl\n")
    assert not lies_tabelle(leer, "bevoelkerung").ok


# --- 5. column mapping in the CLI ------------------------------------------------------------------
def test_spalte_maps_columns_and_common_keys_need_no_mapping(tmp_path):
    ablage = tmp_path / "ablage"
    path = schreiben(tmp_path, "bev.csv", "LOR;PERIODE;Alter von;Alter bis;Einwohner\n"
                                          "01100101;202012;0;20;350\n")
    ohne = cli(ablage, "pruefen", "--art", "bevoelkerung", str(path))
    assert ohne.returncode == 1
    mit = cli(ablage, "pruefen", "--art", "bevoelkerung", "--spalte", "raum_id=LOR", "--spalte", "jahr=PERIODE",
              str(path))
    assert mit.returncode == 0 and "Gelesen als Bevölkerung nach Alter: 1 Zeilen" in mit.stdout
    falsch = cli(ablage, "pruefen", "--art", "bevoelkerung", "--spalte", "lor", str(path))
    assert falsch.returncode == 2 and "--spalte ZIEL=QUELLE" in falsch.stdout
    store = Store(f"sqlite:///{ablage / 'sozialraum.db'}")
    store.zuordnung_speichern("bevoelkerung", "Statistikamt", {"LOR": "raum_id", "PERIODE": "jahr"})
    store.dispose()
    profil = cli(ablage, "importieren", "--art", "bevoelkerung", "--profil", "Statistikamt", str(path))
    assert profil.returncode == 0 and "Gespeichert als Version 1" in profil.stdout
    unbekannt = cli(ablage, "pruefen", "--art", "bevoelkerung", "--profil", "Fachverfahren", str(path))
    assert unbekannt.returncode == 2 and "Statistikamt" in unbekannt.stdout
    for schluessel in ("PLR_ID", "BZR_ID", "AREA_ID", "GEBIET_ID", "Stadtteil-Nr", "ARS"):
        datei = schreiben(tmp_path, "b.csv", f"{schluessel};Jahr;alter_von;alter_bis;anzahl\n0815;2020;0;20;5\n")
        assert lies_tabelle(datei, "bevoelkerung").ok, schluessel


# --- 6. wide indicator files ----------------------------------------------------------------------
def test_wide_files_keep_ids_names_inhabitants_and_classes_aside(tmp_path):
    result = lies_tabelle(MONITORING, "indikatoren", fehlwerte=(-9999.0,))
    text = meldungen(result.report)
    # SI_W (the published index) is a number like an indicator: only --indikatoren tells it apart.
    assert "Breites Format erkannt: 5 Indikatorspalten (S1, S2, S3, S4, SI_W)" in text
    assert "PLR_NAME (Name), BEZ_ID (Kennung), BEZ_NAME (Name), EW (Einwohner), SI_N (Klassen)" in text
    gewaehlt = lies_tabelle(MONITORING, "indikatoren", fehlwerte=(-9999.0,), indikatoren=("S1", "S2", "S3", "S4"))
    assert gewaehlt.ok and sorted(gewaehlt.frame["indikator"].unique()) == ["S1", "S2", "S3", "S4"]
    assert len(gewaehlt.frame) == 9 * 4
    falsch = lies_tabelle(MONITORING, "indikatoren", indikatoren=("S1", "S9"))
    assert not falsch.ok and "Diese Indikatorspalten gibt es in der Datei nicht: S9" in meldungen(falsch.report)


def test_an_empty_indicator_cell_is_missing_not_an_error(tmp_path):
    path = schreiben(tmp_path, "indikatoren.csv", "jahr;raum_id;indikator;wert\n2023;P1;sgb2;10\n2023;P2;sgb2;\n")
    result = lies_tabelle(path, "indikatoren")
    assert result.ok
    assert result.frame.set_index("raum_id")["wert"].isna().to_dict() == {"P1": False, "P2": True}


# --- 7. dates as YYYYMM, decimal points with quoted ids ------------------------------------------------
@pytest.mark.parametrize(("text", "tag"), [("202012", "2020-12-31"), ("2020-12", "2020-12-31"),
                                          ("12/2020", "2020-12-31"), ("02.2024", "2024-02-29"),
                                          ("31.12.2020", "2020-12-31"), ("202013", None)])
def test_months_stand_for_their_last_day(text, tag):
    assert (str(parse_date(text)) if parse_date(text) else None) == tag


def test_quoted_ids_and_decimal_points_in_a_comma_separated_file():
    result = lies_tabelle(MONITORING, "indikatoren", fehlwerte=(-9999.0,), indikatoren=("S1", "S2", "S3", "S4"))
    frame = result.frame
    assert set(frame["jahr"]) == {2020}
    s1 = frame[frame["indikator"] == "S1"].set_index("raum_id")["wert"]
    assert s1["01100101"] == 5.21 and s1["02100102"] == 12.4  # leading zero kept, decimal point read
    assert np.isnan(s1["01200205"])


# --- 8. geometry with several layers -----------------------------------------------------------------
def _ebenen() -> tuple:
    import geopandas as gpd
    import shapely

    plr = gpd.GeoDataFrame({"PLR_ID": ["01100101", "01100102"], "PLR_NAME": ["Stülerstraße", "Tiergarten"]},
                           geometry=[shapely.box(13.30, 52.50, 13.31, 52.51), shapely.box(13.31, 52.50, 13.32, 52.51)],
                           crs=4326).to_crs(25833)
    bzr = gpd.GeoDataFrame({"BZR_ID": ["011001"], "BZR_NAME": ["Tiergarten Süd"]},
                           geometry=[shapely.box(13.30, 52.50, 13.32, 52.51)], crs=4326).to_crs(25833)
    return plr, bzr


def test_a_geopackage_with_several_layers_asks_which(tmp_path, recwarn):
    plr, bzr = _ebenen()
    path = tmp_path / "lor.gpkg"
    plr.to_file(path, layer="lor_planungsraeume_2021")
    bzr.to_file(path, layer="lor_bezirksregionen_2021")
    data = path.read_bytes()
    recwarn.clear()
    assert ebenen_der_datei("lor.gpkg", data) == ["lor_planungsraeume_2021", "lor_bezirksregionen_2021"]
    ohne = pruefe_datei("gebiete", "lor.gpkg", data)
    assert ohne.frame is None
    assert "Die Datei enthält 2 Ebenen: lor_planungsraeume_2021, lor_bezirksregionen_2021" in meldungen(ohne.report)
    mit = pruefe_datei("gebiete", "lor.gpkg", data, ebene_datei="lor_planungsraeume_2021")
    assert mit.report.ok
    assert mit.frame[["raum_id", "name"]].to_dict("records") == [{"raum_id": "01100101", "name": "Stülerstraße"},
                                                                 {"raum_id": "01100102", "name": "Tiergarten"}]
    falsch = pruefe_datei("gebiete", "lor.gpkg", data, ebene_datei="lor_2019")
    assert "Die Ebene „lor_2019“ gibt es in der Datei nicht" in meldungen(falsch.report)
    assert not [w for w in recwarn.list if "pyogrio" in str(w.filename) or "layer" in str(w.message).lower()]


def test_a_zip_with_two_shapefiles_asks_which(tmp_path):
    plr, bzr = _ebenen()
    plr.to_file(tmp_path / "plr.shp")
    bzr.to_file(tmp_path / "bzr.shp")
    puffer = io.BytesIO()
    with zipfile.ZipFile(puffer, "w") as archiv:
        for datei in tmp_path.iterdir():
            archiv.write(datei, datei.name)
    data = puffer.getvalue()
    assert ebenen_der_datei("lor.zip", data) == ["bzr", "plr"]
    ohne = pruefe_datei("gebiete", "lor.zip", data)
    assert ohne.frame is None and "lor.zip enthält 2 Ebenen: bzr, plr" in meldungen(ohne.report)
    mit = pruefe_datei("gebiete", "lor.zip", data, ebene_datei="plr")
    assert mit.report.ok and mit.frame["raum_id"].tolist() == ["01100101", "01100102"]
    befehl = cli(tmp_path / "ablage", "importieren", "--art", "gebiete", "--ebene-datei", "bzr",
                 str(_zip_speichern(tmp_path, data)))
    assert befehl.returncode == 0 and "Gespeichert als Version 1" in befehl.stdout


def _zip_speichern(ordner: Path, data: bytes) -> Path:
    path = ordner / "lor_geometrien.zip"
    path.write_bytes(data)
    return path


# --- 11. configurable index classes ---------------------------------------------------------------
def test_class_boundaries_and_names():
    standard = Klasseneinteilung()
    index = pd.Series([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, np.nan])
    # On a boundary: the class nearer to the mean (−1 durchschnittlich, 0 durchschnittlich, +1 erhöht).
    assert standard.klassen(index).tolist()[:7] == [1, 2, 2, 2, 3, 3, 4]
    assert np.isnan(standard.klassen(index).iloc[7])
    assert standard.beschreibung() == ("1 = niedrig (unter −1), 2 = durchschnittlich (−1 bis 0), 3 = erhöht (über 0 "
                                       "bis +1), 4 = hoch (über +1)")
    berlin = Klasseneinteilung.aus_text("-1,1,1.5", "Status hoch; Status mittel; Status niedrig; Status sehr niedrig")
    assert berlin.grenzen == (-1.0, 1.0, 1.5)
    assert berlin.klassen(pd.Series([-1.2, -1.0, 1.0, 1.2, 1.5, 1.6])).tolist() == [1, 2, 2, 3, 3, 4]
    assert berlin.bereiche() == ["unter −1", "−1 bis +1", "über +1 bis +1,5", "über +1,5"]
    assert Klasseneinteilung.aus_text("-1; 1; 1,5").grenzen == (-1.0, 1.0, 1.5)
    assert Klasseneinteilung.aus_text("-1.5,-0.5,0.5,1.5").namen == tuple(f"Klasse {i}" for i in range(1, 6))
    with pytest.raises(ValueError, match="aufsteigen"):
        Klasseneinteilung.aus_text("1,-1")
    with pytest.raises(ValueError, match="3 Grenzen ergeben 4 Klassen"):
        Klasseneinteilung((-1, 0, 1), ("a", "b"))


def test_the_kreis_keeps_its_classes_with_the_data(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'ablage.db'}")
    try:
        assert store.klasseneinteilung() is None
        berlin = Klasseneinteilung((-1, 1, 1.5), ("hoch", "mittel", "niedrig", "sehr niedrig"))
        store.klasseneinteilung_setzen(berlin)
        assert store.klasseneinteilung() == berlin
        frame = lies_tabelle(MONITORING, "indikatoren", fehlwerte=(-9999.0,), indikatoren=("S1", "S2", "S3", "S4")).frame
        store.importieren("indikatoren", frame, MONITORING.name, MONITORING.read_bytes())
        engine = Engine(load_store(store))
        assert engine.einteilung == berlin
        index = engine.bedarfsindex("planungsraum", 2020).set_index("area")
        assert index.loc["02100103", "klasse_label"] == "niedrig" and index.loc["02100102", "klasse"] == 4
        # An explicit option wins over the Kreis's setting.
        standard = Engine(load_store(store), Optionen(einteilung=Klasseneinteilung()))
        assert standard.bedarfsindex("planungsraum", 2020).set_index("area").loc["02100103", "klasse_label"] == "hoch"
        store.klasseneinteilung_setzen(None)
        assert store.klasseneinteilung() is None
    finally:
        store.dispose()


def test_the_map_legend_names_the_classes(tmp_path):
    import geopandas as gpd
    import shapely

    from sozialraum_analytics import karte
    from sozialraum_analytics.kartenwerte import gebietswerte, merkmale

    frame = lies_tabelle(MONITORING, "indikatoren", fehlwerte=(-9999.0,), indikatoren=("S1", "S2", "S3", "S4")).frame
    ids = sorted(frame["raum_id"].unique())
    flaechen = gpd.GeoDataFrame({"raum_id": ids, "name": ids},
                                geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(ids))], crs=4326)
    from sozialraum_analytics.dataset import Dataset

    engine = Engine(Dataset(tables={"indikatoren": frame}, gebiete=flaechen))
    merkmal = merkmale(engine)["bedarfsindex"]
    berlin = Klasseneinteilung((-1, 1, 1.5), ("Status hoch", "Status mittel", "Status niedrig", "Status sehr niedrig"))
    bild = karte.wertekarte(flaechen, gebietswerte(engine, merkmal, "planungsraum", 2020), karte.BEDARFSKLASSEN,
                            einteilung=berlin)
    zeilen = [(label, anzahl) for _farbe, label, anzahl in bild.legende.klassen]
    assert zeilen == [("1 Status hoch: unter −1", 2), ("2 Status mittel: −1 bis +1", 4),
                      ("3 Status niedrig: über +1 bis +1,5", 1), ("4 Status sehr niedrig: über +1,5", 1)]
    assert bild.legende.ohne_wert == 1  # the area under 300 inhabitants


# --- 12. rounded CSV --------------------------------------------------------------------------------
def test_kennzahlen_csv_is_rounded_as_the_dashboard_shows(tmp_path):
    from .conftest import KLEINKREIS

    gerundet = cli(tmp_path / "ablage", "kennzahlen", "--daten", str(KLEINKREIS), "--jahr", "2023", "--ebene", "kreis")
    assert "2023;kreis;kreis;Kreis;gesamt;eckwert_je_1000_u21;2,3" in gerundet.stdout.splitlines()
    assert not any(len(line.rsplit(";", 1)[-1].partition(",")[2]) > 2 for line in gerundet.stdout.splitlines())
    genau = cli(tmp_path / "ablage", "kennzahlen", "--daten", str(KLEINKREIS), "--jahr", "2023", "--ebene", "kreis",
                "--ungerundet")
    assert "2023;kreis;kreis;Kreis;gesamt;eckwert_je_1000_u21;2,26628895184136" in genau.stdout.splitlines()


# --- acceptance: a published social monitoring, pruefen and one importieren --------------------------
def test_a_published_social_monitoring_gives_the_citys_index_and_classes(tmp_path):
    ablage = tmp_path / "ablage"
    optionen = ["--fehlwert", "-9999", "--indikatoren", "S1,S2,S3,S4"]
    geprueft = cli(ablage, "pruefen", "--art", "indikatoren", str(MONITORING), *optionen)
    assert geprueft.returncode == 0 and "0 Fehler, 0 Warnungen" in geprueft.stdout
    assert cli(ablage, "importieren", "--art", "indikatoren", str(MONITORING), *optionen).returncode == 0
    result = cli(ablage, "kennzahlen", "--ebene", "planungsraum", "--klassengrenzen=-1,1,1.5", "--ungerundet")
    assert result.returncode == 0
    long = pd.read_csv(io.StringIO(result.stdout), sep=";", decimal=",", dtype={"raum_id": str})
    ergebnis = long.pivot(index="raum_id", columns="kennzahl", values="wert")
    veroeffentlicht = pd.read_csv(MONITORING, dtype={"PLR_ID": str}).set_index("PLR_ID")
    veroeffentlicht = veroeffentlicht[veroeffentlicht["SI_N"] > 0]
    assert sorted(ergebnis["bedarfsindex"].dropna().index) == sorted(veroeffentlicht.index)  # not the -9999 area
    np.testing.assert_allclose(ergebnis.loc[veroeffentlicht.index, "bedarfsindex"], veroeffentlicht["SI_W"],
                               atol=0.0005)
    assert ergebnis.loc[veroeffentlicht.index, "bedarfsindex_klasse"].astype(int).tolist() == \
        veroeffentlicht["SI_N"].tolist()


def test_the_cli_never_shows_a_traceback(tmp_path, monkeypatch):
    """Even an error nobody foresaw ends in a German line; the details go to fehler.log."""
    from sozialraum_analytics import cli as modul

    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path))

    def kaputt(*_args, **_kwargs):
        raise RuntimeError("intern")

    monkeypatch.setattr(modul, "versionen", kaputt)
    assert modul.main(["versionen"]) == 1
    log = (tmp_path / "fehler.log").read_text(encoding="utf-8")
    assert "RuntimeError: intern" in log
