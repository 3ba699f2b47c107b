"""Dynamik beside Status (issue 17, point 1), worked by hand on four areas over three years.

Indicator X (a share in %, more is more need), areas A–D:

======  =====  =====  =====
area    2020   2021   2022
======  =====  =====  =====
A       10     12     16
B       12     12     12
C       10      9      8
D        8      7      4
======  =====  =====  =====

Status 2022: X − 10 = 6, 2, −2, −6; population sd √20 → z = 6/√20 … = 1,342 0,447 −0,447 −1,342
(hoch, erhöht, durchschnittlich, niedrig). Change 2020→2022 in percentage points: 6, 0, −2, −4; mean 0,
sd √14 → 1,604 0 −0,535 −1,069: A negativ, B stabil, C stabil, D positiv. Groups: A 1 (status above the
mean, negative dynamics), B 2, C 4, D 4.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.bedarfsindex import compute_bedarfsindex
from sozialraum_analytics.dynamik import (
    GRUPPEN,
    compute_dynamik,
    gruppe,
    ist_veraenderung,
    klassenwechsel,
    status_und_dynamik,
    veraenderungsindikatoren,
    zeitraum,
)

X = {"A": (10, 12, 16), "B": (12, 12, 12), "C": (10, 9, 8), "D": (8, 7, 4)}
JAHRE = (2020, 2021, 2022)
EINWOHNER = pd.Series({"A": 1000, "B": 800, "C": 1200, "D": 500})


def long(werte: dict[str, tuple], indikator: str = "x", richtung: str = "hoch") -> pd.DataFrame:
    return pd.DataFrame([{"jahr": j, "raum_id": r, "indikator": indikator, "wert": float(w), "richtung": richtung}
                         for r, reihe in werte.items() for j, w in zip(JAHRE, reihe) if w is not None])


def werte_von(frame: pd.DataFrame, spalte: str) -> list:
    return frame.set_index("raum_id").loc[["A", "B", "C", "D"], spalte].tolist()


def test_one_indicator_by_hand() -> None:
    dyn = compute_dynamik(long(X), EINWOHNER, 2022)
    assert (dyn.jahr, dyn.basisjahr) == (2022, 2020)
    assert werte_von(dyn.werte, "d_x") == [6.0, 0.0, -2.0, -4.0]  # percentage points
    erwartet = np.array([6, 0, -2, -4]) / math.sqrt(14)  # z of the change; standardised again: unchanged
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), erwartet, rtol=1e-12)
    assert werte_von(dyn.werte, "dynamik") == ["negativ", "stabil", "stabil", "positiv"]
    assert dyn.ausgeschlossen == ()


def test_the_sign_turns_where_less_means_more_need() -> None:
    """Y (an employment rate: less is more need) falls in A by 3 points and rises in D by 3."""
    y = {"A": (50, 49, 47), "B": (50, 50, 50), "C": (50, 50, 50), "D": (50, 51, 53)}
    dyn = compute_dynamik(pd.concat([long(X), long(y, "y", "niedrig")]), EINWOHNER, 2022)
    dz_x = np.array([6, 0, -2, -4]) / math.sqrt(14)
    dz_y = -np.array([-3, 0, 0, 3]) / math.sqrt(18 / 4)  # sign turned: A's fall is more need
    np.testing.assert_allclose(werte_von(dyn.werte, "dz_y"), dz_y, rtol=1e-12)
    mittel = (dz_x + dz_y) / 2  # A 1,509  B 0  C −0,267  D −1,242 (mean 0)
    erwartet = mittel / math.sqrt((mittel ** 2).mean())
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), erwartet, rtol=1e-12)
    np.testing.assert_allclose(erwartet, [1.5301, 0.0, -0.2711, -1.2591], atol=1e-4)
    assert werte_von(dyn.werte, "dynamik") == ["negativ", "stabil", "stabil", "positiv"]


def test_weights_as_for_the_status() -> None:
    y = {"A": (50, 49, 47), "B": (50, 50, 50), "C": (50, 50, 50), "D": (50, 51, 53)}
    nur_x = compute_dynamik(pd.concat([long(X), long(y, "y", "niedrig")]), EINWOHNER, 2022, gewichte={"x": 1})
    np.testing.assert_allclose(werte_von(nur_x.werte, "dynamikindex"), np.array([6, 0, -2, -4]) / math.sqrt(14))
    assert "dz_y" not in nur_x.werte


def test_small_areas_and_missing_years_get_no_dynamics_and_do_not_count() -> None:
    """E has 200 inhabitants, F no value in 2020: neither enters the standardisation of A–D."""
    mehr = {**X, "E": (1, 50, 90), "F": (None, 10, 30)}
    dyn = compute_dynamik(long(mehr), pd.concat([EINWOHNER, pd.Series({"E": 200, "F": 900})]), 2022)
    assert dyn.ausgeschlossen == ("E", "F")
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), np.array([6, 0, -2, -4]) / math.sqrt(14))
    rest = dyn.werte.set_index("raum_id").loc[["E", "F"]]
    assert rest["dynamikindex"].isna().all() and rest["dynamik"].isna().all()


@pytest.mark.parametrize(("index", "dynamik", "erwartet"), [
    (1.3, "negativ", 1), (0.01, "negativ", 1), (0.5, "stabil", 2), (2.0, "positiv", 2),
    (0.0, "negativ", 3), (-1.5, "negativ", 3), (0.0, "stabil", 4), (-0.4, "positiv", 4),
    (float("nan"), "negativ", None), (0.5, None, None),
])
def test_the_four_groups(index: float, dynamik: str | None, erwartet: int | None) -> None:
    assert gruppe(index, dynamik) == erwartet


def test_status_and_dynamics_of_the_fixture() -> None:
    status = compute_bedarfsindex(long(X), EINWOHNER, 2022).werte
    np.testing.assert_allclose(werte_von(status, "bedarfsindex"), np.array([6, 2, -2, -6]) / math.sqrt(20))
    tabelle = status_und_dynamik(status, compute_dynamik(long(X), EINWOHNER, 2022))
    assert werte_von(tabelle, "gruppe") == [1, 2, 4, 4]
    assert tabelle["raum_id"].tolist() == ["A", "B", "C", "D"]  # attention first, then by status
    assert tabelle.loc[0, "gruppe_text"] == GRUPPEN[1] == "besonderer Aufmerksamkeitsbedarf"


def test_class_changes_name_the_last_change_and_its_year() -> None:
    klassen = pd.DataFrame({
        "raum_id": ["A"] * 3 + ["B"] * 3 + ["C"] * 3 + ["D"] * 3,
        "jahr": list(JAHRE) * 4,
        "klasse": ["erhöht", "hoch", "hoch",  # A: since 2021
                   "hoch", "hoch", "hoch",  # B: never changed
                   "niedrig", "durchschnittlich", "niedrig",  # C: back again in 2022
                   "erhöht", None, "hoch"],  # D: 2021 without class: the change counts from 2020's class
    })
    wechsel = klassenwechsel(klassen).set_index("raum_id")
    assert sorted(wechsel.index) == ["A", "C", "D"]
    assert wechsel.loc["A", "text"] == "von erhöht nach hoch seit 2021"
    assert wechsel.loc["C", "text"] == "von durchschnittlich nach niedrig seit 2022"
    assert (wechsel.loc["D", "von"], wechsel.loc["D", "nach"], wechsel.loc["D", "seit"]) == ("erhöht", "hoch", 2022)


# --- given change indicators (a monitoring that publishes the changes itself) -----------------------
@pytest.mark.parametrize(("indikator", "einheit", "erwartet"), [
    ("Veränderung SGB-II-Quote 2020–2022 in Prozentpunkten", "%", True),  # the name says it
    ("Veraenderung Arbeitslose", None, True), ("Änderung Anteil Alleinerziehender", None, True),
    ("Verä. des Anteils der Kinder u. 15 J.", None, True), ("Dynamik 4", None, True),
    ("sgb2_quote", "Prozentpunkte", True), ("sgb2_quote", "%-Punkte", True), ("sgb2_quote", "%-Pkt.", True),
    ("sgb2_quote", "pp", True), ("sgb2_quote", "Pp.", True),  # the unit says it: a level is never in points
    ("sgb2_quote", "%", False), ("Arbeitslosenquote", None, False), ("Wanderungsvolumen", "%", False),
    ("Entwicklungsindex", None, False), ("wohnflaeche", "m²", False),
])
def test_a_given_change_is_recognised_by_its_unit_or_name(indikator: str, einheit: str | None, erwartet: bool) -> None:
    assert ist_veraenderung(indikator, einheit) is erwartet


def test_berlins_d_columns_are_changes_beside_its_s_columns_only() -> None:
    berlin = pd.DataFrame({"indikator": ["S1", "S2", "D1", "D2"]})
    assert veraenderungsindikatoren(berlin) == ("D1", "D2")
    assert veraenderungsindikatoren(pd.DataFrame({"indikator": ["D1", "x"]})) == ()  # no S columns: D1 is a level


@pytest.mark.parametrize(("name", "erwartet"), [
    ("Veränderung SGB-II-Quote 2020–2022", (2020, 2022)), ("Veränderung 2020-2022", (2020, 2022)),
    ("Veränderung 2021 bis 2023", (2021, 2023)), ("Arbeitslose vom 31.12.2016 zum 31.12.2018", (2016, 2018)),
    ("Dynamik 1", None), ("Veränderung 2022–2020", None),
])
def test_the_period_a_name_states(name: str, erwartet: tuple[int, int] | None) -> None:
    assert zeitraum(name) == erwartet


# The given change G of X in percentage points, stated for 2022 (period 2020–2022) and deliberately *not* the
# difference of X's years: A −3, B 0, C 0, D +3. Mean 0, population sd √(18/4) = √4,5 = 2,121:
# z = −1,414, 0, 0, +1,414 → A positiv, B stabil, C stabil, D negativ (X differenced would say the opposite for
# A and D: 6, 0, −2, −4). Status 2022 from X alone: (6, 2, −2, −6)/√20 → A, B above the mean, C, D below.
# Groups: A 2 (high, positiv), B 2 (high, stabil), C 4 (low, stabil), D 3 (low, negativ: beobachten).
G = {"A": -3, "B": 0, "C": 0, "D": 3}
G_NAME = "Veränderung x 2020–2022"
G_INDEX = np.array([-3, 0, 0, 3]) / math.sqrt(4.5)


def mit_veraenderung(richtung: str = "hoch") -> pd.DataFrame:
    gegeben = pd.DataFrame([{"jahr": 2022, "raum_id": r, "indikator": G_NAME, "wert": float(w), "richtung": richtung,
                             "einheit": "Prozentpunkte"} for r, w in G.items()])
    return pd.concat([long(X).assign(einheit="%"), gegeben], ignore_index=True)


def test_given_changes_are_the_dynamics_and_are_not_differenced_again() -> None:
    tabelle = mit_veraenderung()
    assert veraenderungsindikatoren(tabelle) == (G_NAME,)
    dyn = compute_dynamik(tabelle, EINWOHNER, 2022, veraenderungen=(G_NAME,))
    assert dyn.gegeben == (G_NAME,) and (dyn.jahr, dyn.basisjahr) == (2022, 2020)
    assert werte_von(dyn.werte, f"d_{G_NAME}") == [-3.0, 0.0, 0.0, 3.0]  # as given, not X(2022) − X(2020)
    assert "d_x" not in dyn.werte
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), G_INDEX, rtol=1e-12)
    assert werte_von(dyn.werte, "dynamik") == ["positiv", "stabil", "stabil", "negativ"]
    # richtung "niedrig=bedarf" (say, a change of the employment rate): a rise is less need, the sign turns.
    umgekehrt = compute_dynamik(mit_veraenderung("niedrig"), EINWOHNER, 2022, veraenderungen=(G_NAME,))
    assert werte_von(umgekehrt.werte, "dynamik") == ["negativ", "stabil", "stabil", "positiv"]
    # Without a period in the name the usual two years; the status's weights do not silence a given change.
    ohne = compute_dynamik(tabelle.replace(G_NAME, "Dynamik 1"), EINWOHNER, 2022, gewichte={"x": 2.0},
                           veraenderungen=("Dynamik 1",))
    assert ohne.basisjahr == 2020 and ohne.gewichte == {"Dynamik 1": 1.0}
    np.testing.assert_allclose(werte_von(ohne.werte, "dynamikindex"), G_INDEX, rtol=1e-12)


def _ordner(tmp_path: Path, zeilen: list[str]) -> Path:
    (tmp_path / "indikatoren.csv").write_text("\n".join(["jahr;raum_id;indikator;wert;einheit;richtung", *zeilen])
                                              + "\n", encoding="utf-8")
    return tmp_path


def _dateizeilen() -> list[str]:
    zeilen = [f"{j};{r};x;{w};%;hoch=bedarf" for r, reihe in X.items() for j, w in zip(JAHRE, reihe)]
    return zeilen + [f"2022;{r};{G_NAME};{w};%-Punkte;hoch=bedarf" for r, w in G.items()]


def test_the_engine_keeps_given_changes_out_of_the_status_and_takes_them_as_the_dynamics(tmp_path: Path) -> None:
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kennzahlen import Engine

    engine = Engine(load_folder(_ordner(tmp_path, _dateizeilen())))
    assert engine.veraenderungsindikatoren == (G_NAME,)
    status = engine.bedarfsindex("planungsraum", 2022).set_index("area")
    np.testing.assert_allclose(status.loc[["A", "B", "C", "D"], "bedarfsindex"], np.array([6, 2, -2, -6]) / math.sqrt(20))
    assert f"z_{G_NAME}" not in status  # the change is no part of the status
    dyn = engine.dynamik("planungsraum", 2022)
    assert dyn.gegeben == (G_NAME,)
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), G_INDEX, rtol=1e-12)
    assert engine.dynamik("planungsraum", 2021) is None  # no given change in 2021, no status in 2019
    from sozialraum_analytics.uebersicht import dynamik_uebersicht

    uebersicht = dynamik_uebersicht(engine, "planungsraum", 2022)
    assert uebersicht.gegeben == (G_NAME,) and uebersicht.basisjahr == 2020
    assert uebersicht.gebiete.set_index("raum_id").loc[["A", "B", "C", "D"], "gruppe"].tolist() == [2, 2, 4, 3]


def test_a_berlin_monitoring_with_s_and_d_columns_gives_status_and_dynamics(tmp_path: Path) -> None:
    """A wide file as Berlin publishes it (ZEIT 202212, S1 a share, D1 its change in points), read through the one
    way in: S1 = X of 2022 makes the status, D1 = G the dynamics."""
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kennzahlen import Engine

    zeilen = ['"PLR_ID","PLR_NAME","EW","ZEIT","S1","D1"']
    zeilen += [f'"{r}","Gebiet {r}",{EINWOHNER[r]},202212,{X[r][2]},{G[r]}' for r in X]
    (tmp_path / "indikatoren.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    engine = Engine(load_folder(tmp_path))
    assert engine.veraenderungsindikatoren == ("D1",)
    status = engine.bedarfsindex("planungsraum", 2022).set_index("area")
    np.testing.assert_allclose(status.loc[["A", "B", "C", "D"], "bedarfsindex"], np.array([6, 2, -2, -6]) / math.sqrt(20))
    dyn = engine.dynamik("planungsraum", 2022)
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), G_INDEX, rtol=1e-12)
    assert werte_von(dyn.werte, "dynamik") == ["positiv", "stabil", "stabil", "negativ"]


@pytest.fixture(scope="module")
def demo_engine():
    from sozialraum_analytics.dataset import DEMO_DIR, load_folder
    from sozialraum_analytics.kennzahlen import Engine

    return Engine(load_folder(DEMO_DIR))


def test_the_engine_gives_the_dynamics_of_its_indicators(demo_engine) -> None:  # noqa: ANN001
    """The demo Kreis (indicators every year), Planungsraum level: the engine's dynamics equal compute_dynamik on
    the file's own values and the engine's population (the 300 rule); a year without indicators two years
    before has none."""
    engine = demo_engine
    ind = engine.indikatoren("planungsraum")
    jahre = sorted(set(ind["jahr"]))
    jahr = next((j for j in reversed(jahre) if j - 2 in jahre), None)
    assert jahr is not None, jahre
    dyn = engine.dynamik("planungsraum", jahr)
    einwohner = pd.Series(engine.cubes("planungsraum")["bevoelkerung_gesamt"][engine.jahre.index(jahr), :, 0],
                          index=engine.areas("planungsraum"))
    von_hand = compute_dynamik(ind.rename(columns={"area": "raum_id"}), einwohner, jahr)
    pd.testing.assert_frame_equal(dyn.werte, von_hand.werte)
    gegeben = dyn.werte["dynamikindex"].dropna()
    assert len(gegeben) >= 3
    assert abs(gegeben.mean()) < 1e-12 and abs(gegeben.std(ddof=0) - 1) < 1e-12  # standardised over the areas
    assert engine.dynamik("planungsraum", min(jahre)) is None


# --- the Übersicht page (AppTest) ---------------------------------------------------------------------
def test_the_uebersicht_shows_status_dynamics_groups_and_class_changes(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    """The fixture as an indicator file (no population: every area counts). Planning view: the Planungsräume
    A–D; public view: the same areas as Sozialräume (each Planungsraum its own), since it shows no Planungsräume."""
    from .test_pages import no_exception, open_page, texts

    zeilen = ["jahr;raum_id;indikator;wert;einheit;richtung"]
    zeilen += [f"{j};{r};x;{w};%;hoch=bedarf" for r, reihe in X.items() for j, w in zip(JAHRE, reihe)]
    (tmp_path / "indikatoren.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    at = open_page("pages/uebersicht.py", {"jahr": "2022"})
    _dynamik_der_fixture(at, "Planungsräume", "Planungsraum", ["A", "B", "C", "D"], no_exception, texts)
    (tmp_path / "zuordnung.csv").write_text("raum_id;name;sozialraum_id;sozialraum_name\n" + "".join(
        f"{r};Gebiet {r};S{r};Sozialraum {r}\n" for r in X), encoding="utf-8")
    at = open_page("pages/uebersicht.py", {"jahr": "2022"}, angemeldet=False)
    _dynamik_der_fixture(at, "Sozialräume", "Sozialraum", ["SA", "SB", "SC", "SD"], no_exception, texts)


def _dynamik_der_fixture(at, plural: str, einzahl: str, ids: list[str], no_exception, texts) -> None:  # noqa: ANN001
    no_exception(at)
    assert f"Dynamik der {plural}: 2020 bis 2022" in texts(at)
    assert f"**1 {einzahl} mit besonderem Aufmerksamkeitsbedarf**" in texts(at)
    tabelle = next(e.value for e in at.dataframe if "Entwicklung" in e.value.columns)
    assert list(tabelle.index) == ids
    assert list(tabelle["Entwicklung"]) == ["negativ", "stabil", "stabil", "positiv"]
    assert list(tabelle["Gruppe"]) == [GRUPPEN[1], GRUPPEN[2], GRUPPEN[4], GRUPPEN[4]]
    # Status z by hand: 2020 (X − 10 = 0, 2, 0, −2; sd √2): 0, 1,414, 0, −1,414; 2021 (X − 10 = 2, 2, −1, −3; sd
    # √4,5): 0,943, 0,943, −0,471, −1,414; 2022 as above. A: durchschnittlich, erhöht, hoch; B: hoch, erhöht,
    # erhöht; C and D keep their class.
    assert list(tabelle["Klassenwechsel"]) == ["von erhöht nach hoch seit 2022", "von hoch nach erhöht seit 2021",
                                               "unverändert", "unverändert"]


def test_the_uebersicht_names_the_given_changes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The given change of the fixture above: groups 2, 2, 3, 4 (A, B, D, C: attention first, then by the status)."""
    from .test_pages import no_exception, open_page, texts

    monkeypatch.setenv("SOZIALRAUM_DATEN", str(_ordner(tmp_path, _dateizeilen())))
    at = open_page("pages/uebersicht.py", {"jahr": "2022"})
    no_exception(at)
    assert "Dynamik der Planungsräume: 2020 bis 2022" in texts(at)
    assert "die Veränderungsindikatoren der Datei (Veränderung x 2020–2022)" in texts(at).replace("\\", "")
    assert "Kein Planungsraum mit besonderem Aufmerksamkeitsbedarf" in texts(at)
    tabelle = next(e.value for e in at.dataframe if "Entwicklung" in e.value.columns)
    assert list(tabelle.index) == ["A", "B", "D", "C"]
    assert list(tabelle["Entwicklung"]) == ["positiv", "stabil", "negativ", "stabil"]
    assert list(tabelle["Gruppe"]) == [GRUPPEN[2], GRUPPEN[2], GRUPPEN[3], GRUPPEN[4]]


