"""City-states in official tables (issue 13, point 9): Berlin (11000) and Hamburg (02000).

Berlin and Hamburg are Land, Kreis and Gemeinde at once. Tables of Kreise of the Regionaldatenbank
(e.g. 12411-01-01-4) often list them only as the Land rows "11" and "02", sometimes also as
"11000"/"02000"; tables of Gemeinden as "11000000"/"02000000" (the Regionalatlas adds Berlin's
Bezirke 11001001 … beside the whole city).

Fixtures (written here in the shape of the Regionaldatenbank exports; all figures invented):

  GEMEINDEN (12411-01-01-5 style, "regionale Tiefe: Gemeinden", UTF-8), Insgesamt; männlich; weiblich:
    DG Deutschland                5.309.634 = 02 + 08 + 11
    02 Hamburg                    1.812.345   (890.000; 922.345)   only as Land row
    08 Baden-Württemberg, Land       40.500 = 083
    083 Freiburg, Regierungsbezirk   40.500 = 08315 + 08317
    08315 Breisgau-Hochschwarzwald    5.500   Au 3.000 (sex "." secret), Auggen 2.500
    08317 Ortenaukreis               35.000   Achern 25.000, Appenweier 10.000, Rheinau gfG all "-"
    11 Berlin                     3.456.789   (1.700.000; 1.756.789)   only as Land row
  KREISE (12411-01-01-4 style, "regionale Tiefe: Kreise und krfr. Städte", ISO-8859-1): the same Länder
    and Kreise plus 01 Schleswig-Holstein 340.000 = 01001 Flensburg 90.000 + 01002 Kiel 250.000 and
    a defunct 01099 Altkreis with "-" only.
  DOPPELT: like KREISE, but Berlin and Hamburg as Land row and Kreis row (11 and 11000, 02 and 02000).
  SGB (22811-01-01-4 style, Stichtag as first column, 2014 and 2015): Land rows 02 and 11 only.
  FLAT_GEMEINDEN (flat, one variable GEMEIN, as the Regionalatlas export AI-N-01-2-5): Berlin as a whole
    11000000 = 3.000.000 beside its Bezirke 11001001 1.000.000, 11002002 800.000, 11003003 1.200.000;
    Hamburg 02000000 1.900.000; Achern 25.000, Appenweier 10.000. Berlin counts once: 4.935.000 in all.
"""

from pathlib import Path

import pytest

from sozialraum_analytics import amtlich
from sozialraum_analytics.ablage import kreisname_aus_amtlich
from sozialraum_analytics.cli import main
from sozialraum_analytics.store import Store

FOOTER = """__________
"zu ""gesamter Tabelle"":
Testdaten: erfundene Werte im Format der Regionaldatenbank"
"Testdatei für die Stadtstaaten Berlin und Hamburg."
Stand: 01.02.2025 / 10:00:00
"""

GEMEINDEN = """GENESIS-Tabelle: 12411-01-01-5
Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;
- Stichtag 31.12. -;;;;
regionale Tiefe: Gemeinden, Samt-/Verbandsgemeinden;;;;
Fortschreibung des Bevölkerungsstandes;;;;
Bevölkerungsstand (Anzahl);;;;
;;31.12.2015;31.12.2015;31.12.2015
;;Insgesamt;männlich;weiblich
DG;Deutschland;5309634;2609900;2699734
02;  Hamburg;1812345;890000;922345
08;  Baden-Württemberg, Land;40500;19900;20600
083;    Freiburg, Regierungsbezirk;40500;19900;20600
08315;      Breisgau-Hochschwarzwald, Landkreis;5500;2700;2800
08315003;        Au;3000;.;.
08315004;        Auggen;2500;1200;1300
08317;      Ortenaukreis, Landkreis;35000;17200;17800
08317001;        Achern, Stadt;25000;12300;12700
08317005;        Appenweier;10000;4900;5100
08317971;        Rheinau, gemeindefreies Gebiet;-;-;-
11;  Berlin;3456789;1700000;1756789
""" + FOOTER

