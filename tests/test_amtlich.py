"""Official statistics exports (GENESIS-Tabelle and flat ffcsv) read into the contract's tables.

Fixtures (tests/fixtures/amtlich, written for these tests, fictitious "Musterkreis" 08999):

Population 31.12.2015 by the 17 official age groups (Insgesamt; männlich = n // 2, weiblich = rest):
  08999001 Adorf, Stadt      100 110 150 200 120  80 250 300 310 290 280 350 400 380 330 500 450 = 4.600
  08999002 Bärental           30  30  40  55  35  20  45  50  60  60  65  80  90  85  75 110 120 = 1.050
  08999003 Cedorf             12  14  18  25  16   9  20  22  24  26  28  35  40  38  33  50  60 =   470
  08999971 Adorf, gemeindefreies Gebiet: every value "-"
  08999    Musterkreis (Kreis row) = the sum of its Gemeinden = 6.120
  08998001 Nachbardorf in 08998 Nachbarkreis: 5 in every group = 85; 089, 08, DG = 6.205
Worked by hand ("unter 21" = 0 bis unter 20 + 1/5 of 20 bis unter 25, as the engine interpolates):
  Adorf 760 + 250/5 = 810, Bärental 210 + 45/5 = 219, Cedorf 94 + 20/5 = 98; Musterkreis 1.064 + 315/5 = 1.127.
  18 bis unter 21: Musterkreis 109 + 315/5 = 172. Unter 18 is exact: Adorf 680, Bärental 190, Cedorf 85.

- 12411-02-03-5_musterkreis_utf8.csv / _cp1252_crlf.csv: wide, 7 title lines (Stichtag in line 7), 3 header rows
  (rows 8–10: sex / "Altersgruppen (…)" / age group), data rows 11 (DG) to 20 (08999971), footer with a date.
  Excel rows: 08999 = 16, Adorf = 17, Bärental = 18, Cedorf = 19. Column C = Insgesamt unter 3 Jahre,
  T = Insgesamt Insgesamt.
- 12411-03-03-4_musterkreis_lang.csv: long (age group as a row), Kreise, Nachbarkreis 08998 with ".", "/", "x",
  "..." and "-" in its first five age groups (all nine columns).
- 12411-01-01-4_musterkreis_latin1.csv: Kreise by sex only, Stichtag in a header row, ISO-8859-1.
- 22811-01-01-4_musterkreis.csv: indicator table, Stichtag as first column (2014, 2015), "Davon" and unit rows.
- 12411-02-03-5_musterkreis_flat.csv: ffcsv with GEMEIN, GES (Insgesamt and weiblich) and ALTX17.
- 12411-01-01-4_musterkreis_flat.csv: ffcsv with KREISE and GES, 31.12.2024; 08990 (aufgelöst) all "-".
- AI-N-01-2-5_musterkreis_flat.csv: ffcsv with GEMEIN only, two indicators, "-", "x", value_q "()".
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics import amtlich
from sozialraum_analytics.altersgruppen import DENOMINATORS, population_in_range
from sozialraum_analytics.readers import read_table

FIXTURES = Path(__file__).parent / "fixtures" / "amtlich"
WIDE = FIXTURES / "12411-02-03-5_musterkreis_utf8.csv"
WIDE_CP1252 = FIXTURES / "12411-02-03-5_musterkreis_cp1252_crlf.csv"
LONG = FIXTURES / "12411-03-03-4_musterkreis_lang.csv"
KREISE_LATIN1 = FIXTURES / "12411-01-01-4_musterkreis_latin1.csv"
SGB = FIXTURES / "22811-01-01-4_musterkreis.csv"
FLAT_ALTER = FIXTURES / "12411-02-03-5_musterkreis_flat.csv"
FLAT_GESCHLECHT = FIXTURES / "12411-01-01-4_musterkreis_flat.csv"
FLAT_INDIKATOREN = FIXTURES / "AI-N-01-2-5_musterkreis_flat.csv"
GEMEINDEN = {"08999001": 4600.0, "08999002": 1050.0, "08999003": 470.0}


def totals(frame: pd.DataFrame) -> dict[str, float]:
    return {str(k): float(v) for k, v in frame.groupby("raum_id", observed=True)["anzahl"].sum().items()}


def warnings_of(result) -> list[str]:
    return [p.text() for p in result.report.warnings]


def rewrite(tmp_path: Path, source: Path, old: str, new: str, count: int = 1) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return target


# --- recognising the formats ----------------------------------------------------------------

@pytest.mark.parametrize("path, fmt", [
    (WIDE, "genesis"), (WIDE_CP1252, "genesis"), (LONG, "genesis"), (KREISE_LATIN1, "genesis"), (SGB, "genesis"),
    (FLAT_ALTER, "flat"), (FLAT_GESCHLECHT, "flat"), (FLAT_INDIKATOREN, "flat"),
])
def test_official_files_are_recognised(path, fmt):
    assert amtlich.is_amtlich(path)
    assert amtlich.amtliches_format(path.read_bytes()) == fmt


@pytest.mark.parametrize("path, kind", [
    (WIDE, "bevoelkerung"), (LONG, "bevoelkerung"), (FLAT_GESCHLECHT, "bevoelkerung"),
    (SGB, "indikatoren"), (FLAT_INDIKATOREN, "indikatoren"), (FIXTURES.parent / "kleinkreis" / "bevoelkerung.csv", None),
])
def test_kind_of_an_official_file(path, kind):
    assert amtlich.amtliche_art(path) == kind


@pytest.mark.parametrize("content", [
    "jahr;raum_id;altersgruppe;anzahl\n2015;08999001;unter 3;100\n",
    "AGS;Altersgruppe;Einwohner\n08999001;unter 3;100\n08999002;unter 3;30\n",  # region codes first, but no footer
    "Jahr,AGS,Altersgruppe,Einwohner\n2022,08111001,unter 18,800\n",
])
def test_contract_files_are_not_official(tmp_path, content):
    path = tmp_path / "bevoelkerung.csv"
    path.write_text(content, encoding="utf-8")
    assert not amtlich.is_amtlich(path)
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert not result.ok and "keine amtliche Statistikdatei" in result.report.errors[0].meldung


# --- classic GENESIS-Tabelle: population -------------------------------------------------------

@pytest.mark.parametrize("path", [WIDE, WIDE_CP1252])
def test_wide_table_gives_gemeinden_of_the_kreis(path):
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    assert result.ok
    frame = result.frame
    assert totals(frame) == GEMEINDEN
    assert frame["anzahl"].sum() == 6120  # the Kreis row
    assert set(frame["jahr"]) == {2015}
    assert frame.groupby("raum_id", observed=True).size().eq(17).all()
    assert list(frame.loc[frame["raum_id"] == "08999001", "anzahl"].head(3)) == [100, 110, 150]
    assert "Bärental" not in frame.columns  # names are not data columns, the key is the code
    # The Kreis check passed: no warning other than the under-21 note and the empty area.
    assert len(warnings_of(result)) == 2
    assert any("08999 (Musterkreis, Landkreis): 4 Gebiete" in info for info in result.report.infos)


def test_both_encodings_give_the_same_table():
    utf8 = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    cp1252 = amtlich.read_amtlich(WIDE_CP1252, "bevoelkerung", kreis="08999").frame
    pd.testing.assert_frame_equal(utf8, cp1252)


def test_output_has_the_columns_and_types_of_read_table(tmp_path):
    """Written as a contract file and read by read_table, the table comes back identical."""
    frame = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    path = tmp_path / "bevoelkerung.csv"
    frame[["jahr", "raum_id", "altersgruppe", "anzahl"]].to_csv(path, sep=";", index=False)
    again = read_table(path, "bevoelkerung").frame
    assert list(frame.columns) == list(again.columns)
    pd.testing.assert_frame_equal(frame.drop(columns="zeile"), again.drop(columns="zeile"))


def test_gemeindefreies_gebiet_is_left_out_with_a_warning():
    result = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999")
    assert "08999971" not in set(result.frame["raum_id"].astype(str))
    problem = next(p for p in result.report.warnings if "08999971" in p.meldung)
    assert problem.zeile == 20 and "gemeindefreies Gebiet" in problem.meldung and "ausgelassen" in problem.meldung
    # "Adorf" twice: the Stadt keeps its own count, nothing of the gemeindefreie Gebiet is merged in.
    assert totals(result.frame)["08999001"] == 4600


def test_gemeindefreies_gebiet_kept_as_missing_with_reason():
    frame = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999", leere_gebiete=True).frame
    empty = frame[frame["raum_id"] == "08999971"]
    assert len(empty) == 17
    assert empty["anzahl"].isna().all()
    assert set(empty["anzahl_grund"]) == {"nichts vorhanden"}
    assert frame.loc[frame["raum_id"] != "08999971", "anzahl_grund"].isna().all()


@pytest.mark.parametrize("kreis, expected", [
    ("08999", ["08999001", "08999002", "08999003"]),
    ("8999", ["08999001", "08999002", "08999003"]),  # prefix typed without the leading zero
    ("08998", ["08998001"]),
    ("089", ["08998001", "08999001", "08999002", "08999003"]),
    (None, ["08998001", "08999001", "08999002", "08999003"]),
])
def test_prefix_keeps_only_gemeinden_below_it(kreis, expected):
    frame = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis=kreis).frame
    assert sorted(set(frame["raum_id"].astype(str))) == expected


def test_unknown_prefix_is_an_error():
    result = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="07111")
    assert not result.ok
    assert "Kein Gebiet mit dem Schlüssel 07111" in result.report.errors[0].meldung


def test_kreis_check_warns_when_a_gemeinde_count_changed(tmp_path):
    # Adorf (row 17), unter 3 Jahre: 100 -> 101; its own "Insgesamt" still says 4.600.
    path = rewrite(tmp_path, WIDE, "Adorf, Stadt;100;110", "Adorf, Stadt;101;110")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    assert result.ok  # a warning lets the user decide
    kreis = next(p for p in result.report.warnings if "weicht" in p.meldung)
    assert (kreis.zeile, kreis.wert) == (16, "142")
    assert kreis.spalte.startswith("C: ") and kreis.spalte.endswith("unter 3 Jahre")
    assert "Gebiete unter 08999 (Musterkreis, Landkreis)" in kreis.meldung
    assert "„unter 3 Jahre“: Summe 143 statt 142 (Differenz 1)" in kreis.meldung
    row = next(p for p in result.report.warnings if "Altersgruppen von 08999001" in p.meldung)
    assert (row.zeile, row.wert) == (17, "4600") and row.spalte.startswith("T: ")
    assert "ergeben 2015 zusammen 4.601, die Angabe „Insgesamt“ nennt 4.600" in row.meldung


def test_kreis_check_stays_quiet_when_sums_match():
    result = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999")
    assert not any("weicht" in w or "ergeben" in w for w in warnings_of(result))


# --- under 21 ---------------------------------------------------------------------------------

def test_under_21_warning_states_the_approximation():
    result = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999")
    message = next(w for w in warnings_of(result) if "unter 21" in w)
    assert ("unter 21 Jahre wird aus den amtlichen Altersgruppen geschätzt: 0 bis unter 20 Jahre vollständig plus 1/5 "
            "der Gruppe „20 bis unter 25 Jahre“") in message
    assert "2015, Summe der 3 Gebiete: 1.064 + 1/5 × 315 = 1.127,0" in message
    assert "18 bis unter 21 Jahre wird aus den amtlichen Altersgruppen geschätzt" in message
    assert "109 + 1/5 × 315 = 172,0" in message
    assert "0 bis unter 18" not in message  # 18 is a group limit: exact, no note


@pytest.mark.parametrize("raum_id, u21, u18, j18_21", [
    ("08999001", 810.0, 680.0, 130.0),
    ("08999002", 219.0, 190.0, 29.0),
    ("08999003", 98.0, 85.0, 13.0),
])
def test_engine_denominators_from_the_official_groups(raum_id, u21, u18, j18_21):
    frame = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    area = frame[frame["raum_id"] == raum_id]
    got = {key: population_in_range(area, DENOMINATORS[key]).iloc[0] for key in ("u21", "u18", "18_21")}
    assert (got["u21"]["anzahl"], got["u18"]["anzahl"], got["18_21"]["anzahl"]) == pytest.approx((u21, u18, j18_21))
    assert (bool(got["u21"]["exakt"]), bool(got["u18"]["exakt"]), bool(got["18_21"]["exakt"])) == (False, True, False)


def test_engine_u21_equals_the_figure_in_the_warning():
    frame = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    assert population_in_range(frame, DENOMINATORS["u21"])["anzahl"].sum() == pytest.approx(1127.0)


def test_under_21_is_not_guessed_without_age_groups():
    frame = amtlich.read_amtlich(KREISE_LATIN1, "bevoelkerung").frame
    u21 = population_in_range(frame, DENOMINATORS["u21"])
    gesamt = population_in_range(frame, DENOMINATORS["gesamt"])
    assert u21["anzahl"].isna().all()
    assert list(gesamt["anzahl"]) == [85.0, 6120.0]


# --- long layout and special values -----------------------------------------------------------------

def test_long_table_gives_the_same_groups_as_the_wide_one():
    long = amtlich.read_amtlich(LONG, "bevoelkerung", kreis="08999")
    assert long.ok
    assert totals(long.frame) == {"08999": 6120.0}
    wide = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    per_group = wide.groupby("altersgruppe", sort=False)["anzahl"].sum()
    assert list(long.frame["altersgruppe"]) == list(per_group.index)
    assert list(long.frame["anzahl"]) == list(per_group)


@pytest.mark.parametrize("altersgruppe, grund", [
    ("unter 3 Jahre", "unbekannt oder geheim"),   # .
    ("3 bis unter 6 Jahre", "nicht sicher genug"),  # /
    ("6 bis unter 10 Jahre", "gesperrt"),         # x
    ("10 bis unter 15 Jahre", "noch nicht verfügbar"),  # ...
    ("15 bis unter 18 Jahre", "nichts vorhanden"),  # -
    ("18 bis unter 20 Jahre", None),
])
def test_special_values_stay_missing_with_their_reason(altersgruppe, grund):
    frame = amtlich.read_amtlich(LONG, "bevoelkerung", kreis="08998").frame
    row = frame[frame["altersgruppe"] == altersgruppe].iloc[0]
    if grund is None:
        assert row["anzahl"] == 5 and pd.isna(row["anzahl_grund"])
    else:
        assert np.isnan(row["anzahl"]) and row["anzahl_grund"] == grund  # never 0


def test_special_values_make_sums_uncheckable_not_wrong():
    result = amtlich.read_amtlich(LONG, "bevoelkerung", kreis="089")
    assert result.ok
    assert totals(result.frame) == {"08998": 60.0, "08999": 6120.0}
    assert any("4 Summen ließen sich nicht prüfen" in info for info in result.report.infos)
    assert not any("weicht" in w for w in warnings_of(result))
    u21 = next(w for w in warnings_of(result) if "unter 21" in w)
    assert "Summe des einen Gebiets: 1.064 + 1/5 × 315 = 1.127,0 (ohne 08998: dort fehlen Werte)" in u21


# --- tables without age groups, Stichtag in different places ------------------------------------------

@pytest.mark.parametrize("path, kreis, expected, jahr", [
    (KREISE_LATIN1, None, {"08998": 85.0, "08999": 6120.0}, 2015),
    (KREISE_LATIN1, "08999", {"08999": 6120.0}, 2015),
    (FLAT_GESCHLECHT, None, {"08998": 90.0, "08999": 6301.0}, 2024),
    (FLAT_GESCHLECHT, "08999", {"08999": 6301.0}, 2024),
])
def test_total_population_without_age_groups(path, kreis, expected, jahr):
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis)
    assert result.ok
    frame = result.frame
    assert totals(frame) == expected
    assert set(frame["jahr"]) == {jahr}
    assert set(frame["altersgruppe"]) == {"0 Jahre und mehr"}
    assert (frame["alter_von"] == 0).all() and frame["alter_bis"].isna().all()
    assert any("keine Altersgruppen" in w and "unter 21" in w for w in warnings_of(result))


@pytest.mark.parametrize("kreis, expected", [
    (None, {"08998": 85.0, "08999": 6120.0}),
    ("08999", {"08999": 6120.0}),
])
def test_table_of_kreise_listing_some_gemeinden_keeps_its_level(tmp_path, kreis, expected):
    """Like 12411-01-01-4, which lists Hannover, Aachen and Saarbrücken beside the Kreise: the title's
    "regionale Tiefe: Kreise" decides the level, not the finest codes in the file."""
    text = KREISE_LATIN1.read_bytes().decode("latin-1")
    extra = "08999001;        Adorf, Stadt;4600;2300;2300\n08999002;        Bärental;1050;525;525\n"
    path = tmp_path / KREISE_LATIN1.name
    path.write_bytes(text.replace("__________", extra + "__________").encode("latin-1"))
    frame = amtlich.read_amtlich(path, "bevoelkerung", kreis=kreis).frame
    assert totals(frame) == expected


def test_defunct_kreis_with_only_dashes_is_left_out():
    result = amtlich.read_amtlich(FLAT_GESCHLECHT, "bevoelkerung")
    problem = next(p for p in result.report.warnings if "08990" in p.meldung)
    assert problem.zeile == 6 and "ausgelassen" in problem.meldung


@pytest.mark.parametrize("path, kind, kreis, jahre", [
    (WIDE, "bevoelkerung", "08999", {2015}),           # title line
    (KREISE_LATIN1, "bevoelkerung", "08999", {2015}),  # header row
    (SGB, "indikatoren", "08999", {2014, 2015}),        # first column, one row per year
    (FLAT_INDIKATOREN, "indikatoren", "08999", {2023}),  # time "2023"
])
def test_stichtag_found_where_the_table_has_it(path, kind, kreis, jahre):
    frame = amtlich.read_amtlich(path, kind, kreis=kreis).frame
    assert set(frame["jahr"]) == jahre


def test_stichtag_other_than_31_12_is_a_warning(tmp_path):
    path = rewrite(tmp_path, WIDE, "\n31.12.2015;", "\n30.06.2015;")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    assert result.ok and set(result.frame["jahr"]) == {2015}
    assert any("30.06.2015 ist nicht der 31.12." in w for w in warnings_of(result))


def test_region_codes_without_leading_zero(tmp_path):
    path = rewrite(tmp_path, WIDE, "\n08999001;", "\n8999001;")
    frame = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999").frame
    assert totals(frame)["08999001"] == 4600


# --- flat export ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kreis, expected", [
    ("08999", {"08999001": 4600.0, "08999002": 1050.0}),  # "Insgesamt" of sex, not "weiblich" (2.300 for Adorf)
    ("08998", {"08998001": 85.0}),
])
def test_flat_export_with_sex_and_age(kreis, expected):
    result = amtlich.read_amtlich(FLAT_ALTER, "bevoelkerung", kreis=kreis)
    assert result.ok
    assert totals(result.frame) == expected
    assert result.frame.groupby("raum_id", observed=True).size().eq(17).all()
    assert set(result.frame["jahr"]) == {2015}


def test_flat_export_matches_the_classic_table():
    flat = amtlich.read_amtlich(FLAT_ALTER, "bevoelkerung", kreis="08999").frame
    classic = amtlich.read_amtlich(WIDE, "bevoelkerung", kreis="08999").frame
    classic = classic[classic["raum_id"].isin(["08999001", "08999002"])]
    columns = ["raum_id", "altersgruppe", "anzahl", "alter_von", "alter_bis"]
    pd.testing.assert_frame_equal(flat[columns].astype({"raum_id": str}).reset_index(drop=True),
                                  classic[columns].astype({"raum_id": str}).reset_index(drop=True))


@pytest.mark.parametrize("raum_id, indikator, wert, grund", [
    ("08999001", "Anteil Siedlungs- und Verkehrsfläche an Gesamtfläche", 12.5, None),
    ("08999001", "Veränderung der Siedlungs- und Verkehrsfläche", -0.3, None),
    ("08999002", "Anteil Siedlungs- und Verkehrsfläche an Gesamtfläche", np.nan, "gesperrt"),
    ("08999003", "Anteil Siedlungs- und Verkehrsfläche an Gesamtfläche", 7.25, None),
    ("08999003", "Veränderung der Siedlungs- und Verkehrsfläche", np.nan, "nichts vorhanden"),
])
def test_flat_indicators(raum_id, indikator, wert, grund):
    frame = amtlich.read_amtlich(FLAT_INDIKATOREN, "indikatoren", kreis="08999").frame
    row = frame[(frame["raum_id"] == raum_id) & (frame["indikator"] == indikator)]
    assert len(row) == 1
    assert row["wert"].iloc[0] == pytest.approx(wert, nan_ok=True)
    if grund is None:
        assert pd.isna(row["wert_grund"].iloc[0])
    else:
        assert row["wert_grund"].iloc[0] == grund  # missing with its reason, never 0
    assert row["einheit"].iloc[0] == "Prozent"


def test_flat_indicators_prefix_and_quality_flag():
    result = amtlich.read_amtlich(FLAT_INDIKATOREN, "indikatoren", kreis="08999")
    assert sorted(set(result.frame["raum_id"].astype(str))) == ["08999001", "08999002", "08999003", "08999971"]
    assert len(result.frame) == 8
    assert any("Aussagewert eingeschränkt" in w and "Zeile 6" in w for w in warnings_of(result))


@pytest.mark.parametrize("path, kreis", [(FLAT_INDIKATOREN, "08999"), (SGB, "089")])
def test_indicator_output_has_the_columns_and_types_of_read_table(tmp_path, path, kreis):
    frame = amtlich.read_amtlich(path, "indikatoren", kreis=kreis).frame
    target = tmp_path / "indikatoren.csv"
    export = frame[["jahr", "raum_id", "indikator", "wert", "einheit"]].copy()
    export["wert"] = [("" if np.isnan(w) else f"{w}".replace(".", ",")) for w in frame["wert"]]
    export.loc[frame["wert_grund"].notna(), "wert"] = frame["wert_grund"].map(
        {"gesperrt": "x", "nichts vorhanden": "-", "unbekannt oder geheim": "."})
    export.to_csv(target, sep=";", index=False)
    again = read_table(target, "indikatoren").frame
    assert list(frame.columns) == list(again.columns)
    pd.testing.assert_frame_equal(frame.drop(columns="zeile"), again.drop(columns="zeile"))


@pytest.mark.parametrize("raum_id, jahr, indikator, wert", [
    ("08999", 2015, "Empfänger von sozialen Mindestsicherungsleistungen", 250.0),
    ("08999", 2014, "Gesamtregelleistung (ALG II/Sozialgeld) n.d.SGB II – zusammen", 166.0),  # "Davon" dropped
    ("08998", 2014, "Empfänger von sozialen Mindestsicherungsleistungen", 5.0),
])
def test_classic_indicator_table(raum_id, jahr, indikator, wert):
    result = amtlich.read_amtlich(SGB, "indikatoren", kreis="089")
    frame = result.frame
    row = frame[(frame["raum_id"] == raum_id) & (frame["jahr"] == jahr) & (frame["indikator"] == indikator)]
    assert list(row["wert"]) == [wert]
    assert set(frame["einheit"]) == {"Anzahl"}  # from the unit row
    assert "089" not in set(frame["raum_id"].astype(str))


def test_population_needs_an_insgesamt_column():
    result = amtlich.read_amtlich(SGB, "bevoelkerung", kreis="08999")
    assert not result.ok
    assert any("„Insgesamt“" in p.meldung for p in result.report.errors)
    assert any("keine Bevölkerungstabelle" in w for w in warnings_of(result))


# --- bad input: German messages with Excel row, column and value --------------------------------------------

@pytest.mark.parametrize("old, new, zeile, spalte, text", [
    ("Adorf, Stadt;100;", "Adorf, Stadt;1OO;", 17, "C: ", "„1OO“ ist keine Zahl, erwartet wird eine Anzahl Einwohner"),
    ("Bärental;30;30;", "Bärental;30,5;30;", 18, "C: ", "„30,5“ ist keine ganze Zahl"),
    ("Cedorf;12;", "Cedorf;;", 19, "C: ", "Die Zelle ist leer"),
    ("\n08999003;", "\n0899X003;", 19, "A", "„0899X003“ ist kein Regionalschlüssel"),
    (";30;237\n", ";237\n", 19, None, "Die Zeile hat 55 statt 56 Zellen"),
])
def test_classic_errors_name_row_and_column(tmp_path, old, new, zeile, spalte, text):
    path = rewrite(tmp_path, WIDE, old, new)
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    assert not result.ok and result.frame is None
    problem = next(p for p in result.report.errors if text in p.meldung)
    assert problem.zeile == zeile
    assert (problem.spalte is None) if spalte is None else problem.spalte.startswith(spalte)
    assert problem.datei == WIDE.name


def test_classic_without_stichtag(tmp_path):
    path = rewrite(tmp_path, WIDE, "\n31.12.2015;", "\nFortschreibung;")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    assert not result.ok
    assert "Kein Stichtag gefunden" in result.report.errors[0].meldung


def test_duplicate_rows_are_errors(tmp_path):
    text = WIDE.read_text(encoding="utf-8")
    adorf = next(line for line in text.splitlines() if line.startswith("08999001;"))
    path = tmp_path / WIDE.name
    path.write_text(text.replace(adorf, adorf + "\n" + adorf), encoding="utf-8")
    result = amtlich.read_amtlich(path, "bevoelkerung", kreis="08999")
    problem = result.report.errors[0]
    assert problem.zeile == 18 and "doppelt (schon in Zeile 17)" in problem.meldung


def test_classic_without_data_rows(tmp_path):
    path = tmp_path / "leer.csv"
    path.write_text("GENESIS-Tabelle: 12411-02-03-5\nBevölkerungsstand;;\n;;Insgesamt\n__________\nStand: 01.02.2025\n",
                    encoding="utf-8")
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert not result.ok and "Keine Datenzeilen gefunden" in result.report.errors[0].meldung


FLAT_HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
               "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label")
FLAT_ROW = "12411;Bevölkerung;STAG;Stichtag;2024-12-31;KREISE;Kreise;{code};Musterkreis;{value};Anzahl;BEVSTD;Bevölkerungsstand"


@pytest.mark.parametrize("lines, zeile, spalte, text", [
    ([FLAT_ROW.format(code="08999", value="6301"), FLAT_ROW.format(code="08998", value="9O")],
     3, "value", "„9O“ ist keine Zahl"),
    ([FLAT_ROW.format(code="08999", value="6301") + ";zuviel"], 2, None, "Die Zeile hat 14 statt 13 Zellen"),
    ([FLAT_ROW.format(code="08999", value="6301").replace("2024-12-31", "2024-13-31")], 2, "time", "ist kein Stichtag"),
])
def test_flat_errors_name_row_and_column(tmp_path, lines, zeile, spalte, text):
    path = tmp_path / "flat.csv"
    path.write_bytes(("\ufeff" + "\n".join([FLAT_HEADER] + lines) + "\n").encode("utf-8"))
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert not result.ok
    problem = next(p for p in result.report.errors if text in p.meldung)
    assert (problem.zeile, problem.spalte) == (zeile, spalte)


def test_flat_export_missing_columns(tmp_path):
    path = tmp_path / "flat.csv"
    header = FLAT_HEADER.replace(";value_unit", "")
    row = FLAT_ROW.format(code="08999", value="6301").replace(";Anzahl", "")
    path.write_text("\n".join([header, row]) + "\n", encoding="utf-8")
    result = amtlich.read_amtlich(path, "bevoelkerung")
    problem = result.report.errors[0]
    assert problem.zeile == 1 and "fehlen die Spalten value_unit" in problem.meldung


def test_flat_export_without_region_variable(tmp_path):
    path = tmp_path / "flat.csv"
    header = "statistics_code;statistics_label;time_code;time_label;time;value;value_unit;value_variable_code;value_variable_label"
    path.write_text(f"{header}\n12411;Bevölkerung;STAG;Stichtag;2024-12-31;83577140;Anzahl;BEVSTD;Bevölkerungsstand\n",
                    encoding="utf-8")
    result = amtlich.read_amtlich(path, "bevoelkerung")
    assert not result.ok and "keine Regionalvariable" in result.report.errors[0].meldung


@pytest.mark.parametrize("kind, kreis, text", [
    ("faelle", None, "nur bevoelkerung, bevoelkerungsprognose und indikatoren"),
    ("bevoelkerung", "Ortenau", "kein Gebietsschlüssel-Anfang"),
])
def test_wrong_arguments(kind, kreis, text):
    result = amtlich.read_amtlich(WIDE, kind, kreis=kreis)
    assert not result.ok and text in result.report.errors[0].meldung