# --- the map: dynamics classes and the four groups ------------------------------------------------------
# The fixture A–D and a fifth area E with x only in 2021 (20) and 2022 (30): E has a status but no dynamics.
# Status 2022 over A–E: x = 16, 12, 8, 4, 30, mean 14, sd √80: z = 2, −2, −6, −10, 16 over √80 = +0,224 (A, erhöht),
# −0,224 (B), −0,671 (C), −1,118 (D, niedrig), +1,789 (E, hoch). Dynamics of A–D as above (E left out):
# (6, 0, −2, −4)/√14: A negativ (+1,604), B, C stabil, D positiv (−1,069). Groups: A 1 (above the mean, negativ),
# B, C, D 4; E none: "keine Angabe", never a class.
KARTE_STATUS = np.array([2, -2, -6, -10, 16]) / math.sqrt(80)
KARTE_DYNAMIK = np.array([6, 0, -2, -4]) / math.sqrt(14)


def _kartenordner(tmp_path: Path, mit_zuordnung: bool = False) -> Path:
    import json

    import shapely

    zeilen = ["jahr;raum_id;indikator;wert;einheit;richtung"]
    zeilen += [f"{j};{r};x;{w};%;hoch=bedarf" for r, reihe in X.items() for j, w in zip(JAHRE, reihe)]
    zeilen += ["2021;E;x;20;%;hoch=bedarf", "2022;E;x;30;%;hoch=bedarf"]
    (tmp_path / "indikatoren.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    namen = {"A": "Adorf", "B": "Bedorf", "C": "Cedorf", "D": "Dedorf", "E": "<img src=x onerror=alert(1)>"}
    features = [{"type": "Feature", "properties": {"raum_id": r, "name": namen[r]},
                 "geometry": shapely.geometry.mapping(shapely.box(8 + i * 0.05, 48, 8.05 + i * 0.05, 48.05))}
                for i, r in enumerate(namen)]
    (tmp_path / "gebiete.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                              encoding="utf-8")
    if mit_zuordnung:  # each Planungsraum its own Sozialraum (the public view shows no Planungsräume)
        (tmp_path / "zuordnung.csv").write_text("raum_id;name;sozialraum_id;sozialraum_name\n" + "".join(
            f"{r};{n};{r};{n}\n" for r, n in namen.items()), encoding="utf-8")
    return tmp_path


def test_the_map_values_of_dynamics_and_groups(tmp_path: Path) -> None:
    import json

    from sozialraum_analytics import karte as kb
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.dynamik import KEINE_ANGABE
    from sozialraum_analytics.kartenwerte import gebietswerte, jahre_mit_werten, merkmale
    from sozialraum_analytics.kennzahlen import Engine

    dataset = load_folder(_kartenordner(tmp_path))
    engine = Engine(dataset)
    katalog = merkmale(engine)
    assert {"dynamik", "status_dynamik"} <= set(katalog) and "status_dynamik" not in merkmale(engine, kategorien=False)
    assert jahre_mit_werten(engine, katalog["dynamik"], "planungsraum") == [2022]  # 2020, 2021 have no year before
    dynamik = gebietswerte(engine, katalog["dynamik"], "planungsraum", 2022)
    werte = dynamik.werte.set_index("raum_id")
    np.testing.assert_allclose(werte.loc[["A", "B", "C", "D"], "wert"], KARTE_DYNAMIK, rtol=1e-12)
    assert pd.isna(werte.at["E", "wert"]) and pd.isna(werte.at["E", "kategorie"])
    assert werte["kategorie"].tolist()[:4] == ["negativ", "stabil", "stabil", "positiv"]
    assert werte["rang"].tolist()[:4] == [1, 2, 3, 4] and dynamik.kreiswert == 0.0
    np.testing.assert_allclose(werte["bedarfsindex"], KARTE_STATUS, rtol=1e-12)
    assert werte.at["E", "bedarfsklasse"] == "hoch" and werte.at["D", "bedarfsklasse"] == "niedrig"
    gruppen = gebietswerte(engine, katalog["status_dynamik"], "planungsraum", 2022).werte.set_index("raum_id")
    assert gruppen["wert"].tolist()[:4] == [1.0, 4.0, 4.0, 4.0] and pd.isna(gruppen.at["E", "wert"])
    assert gruppen["kategorie"].tolist()[:4] == [GRUPPEN[1], GRUPPEN[4], GRUPPEN[4], GRUPPEN[4]]
    assert gruppen["rang"].isna().all()  # a group is no rank

    flaechen = kb.anzeige_geometrie(dataset.gebiete[["raum_id", "name", "geometry"]])
    bild = kb.wertekarte(flaechen, dynamik, kb.DYNAMIKKLASSEN)
    daten = bild.daten.set_index("raum_id")
    assert daten["farbe"].tolist() == [kb.DYNAMIK_FARBEN["negativ"], kb.DYNAMIK_FARBEN["stabil"],
                                       kb.DYNAMIK_FARBEN["stabil"], kb.DYNAMIK_FARBEN["positiv"], kb.OHNE_WERT]
    assert daten.at["E", "klasse"] == KEINE_ANGABE and kb.OHNE_WERT not in kb.DYNAMIK_FARBEN.values()
    assert [(label, n) for _, label, n in bild.legende.klassen] == [
        ("positiv (unter −1)", 1), ("stabil (−1 bis +1)", 2), ("negativ (über +1)", 1)]
    assert (bild.legende.ohne_wert, bild.legende.ohne_wert_text) == (1, KEINE_ANGABE)
    legende = kb.legende_html(bild.legende)
    assert KEINE_ANGABE in legende and "kein Wert" not in legende
    html = bild.karte.get_root().render()

    def im_html(text: str) -> bool:  # the tooltips stand in the map's JSON (umlauts as \u00f6)
        return json.dumps(text)[1:-1] in html

    assert im_html("Dynamikindex: +1,60") and im_html("Entwicklung: negativ") and im_html("Bedarfsindex: +0,22 (erhöht)")
    assert im_html(f"Dynamik: {KEINE_ANGABE}") and im_html("Bedarfsindex: +1,79 (hoch)")
    assert "<img" not in html and "\\u003cimg" not in html  # the name of E only escaped
    assert "https://" not in html and "/app/static/leaflet/leaflet.js" in html  # offline, Leaflet from the app

    gruppenbild = kb.wertekarte(flaechen, gebietswerte(engine, katalog["status_dynamik"], "planungsraum", 2022))
    assert gruppenbild.daten["farbe"].tolist() == [kb.GRUPPEN_FARBEN[1]] + [kb.GRUPPEN_FARBEN[4]] * 3 + [kb.OHNE_WERT]
    assert [(label, n) for _, label, n in gruppenbild.legende.klassen] == [
        (f"1 {GRUPPEN[1]}", 1), (f"2 {GRUPPEN[2]}", 0), (f"3 {GRUPPEN[3]}", 0), (f"4 {GRUPPEN[4]}", 3)]
    assert gruppenbild.legende.ohne_wert == 1 and gruppenbild.legende.ohne_wert_text == KEINE_ANGABE
    # The static map (PNG, slides) names the group, "–" for E, and says "keine Angabe" in its legend.
    statisch = kb.statische_karte(flaechen, gruppenbild, "Status und Dynamik 2022")
    texte = [a.text for a in statisch.layout.annotations]
    assert [t.rsplit("<b>", 1)[1].removesuffix("</b>") for t in texte] == ["1", "4", "4", "4", "–"]
    assert any(KEINE_ANGABE in (t.name or "") for t in statisch.data)
    # Another class scheme of the dynamics index stays a numeric map: E is still "keine Angabe", not "kein Wert".
    quantile = kb.wertekarte(flaechen, dynamik, "quantile", 3)
    assert quantile.legende.ohne_wert_text == KEINE_ANGABE and quantile.daten["farbe"].iloc[-1] == kb.OHNE_WERT


@pytest.mark.parametrize("angemeldet", [True, False])
def test_the_karte_page_shows_dynamics_and_groups_in_both_views(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                angemeldet: bool) -> None:
    """Planning view: Planungsräume A–E; public view: the same areas as Sozialräume. The same classes in both."""
    from sozialraum_analytics.dynamik import KEINE_ANGABE

    from .test_pages import no_exception, open_page, texts
    from .test_pages_karte import html_blocks

    monkeypatch.setenv("SOZIALRAUM_DATEN", str(_kartenordner(tmp_path, mit_zuordnung=not angemeldet)))
    ebene = {"ebene": "planungsraum"} if angemeldet else {}
    at = open_page("pages/karte.py", {"jahr": "2022", "kennzahl": "dynamik", **ebene}, angemeldet=angemeldet)
    no_exception(at)
    assert at.selectbox(key="w_kennzahl").value == "dynamik"
    legende = html_blocks(at)
    assert "Dynamikindex" in legende and "negativ (über +1)" in legende and KEINE_ANGABE in legende
    tabelle = at.dataframe[0].value
    assert list(tabelle["Gebiet"]) == ["Adorf", "Bedorf", "Cedorf", "Dedorf", "<img src=x onerror=alert(1)>"]
    assert list(tabelle["Entwicklung"]) == ["negativ", "stabil", "stabil", "positiv", KEINE_ANGABE]
    assert "Dynamikindex · 2022" in texts(at)
    at = open_page("pages/karte.py", {"jahr": "2022", "kennzahl": "status_dynamik", **ebene}, angemeldet=angemeldet)
    no_exception(at)
    assert at.radio(key="karte_darstellung").disabled and at.radio(key="karte_darstellung").value == "wert"
    assert f"1 {GRUPPEN[1]}" in html_blocks(at)
    tabelle = at.dataframe[0].value
    assert list(tabelle["Gruppe"])[:4] == [GRUPPEN[1], GRUPPEN[4], GRUPPEN[4], GRUPPEN[4]]
    assert list(tabelle["Gebiet"])[:4] == ["Adorf", "Bedorf", "Cedorf", "Dedorf"]
    # The groups are no ranking: the Vergleich page offers the dynamics index, not the groups.
    at.switch_page("pages/vergleich.py")
    at.run()
    no_exception(at)
    optionen = at.selectbox(key="w_kennzahl").options
    assert "Dynamikindex" in optionen and "Status und Dynamik" not in optionen


# --- the committee report: tables, slides, PDF, workbook --------------------------------------------------
# The fixture A–D as Sozialräume Adorf … Dedorf (each of one Planungsraum) with the populations of EINWOHNER, and a
# fifth Sozialraum Eckdorf of 200 inhabitants: under 300, it gets neither status nor dynamics in any view (its x is
# extreme on purpose: were it counted, every value above would change). A–D as worked out at the top: Adorf hoch
# (+1,34) and negativ (+1,60): besondere Aufmerksamkeit; Bedorf erhöht (+0,45), stabil (0,00): hoher Bedarf; Cedorf
# durchschnittlich (−0,45), stabil (−0,53) and Dedorf niedrig (−1,34), positiv (−1,07): unauffällig. Class changes
# as in the Übersicht test: Adorf "von erhöht nach hoch seit 2022", Bedorf "von hoch nach erhöht seit 2021".
BERICHT_NAMEN = {"A": "Adorf", "B": "Bedorf", "C": "Cedorf", "D": "Dedorf", "E": "Eckdorf"}


def _berichtsordner(tmp_path: Path) -> Path:
    import json

    import shapely

    zeilen = ["jahr;raum_id;indikator;wert;einheit;richtung"]
    zeilen += [f"{j};{r};x;{w};%;hoch=bedarf" for r, reihe in {**X, "E": (1, 50, 90)}.items()
               for j, w in zip(JAHRE, reihe)]
    (tmp_path / "indikatoren.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    einwohner = {**EINWOHNER.to_dict(), "E": 200}
    (tmp_path / "bevoelkerung.csv").write_text("jahr;raum_id;altersgruppe;anzahl\n" + "".join(
        f"{j};{r};{gruppe};{n // 2}\n" for j in JAHRE for r, n in einwohner.items()
        for gruppe in ("unter 21", "21 und älter")), encoding="utf-8")
    (tmp_path / "zuordnung.csv").write_text("raum_id;name;sozialraum_id;sozialraum_name\n" + "".join(
        f"{r};{n};S{r};{n}\n" for r, n in BERICHT_NAMEN.items()), encoding="utf-8")
    (tmp_path / "faelle.csv").write_text("fall_id;raum_id;hilfeart;beginn;ende\n" + "".join(
        f"{i};{r};§ 34;01.03.2020;\n" for i, r in enumerate("AABBCCDDE")), encoding="utf-8")
    features = [{"type": "Feature", "properties": {"raum_id": r, "name": n},
                 "geometry": shapely.geometry.mapping(shapely.box(8 + i * 0.05, 48, 8.05 + i * 0.05, 48.05))}
                for i, (r, n) in enumerate(BERICHT_NAMEN.items())]
    (tmp_path / "gebiete.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                              encoding="utf-8")
    return tmp_path


BERICHT_ZEILEN = [["Adorf", "1,34", "hoch", "1,60", "negativ", "besondere Aufmerksamkeit"],
                  ["Bedorf", "0,45", "erhöht", "0,00", "stabil", "hoher Bedarf"],
                  ["Cedorf", "-0,45", "durchschnittlich", "-0,53", "stabil", "unauffällig"],
                  ["Dedorf", "-1,34", "niedrig", "-1,07", "positiv", "unauffällig"],
                  ["Eckdorf", "–", "–", "–", "keine Angabe", "–"]]
WECHSEL_ZEILEN = [["Adorf", "hoch", "von erhöht nach hoch seit 2022"],
                  ["Bedorf", "erhöht", "von hoch nach erhöht seit 2021"],
                  ["Cedorf", "durchschnittlich", "unverändert"], ["Dedorf", "niedrig", "unverändert"]]


@pytest.mark.parametrize("oeffentlich", [True, False])
def test_the_committee_report_has_the_groups_each_sozialraum_and_the_class_changes(tmp_path: Path,
                                                                                    oeffentlich: bool) -> None:
    import datetime as dt
    import io

    from openpyxl import load_workbook
    from pptx import Presentation
    from pypdf import PdfReader

    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import bericht, folien, tabellen_text
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kennzahlen import Engine
    from sozialraum_analytics.oeffentlich import Schutz

    engine = Engine(load_folder(_berichtsordner(tmp_path)), schutz=Schutz() if oeffentlich else None)
    report = bericht(engine, 2022, datum=dt.date(2026, 12, 2))
    gruppen, raeume, wechsel = report.dynamik
    assert report.dynamik_zeitraum == "2020–2022" and "karte_dynamik" in report.figuren
    assert tabellen_text(gruppen) == [["Gruppe", "Sozialräume", "Anzahl"],
                                      [f"1 {GRUPPEN[1]}", "Adorf", "1 Sozialraum"],
                                      [f"2 {GRUPPEN[2]}", "Bedorf", "1 Sozialraum"], [f"3 {GRUPPEN[3]}", "–", "keiner"],
                                      [f"4 {GRUPPEN[4]}", "Cedorf, Dedorf", "2 Sozialräume"]]
    assert "Keine Angabe (zu wenige Einwohner oder Daten): Eckdorf." in gruppen.hinweis
    assert tabellen_text(raeume)[1:] == BERICHT_ZEILEN
    assert tabellen_text(wechsel) == [["Sozialraum", "Bedarfsklasse 2022", "Klassenwechsel"], *WECHSEL_ZEILEN]
    titel = [f.titel for f in folien(report)]
    assert titel[-4:] == ["Karte: Status und Dynamik 2020–2022", "Vier Gruppen aus Status und Dynamik 2020–2022",
                          "Status und Dynamik je Sozialraum 2020–2022", "Wechsel der Bedarfsklasse bis 2022"]
    # The deck: the same rows in its tables (no images here: the demo's deck test draws them).
    deck = Presentation(io.BytesIO(export.pptx(report, {})))
    tabellen = {s.shapes.title.text: [[c.text for c in row.cells] for row in sh.table.rows]
                for s in deck.slides for sh in s.shapes if sh.has_table}
    assert tabellen["Status und Dynamik je Sozialraum 2020–2022"][1:] == BERICHT_ZEILEN
    assert tabellen["Wechsel der Bedarfsklasse bis 2022"][1:] == WECHSEL_ZEILEN
    assert tabellen["Vier Gruppen aus Status und Dynamik 2020–2022"][1] == [f"1 {GRUPPEN[1]}", "Adorf", "1 Sozialraum"]
    # The PDF: one page per slide, the rows as text.
    seiten = [p.extract_text() for p in PdfReader(io.BytesIO(export.pdf(report, {}))).pages]
    seite = next(s for s in seiten if s.startswith("Status und Dynamik je Sozialraum"))
    for zeile in BERICHT_ZEILEN[:4]:
        assert " ".join(zeile) in " ".join(seite.split()), zeile
    assert "von erhöht nach hoch seit 2022" in next(s for s in seiten if s.startswith("Wechsel der Bedarfsklasse"))
    # The workbook: a sheet per table, numbers as numbers.
    wb = load_workbook(io.BytesIO(export.xlsx(report)))
    blaetter = {ws["A1"].value: list(ws.iter_rows(min_row=2, values_only=True)) for ws in wb.worksheets[1:]}
    zeilen = blaetter["Status und Dynamik je Sozialraum 2020–2022"]
    assert zeilen[0] == ("Sozialraum", "Bedarfsindex", "Bedarfsklasse", "Dynamik", "Entwicklung", "Gruppe")
    assert zeilen[1][:3] == ("Adorf", pytest.approx(6 / math.sqrt(20), abs=0.005), "hoch")
    assert zeilen[1][3] == pytest.approx(6 / math.sqrt(14), abs=0.005)
    assert zeilen[5][:2] == ("Eckdorf", None)  # under 300 inhabitants: no index, in either view
    assert blaetter["Wechsel der Bedarfsklasse bis 2022"][1] == ("Adorf", "hoch", "von erhöht nach hoch seit 2022")
    # CSV: the same tables in German Excel format.
    text = export.csv(report).decode("utf-8-sig")
    assert "Adorf;1,34;hoch;1,6;negativ;besondere Aufmerksamkeit" in text


def test_an_area_under_300_in_the_base_year_gets_no_dynamics(tmp_path: Path) -> None:
    """F has 250 inhabitants in 2020 and 400 in 2021 and 2022: it has a status in 2022, but its change would rest on a
    value of a year under 300, so it gets no dynamics, and A–D keep theirs ((6, 0, −2, −4)/√14, F left out)."""
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kennzahlen import Engine

    zeilen = [f"{j};{r};x;{w};%;hoch=bedarf" for r, reihe in {**X, "F": (10, 10, 10)}.items()
              for j, w in zip(JAHRE, reihe)]
    einwohner = {j: {**EINWOHNER.to_dict(), "F": 250 if j == 2020 else 400} for j in JAHRE}
    (tmp_path / "bevoelkerung.csv").write_text("jahr;raum_id;altersgruppe;anzahl\n" + "".join(
        f"{j};{r};insgesamt;{n}\n" for j, werte in einwohner.items() for r, n in werte.items()), encoding="utf-8")
    engine = Engine(load_folder(_ordner(tmp_path, zeilen)))
    assert engine.bedarfsindex("planungsraum", 2022).set_index("area")["bedarfsindex"].notna().all()  # F included
    dyn = engine.dynamik("planungsraum", 2022)
    assert "F" in dyn.ausgeschlossen and pd.isna(dyn.werte.set_index("raum_id").at["F", "dynamikindex"])
    np.testing.assert_allclose(werte_von(dyn.werte, "dynamikindex"), np.array([6, 0, -2, -4]) / math.sqrt(14))