KREISE = """GENESIS-Tabelle: 12411-01-01-4
Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;
- Stichtag 31.12. -;;;;
regionale Tiefe: Kreise und krfr. Städte;;;;
Fortschreibung des Bevölkerungsstandes;;;;
Bevölkerungsstand (Anzahl);;;;
;;31.12.2015;31.12.2015;31.12.2015
;;Insgesamt;männlich;weiblich
DG;Deutschland;5649634;2775900;2873734
01;  Schleswig-Holstein;340000;166000;174000
01001;      Flensburg, Kreisfreie Stadt;90000;44000;46000
01002;      Kiel, Landeshauptstadt, Kreisfreie Stadt;250000;122000;128000
01099;      Altkreis, Landkreis;-;-;-
02;  Hamburg;1812345;890000;922345
08;  Baden-Württemberg, Land;40500;19900;20600
083;    Freiburg, Regierungsbezirk;40500;19900;20600
08315;      Breisgau-Hochschwarzwald, Landkreis;5500;2700;2800
08317;      Ortenaukreis, Landkreis;35000;17200;17800
11;  Berlin;3456789;1700000;1756789
""" + FOOTER

KREISE_DOPPELT = KREISE.replace(
    "02;  Hamburg;1812345;890000;922345\n",
    "02;  Hamburg;1812345;890000;922345\n02000;      Hamburg, Kreisfreie Stadt;1812345;890000;922345\n",
).replace(
    "11;  Berlin;3456789;1700000;1756789\n",
    "11;  Berlin;3456789;1700000;1756789\n11000;      Berlin, Kreisfreie Stadt;3456789;1700000;1756789\n",
)

LAENDER = """GENESIS-Tabelle: 12411-01-01-2
Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;
- Stichtag 31.12. -;;;;
regionale Tiefe: Bundesländer;;;;
Fortschreibung des Bevölkerungsstandes;;;;
Bevölkerungsstand (Anzahl);;;;
;;31.12.2015;31.12.2015;31.12.2015
;;Insgesamt;männlich;weiblich
DG;Deutschland;5309634;2609900;2699734
02;  Hamburg;1812345;890000;922345
08;  Baden-Württemberg, Land;40500;19900;20600
11;  Berlin;3456789;1700000;1756789
""" + FOOTER

SGB = """GENESIS-Tabelle: 22811-01-01-4
Sozialberichterstattung in der amtlichen Statistik,;;;;
Empfänger von sozialen Mindestsicherungsleistungen;;;;
- Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte;;;;
Sozialberichterstattung in der amtlichen Statistik;;;;
;;;Empfänger von sozialen Mindestsicherungsleistungen;Davon
;;;;Gesamtregelleistung (ALG II/Sozialgeld) n.d.SGB II
;;;;zusammen
;;;Anzahl;Anzahl
31.12.2015;DG;Deutschland;950000;700000
31.12.2015;02;  Hamburg;240000;175000
31.12.2015;08;  Baden-Württemberg, Land;3100;2200
31.12.2015;083;    Freiburg, Regierungsbezirk;3100;2200
31.12.2015;08317;      Ortenaukreis, Landkreis;3100;2200
31.12.2015;11;  Berlin;680000;540000
31.12.2014;DG;Deutschland;930000;.
31.12.2014;02;  Hamburg;230000;170000
31.12.2014;08;  Baden-Württemberg, Land;3000;2100
31.12.2014;083;    Freiburg, Regierungsbezirk;3000;2100
31.12.2014;08317;      Ortenaukreis, Landkreis;3000;2100
31.12.2014;11;  Berlin;670000;.
""" + FOOTER

FLAT_HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
               "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
               "value_variable_label\n")
REGIONALATLAS = "\ufeff" + FLAT_HEADER + "".join(
    f"99910;Regionalatlas Deutschland;JAHR;Jahr;2023;GEMEIN;Gemeinden;{code};{name};{wert};Prozent;AI0111;"
    "Anteil Siedlungs- und Verkehrsfläche an Gesamtfläche\n"
    for code, name, wert in [
        ("08317001", "Achern, Stadt", "14,2"),
        ("11000000", "Berlin, Stadt", "70,1"),
        ("11001001", "Berlin-Mitte", "95,3"),
        ("11002002", "Berlin-Friedrichshain-Kreuzberg", "93,8"),
        ("02000000", "Hamburg, Freie und Hansestadt", "59,4"),
        ("08317005", "Appenweier", "x"),
    ])

FLAT_KREISE = "\ufeff" + FLAT_HEADER.replace("value;", "2_variable_code;2_variable_label;2_variable_attribute_code;"
                                                       "2_variable_attribute_label;value;") + "".join(
    f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise und kreisfreie Städte;"
    f"{code};{name};GES;Geschlecht;{ges};{wert};Anzahl;BEVSTD;Bevölkerungsstand\n"
    for code, name, ges, wert in [
        ("11000", "Berlin, kreisfreie Stadt", "GESW;weiblich", "1760000"),
        ("11000", "Berlin, kreisfreie Stadt", ";Insgesamt", "3460000"),
        ("02000", "Hamburg, kreisfreie Stadt, Freie und Hansestadt", ";Insgesamt", "1820000"),
        ("08317", "Ortenaukreis, Landkreis", ";Insgesamt", "36000"),
        ("08317", "Ortenaukreis, Landkreis", "GESM;männlich", "17800"),
    ])

BERLIN, HAMBURG = 3456789.0, 1812345.0


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def totals(frame) -> dict[str, float]:
    return {str(k): float(v) for k, v in frame.groupby("raum_id", observed=True)["anzahl"].sum().items()}


# --- (a) --kreis 11000 / 02000 finds the Land row --------------------------------------------------------

@pytest.mark.parametrize("kreis, raum_id, anzahl, excel_row", [
    ("11000", "11000", BERLIN, 20), ("11", "11000", BERLIN, 20), ("11000000", "11000", BERLIN, 20),
    ("02000", "02000", HAMBURG, 10), ("02", "02000", HAMBURG, 10), ("02000000", "02000", HAMBURG, 10),
    ("2000", "02000", HAMBURG, 10),  # leading zero dropped by Excel
])
def test_kreis_key_of_a_city_state_finds_its_land_row(tmp_path, kreis, raum_id, anzahl, excel_row):
    path = write(tmp_path, "12411-01-01-5_stadtstaaten.csv", GEMEINDEN)
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.ok, [p.text() for p in result.report.errors]
    frame = result.frame
    assert len(frame) == 1
    assert list(frame["raum_id"].astype(str)) == [raum_id]
    assert frame["anzahl"].tolist() == [anzahl]
    assert frame["zeile"].tolist() == [excel_row]
    assert frame["jahr"].tolist() == [2015]
    stadt = "Berlin" if raum_id == "11000" else "Hamburg"
    assert any(f"{stadt} ist ein Stadtstaat" in info and f"als Kreis {raum_id} übernommen" in info
               for info in result.report.infos)


def test_city_state_from_a_kreis_table_in_latin1(tmp_path):
    path = write(tmp_path, "12411-01-01-4_stadtstaaten.csv", KREISE, "latin-1")
    berlin = amtlich.read_amtlich(path, "bevoelkerung", kreis="11000")
    hamburg = amtlich.read_amtlich(path, "bevoelkerung", kreis="02000")
    assert totals(berlin.frame) == {"11000": BERLIN}
    assert totals(hamburg.frame) == {"02000": HAMBURG}


def test_other_kreise_of_the_same_table_unchanged(tmp_path):
    path = write(tmp_path, "12411-01-01-5_stadtstaaten.csv", GEMEINDEN)
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08317")
    assert totals(result.frame) == {"08317001": 25000.0, "08317005": 10000.0}  # Rheinau ("-") left out
    assert not any("Stadtstaat" in info for info in result.report.infos)


@pytest.mark.parametrize("kreis", ["12000", "11001", "03"])
def test_unknown_keys_are_still_an_error(tmp_path, kreis):
    path = write(tmp_path, "12411-01-01-4_stadtstaaten.csv", KREISE, "latin-1")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.frame is None
    assert any(f"Kein Gebiet mit dem Schlüssel {kreis}…" in p.meldung for p in result.report.errors)


def test_city_state_indicators_for_each_year(tmp_path):
    path = write(tmp_path, "22811-01-01-4_stadtstaaten.csv", SGB)
    result = amtlich.read_amtlich(path, "indikatoren", kreis="11000")
    assert result.ok
    frame = result.frame
    assert set(frame["raum_id"].astype(str)) == {"11000"}
    werte = {(int(r.jahr), r.indikator): r.wert for r in frame.itertuples()}
    gesamt = "Empfänger von sozialen Mindestsicherungsleistungen"
    assert werte[(2015, gesamt)] == 680000 and werte[(2014, gesamt)] == 670000
    secret = frame[(frame["jahr"] == 2014) & (frame["indikator"] != gesamt)]
    assert len(secret) == 1 and secret["wert"].isna().all()
    assert secret["wert_grund"].tolist() == ["unbekannt oder geheim"]  # ".", not 0
    assert len(frame) == 4


# --- (b) a nationwide import of Kreise keeps Berlin and Hamburg -----------------------------------------

def test_nationwide_kreis_import_keeps_berlin_and_hamburg(tmp_path):
    path = write(tmp_path, "12411-01-01-4_stadtstaaten.csv", KREISE, "latin-1")
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert result.ok
    assert totals(result.frame) == {"01001": 90000.0, "01002": 250000.0, "02000": HAMBURG, "08315": 5500.0,
                                    "08317": 35000.0, "11000": BERLIN}
    assert len(result.frame) == 6  # each Kreis once; no 01, 02, 08, 083, 11, DG; defunct 01099 left out
    info = next(i for i in result.report.infos if i.startswith("Stadtstaaten als Kreise übernommen"))
    assert "Hamburg (Schlüssel 02) als 02000" in info and "Berlin (Schlüssel 11) als 11000" in info
    assert any("01099" in p.meldung and "ausgelassen" in p.meldung for p in result.report.warnings)


def test_nationwide_indicator_import_keeps_berlin_and_hamburg(tmp_path):
    path = write(tmp_path, "22811-01-01-4_stadtstaaten.csv", SGB)
    result = amtlich.read_amtlich(path, "indikatoren")
    assert result.ok
    frame = result.frame
    gesamt = frame[frame["indikator"] == "Empfänger von sozialen Mindestsicherungsleistungen"]
    werte = {(str(r.raum_id), int(r.jahr)): r.wert for r in gesamt.itertuples()}
    assert werte == {("02000", 2014): 230000, ("02000", 2015): 240000, ("08317", 2014): 3000, ("08317", 2015): 3100,
                     ("11000", 2014): 670000, ("11000", 2015): 680000}


def test_laender_table_keeps_its_land_rows(tmp_path):
    path = write(tmp_path, "12411-01-01-2_laender.csv", LAENDER)
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert totals(result.frame) == {"02": HAMBURG, "08": 40500.0, "11": BERLIN}
    assert not any("Stadtstaat" in info for info in result.report.infos)


# --- (c) Land row and Kreis row both present: counted once ---------------------------------------------

@pytest.mark.parametrize("kreis, expected", [
    (None, {"01001": 90000.0, "01002": 250000.0, "02000": HAMBURG, "08315": 5500.0, "08317": 35000.0,
            "11000": BERLIN}),
    ("11000", {"11000": BERLIN}),
    ("11", {"11000": BERLIN}),
    ("11000000", {"11000": BERLIN}),  # the Kreis row as it appears
    ("02", {"02000": HAMBURG}),
])
def test_land_row_and_kreis_row_give_the_city_once(tmp_path, kreis, expected):
    path = write(tmp_path, "12411-01-01-4_doppelt.csv", KREISE_DOPPELT, "latin-1")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.ok
    assert totals(result.frame) == expected
    assert len(result.frame) == len(expected)
    assert not any("Stadtstaaten als Kreise" in info for info in result.report.infos)
    assert not result.report.warnings or all("weicht" not in p.meldung for p in result.report.warnings)


def test_land_row_checks_the_kreis_row_of_a_city_state(tmp_path):
    text = KREISE_DOPPELT.replace("11;  Berlin;3456789;", "11;  Berlin;3456790;")
    path = write(tmp_path, "12411-01-01-4_doppelt.csv", text, "latin-1")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="11")
    assert totals(result.frame) == {"11000": BERLIN}
    problem = next(p for p in result.report.warnings if "weicht" in p.meldung)
    assert "unter 11 (Berlin)" in problem.meldung and "Summe 3.456.789 statt 3.456.790" in problem.meldung


# --- flat exports ------------------------------------------------------------------------------------------

def test_flat_export_of_kreise_with_11000(tmp_path):
    path = write(tmp_path, "12411-01-01-4_flat.csv", FLAT_KREISE)
    for kreis in ("11000", "11", "11000000"):
        result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
        assert totals(result.frame) == {"11000": 3460000.0}, kreis
    nationwide = amtlich.read_amtlich(path, "bevoelkerung")
    assert totals(nationwide.frame) == {"02000": 1820000.0, "08317": 36000.0, "11000": 3460000.0}


@pytest.mark.parametrize("kreis, expected", [
    ("11000", {"11000000": 70.1}),
    ("11000000", {"11000000": 70.1}),
    ("02000", {"02000000": 59.4}),
])
def test_flat_gemeinden_give_the_whole_city_not_its_bezirke(tmp_path, kreis, expected):
    """The Regionalatlas lists Berlin (11000000) and its Bezirke (11001001 …): the Kreis 11000 is the city."""
    path = write(tmp_path, "AI-N-01-2-5_flat.csv", REGIONALATLAS)
    result = amtlich.read_amtlich(path, "indikatoren", kreis=kreis)
    assert result.ok
    assert {str(r.raum_id): r.wert for r in result.frame.itertuples()} == expected


# --- the Kreis name of a city-state (importieren --kreis 11000) ----------------------------------------------

@pytest.mark.parametrize("kreis, name", [
    ("11000", "Berlin"), ("11", "Berlin"), ("11000000", "Berlin"),
    ("02000", "Hamburg"), ("02", "Hamburg"), ("02000000", "Hamburg"), ("2000", "Hamburg"),
])
@pytest.mark.parametrize("fixture, encoding", [
    ("GEMEINDEN", "utf-8"), ("KREISE", "latin-1"), ("KREISE_DOPPELT", "latin-1"), ("SGB", "utf-8"),
    ("FLAT_KREISE", "utf-8"), ("REGIONALATLAS", "utf-8"),
])
def test_kreisname_of_a_city_state(tmp_path, kreis, name, fixture, encoding):
    """Classic tables with the Land row ``11;  Berlin`` only, Kreis rows ``11000;Berlin, kreisfreie Stadt``
    and Gemeinde rows ``11000000;Berlin, Stadt`` all give the plain name."""
    path = write(tmp_path, f"{fixture}.csv", globals()[fixture], encoding)
    assert kreisname_aus_amtlich(path, kreis) == name


def test_kreisname_of_a_city_state_not_in_the_file(tmp_path):
    # Only the Ortenaukreis, with a value 11000 and 11 right before a unit: no "Anzahl" taken for a name.
    lines = [line for line in FLAT_KREISE.splitlines(keepends=True) if ";08317;" in line or line.startswith("\ufeff")]
    lines[1] = lines[1].replace(";36000;", ";11000;")
    lines[2] = lines[2].replace(";17800;", ";11;")
    path = write(tmp_path, "ortenau_flat.csv", "".join(lines))
    assert kreisname_aus_amtlich(path, "11000") is None
    assert kreisname_aus_amtlich(path, "11") is None
    assert kreisname_aus_amtlich(path, "08317") == "Ortenaukreis"
    laender = write(tmp_path, "laender_ohne_berlin.csv", LAENDER.replace("11;  Berlin;3456789;1700000;1756789\n", ""))
    assert kreisname_aus_amtlich(laender, "11000") is None
    assert kreisname_aus_amtlich(laender, "02000") == "Hamburg"


def test_cli_import_of_a_city_state_stores_its_name(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ablage.db'}"
    monkeypatch.setenv("SOZIALRAUM_DB", url)
    monkeypatch.delenv("SOZIALRAUM_KREISNAME", raising=False)
    path = write(tmp_path, "12411-01-01-4_stadtstaaten.csv", KREISE, "latin-1")
    assert main(["importieren", "--art", "bevoelkerung", "--kreis", "11000", str(path)]) == 0
    store = Store(url)
    try:
        assert store.kreisname() == "Berlin"
    finally:
        store.dispose()


# --- Berlin as a whole and its Bezirke at the same level (Regionalatlas): counted once ---------------------

def flat_gemeinden(rows: list[tuple[str, str, str]]) -> str:
    """A flat export of Gemeinden in the Regionalatlas shape (one variable GEMEIN), population counts."""
    return "\ufeff" + FLAT_HEADER + "".join(
        f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2023-12-31;GEMEIN;Gemeinden;{code};{name};"
        f"{wert};Anzahl;BEVSTD;Bevölkerungsstand\n" for code, name, wert in rows)


BERLIN_BEZIRKE = [("11001001", "Berlin-Mitte", "1000000"),
                  ("11002002", "Berlin-Friedrichshain-Kreuzberg", "800000"),
                  ("11003003", "Berlin-Pankow", "1200000")]  # 3.000.000 together, as the whole city
FLAT_GEMEINDEN = flat_gemeinden([
    ("08317001", "Achern, Stadt", "25000"),
    ("11000000", "Berlin, Stadt", "3000000"),
    *BERLIN_BEZIRKE,
    ("02000000", "Hamburg, Freie und Hansestadt", "1900000"),
    ("08317005", "Appenweier", "10000"),
])


def bezirke_info(result) -> str:
    return next(i for i in result.report.infos if "Bezirke sind ausgelassen" in i)


def test_nationwide_flat_gemeinden_count_berlin_once(tmp_path):
    path = write(tmp_path, "12411-gemeinden_flat.csv", FLAT_GEMEINDEN)
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert result.ok
    assert totals(result.frame) == {"02000000": 1900000.0, "08317001": 25000.0, "08317005": 10000.0,
                                    "11000000": 3000000.0}
    assert result.frame["anzahl"].sum() == 4935000.0  # not 7.935.000 (Berlin twice)
    info = bezirke_info(result)
    assert info.startswith("Berlin ist ein Stadtstaat")
    assert "Schlüssel 11000000, Berlin, Stadt" in info and "3 Bezirke (11001001 Berlin-Mitte … 11003003 Berlin-Pankow)" in info
    assert "Übernommen: 4 Gemeinden." in result.report.infos
    assert not any("Hamburg ist ein Stadtstaat" in i for i in result.report.infos)


@pytest.mark.parametrize("kreis", ["11", "11000", "11000000"])
def test_flat_gemeinden_of_berlin_as_one_row(tmp_path, kreis):
    path = write(tmp_path, "12411-gemeinden_flat.csv", FLAT_GEMEINDEN)
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.ok
    assert totals(result.frame) == {"11000000": 3000000.0}
    assert len(result.frame) == 1
    if kreis == "11":  # the prefix 11 finds the Bezirke too: they are left out, and the report says so
        assert "3 Bezirke" in bezirke_info(result)


@pytest.mark.parametrize("kreis, expected", [("11001", {"11001001": 1000000.0}),
                                             ("11001001", {"11001001": 1000000.0}),
                                             ("11003", {"11003003": 1200000.0})])
def test_a_bezirk_key_keeps_that_bezirk(tmp_path, kreis, expected):
    path = write(tmp_path, "12411-gemeinden_flat.csv", FLAT_GEMEINDEN)
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.ok
    assert totals(result.frame) == expected
    assert not any("Bezirke sind ausgelassen" in i for i in result.report.infos)


def test_bezirke_without_the_whole_city_are_kept(tmp_path):
    path = write(tmp_path, "12411-bezirke_flat.csv", flat_gemeinden(BERLIN_BEZIRKE))
    for kreis in (None, "11"):
        result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
        assert totals(result.frame) == {"11001001": 1000000.0, "11002002": 800000.0, "11003003": 1200000.0}
        assert result.frame["anzahl"].sum() == 3000000.0
        assert not any("Bezirke sind ausgelassen" in i for i in result.report.infos)


def test_nationwide_regionalatlas_indicators_keep_berlin_once(tmp_path):
    path = write(tmp_path, "AI-N-01-2-5_flat.csv", REGIONALATLAS)
    result = amtlich.read_amtlich(path, "indikatoren")
    assert result.ok
    werte = {str(r.raum_id): r.wert for r in result.frame.itertuples()}
    assert set(werte) == {"02000000", "08317001", "08317005", "11000000"}
    assert werte["11000000"] == 70.1 and werte["02000000"] == 59.4
    assert "2 Bezirke (11001001 Berlin-Mitte … 11002002 Berlin-Friedrichshain-Kreuzberg)" in bezirke_info(result)
    for kreis in ("11", "11002"):
        werte = {str(r.raum_id): r.wert for r in amtlich.read_amtlich(path, "indikatoren", kreis=kreis).frame.itertuples()}
        assert werte == ({"11000000": 70.1} if kreis == "11" else {"11002002": 93.8})


def test_classic_gemeinden_with_bezirke_checked_by_the_land_row(tmp_path):
    """A classic table of Gemeinden with Berlin as Land row, whole city and Bezirke: the Land row checks the
    whole city alone (a sum with the Bezirke would be twice the Land row and raise a false warning)."""
    text = GEMEINDEN.replace("11;  Berlin;3456789;1700000;1756789\n",
                             "11;  Berlin;3456789;1700000;1756789\n"
                             "11000000;    Berlin, Stadt;3456789;1700000;1756789\n"
                             "11001001;      Berlin-Mitte;1456789;700000;756789\n"
                             "11002002;      Berlin-Friedrichshain-Kreuzberg;2000000;1000000;1000000\n")
    path = write(tmp_path, "12411-01-01-5_bezirke.csv", text)
    for kreis, expected in ((None, BERLIN), ("11", BERLIN), ("11000", BERLIN), ("11002", 2000000.0)):
        result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
        assert result.ok, kreis
        berlin = {k: v for k, v in totals(result.frame).items() if k.startswith("11")}
        assert sum(berlin.values()) == expected, kreis
        assert all("weicht" not in p.meldung for p in result.report.warnings), kreis
    nationwide = amtlich.read_amtlich(path, "bevoelkerung")
    assert totals(nationwide.frame)["11000000"] == BERLIN and "11001001" not in totals(nationwide.frame)
    assert nationwide.frame["anzahl"].sum() == 5309634.0  # = the row Deutschland, Berlin once
    assert "2 Bezirke" in bezirke_info(nationwide)


REAL_ATLAS = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "genesis_flat" / "AI-N-01-2-5_de_flat.csv"


@pytest.mark.skipif(not REAL_ATLAS.exists(), reason="the real Regionalatlas export is not beside the project")
def test_real_regionalatlas_export_keeps_berlin_once():
    result = amtlich.read_amtlich(REAL_ATLAS, "indikatoren")
    ids = set(result.frame["raum_id"].astype(str))
    assert {i for i in ids if i[:2] in ("02", "11")} == {"02000000", "11000000"}
    assert "12 Bezirke (11001001 Berlin-Mitte … 11012012 Berlin-Reinickendorf)" in bezirke_info(result)
    land = amtlich.read_amtlich(REAL_ATLAS, "indikatoren", kreis="11")
    assert set(land.frame["raum_id"].astype(str)) == {"11000000"} and len(land.frame) == 2
    assert kreisname_aus_amtlich(REAL_ATLAS, "11000") == "Berlin"
