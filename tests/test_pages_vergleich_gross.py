"""The Vergleich page on a city of 1,100 Planungsräume (issue 14) and on few areas (AppTest).

Many areas: the ranking chart shows the top and the bottom and the areas searched for, the table all of
them; the trends one chart of a few chosen areas. Everything is keyed by raum_id: the two Planungsräume
named "Heerstraße" (in Bezirksregion 002 and 142) keep a bar, a row and a line each.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import write_grosse_stadt
from sozialraum_analytics import rangliste

from .test_pages import DEMO, KLEINKREIS, no_exception, open_page, texts

SEITE = "pages/vergleich.py"
HEERSTRASSE = {"11000011": "Heerstraße (Bezirksregion 002)", "11001091": "Heerstraße (Bezirksregion 142)"}
PLANUNG = {"jahr": "2023", "ebene": "planungsraum", "kennzahl": "eckwert:gesamt"}


@pytest.fixture(scope="module")
def stadt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The city of issue 14; the Planungsraum 11000500 has population (hence an Eckwert) for 2023 only."""
    ordner = write_grosse_stadt(tmp_path_factory.mktemp("grosse_stadt"))
    bevoelkerung = pd.read_csv(ordner / "bevoelkerung.csv", sep=";", dtype={"raum_id": str})
    bevoelkerung = bevoelkerung[(bevoelkerung["raum_id"] != "11000500") | (bevoelkerung["jahr"] == 2023)]
    bevoelkerung.to_csv(ordner / "bevoelkerung.csv", sep=";", index=False)
    return ordner


@pytest.fixture
def in_der_stadt(monkeypatch: pytest.MonkeyPatch, stadt: Path) -> Path:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(stadt))
    return stadt


@pytest.fixture(scope="module")
def eckwerte_2023(stadt: Path) -> pd.DataFrame:
    """The Eckwert of every Planungsraum in 2023, straight from the package (what the page must show)."""
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.kartenwerte import gebietswerte, merkmale
    from sozialraum_analytics.kennzahlen import Engine

    engine = Engine(load_folder(stadt))
    return gebietswerte(engine, merkmale(engine)["eckwert:gesamt"], "planungsraum", 2023).werte.set_index("raum_id")


def specs(at) -> list[dict]:  # noqa: ANN001
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def rangdiagramm(at) -> dict:  # noqa: ANN001
    return next(s for s in specs(at) if s["data"] and s["data"][0].get("orientation") == "h")


def zahlen(werte) -> list[float]:  # noqa: ANN001
    """A plotly array: a list, or a typed array (``{"dtype": "f8", "bdata": base64}``)."""
    if isinstance(werte, dict):
        return np.frombuffer(base64.b64decode(werte["bdata"]), dtype=werte["dtype"]).tolist()
    return [np.nan if v is None else v for v in werte]


def balken(at) -> dict[str, float]:  # noqa: ANN001
    """raum_id -> value of every bar of the ranking chart (one bar per id, never merged)."""
    bars = rangdiagramm(at)["data"][0]
    assert len(bars["y"]) == len(set(bars["y"])), "two bars share an id"
    return dict(zip(bars["y"], zahlen(bars["x"])))


def tabelle(at) -> pd.DataFrame:  # noqa: ANN001
    frame = at.dataframe[0].value
    return frame.data if hasattr(frame, "data") else frame


def verlaufsdiagramm(at) -> dict:  # noqa: ANN001
    return next(s for s in specs(at) if s["layout"].get("title", {}).get("text", "").startswith("Eckwert"))


# --- many areas ----------------------------------------------------------------------------
def test_many_areas_show_top_and_bottom_in_the_chart_and_all_in_the_table(in_der_stadt: Path,
                                                                          eckwerte_2023: pd.DataFrame) -> None:
    at = open_page(SEITE, PLANUNG)
    no_exception(at)
    assert not at.error
    bars = balken(at)
    ranked = eckwerte_2023.dropna(subset=["rang"]).sort_values("rang")
    oben, unten = list(ranked.index[:15]), list(ranked.index[-15:])
    assert list(bars) == oben + unten
    for raum_id in oben + unten:
        assert bars[raum_id] == pytest.approx(eckwerte_2023.at[raum_id, "wert"])
    spec = rangdiagramm(at)
    gap = next(a for a in spec["layout"]["annotations"] if "weitere" in a["text"])
    assert gap["text"] == f"<i>{len(ranked) - 30:,} weitere Planungsräume (in der Tabelle)</i>".replace(",", ".")
    assert gap["y"] in spec["data"][1]["y"]  # the gap row is a category of its own
    assert spec["layout"]["yaxis"]["ticktext"][0].startswith("1. ")
    assert spec["layout"]["height"] <= 30 * 31 + 130
    assert "Gezeigt: die 15 höchsten und die 15 niedrigsten von" in texts(at)
    table = tabelle(at)
    assert len(table) == 1100 and table["Schlüssel"].is_unique
    assert list(table["Rang"].head(3)) == [1, 2, 3]
    # Area on a small base: in the table with a note, without rank, not in the chart.
    klein = table[table["Hinweis"] == "kleine Basis, ohne Rang"]
    assert len(klein) == eckwerte_2023["kleine_basis"].sum() > 0 and klein["Rang"].isna().all()
    assert not set(klein["Schlüssel"]) & set(bars)
    # Trends: one chart with the Kreis and the top 3, no small multiples.
    verlauf = verlaufsdiagramm(at)
    assert [t["name"] for t in verlauf["data"]] == ["Kreiswert", *[eckwerte_2023.at[r, "name"] for r in oben[:3]]]
    assert at.multiselect(key="vergleich_verlauf_planungsraum").value == oben[:3]
    assert all(len(s["data"]) <= 13 for s in specs(at))


def test_two_areas_of_the_same_name_keep_a_bar_and_a_row_each(in_der_stadt: Path, eckwerte_2023: pd.DataFrame) -> None:
    at = open_page(SEITE, PLANUNG)
    at.text_input(key="vergleich_suche").input("heerstraße").run()
    no_exception(at)
    bars = balken(at)
    spec = rangdiagramm(at)
    labels = dict(zip(spec["layout"]["yaxis"]["tickvals"], spec["layout"]["yaxis"]["ticktext"]))
    for raum_id, name in HEERSTRASSE.items():
        assert bars[raum_id] == pytest.approx(eckwerte_2023.at[raum_id, "wert"])
        assert labels[raum_id].endswith(name)
    assert bars["11000011"] != bars["11001091"]
    # Found areas are outlined; the others are not.
    outline = dict(zip(spec["data"][0]["y"], spec["data"][0]["marker"]["line"]["color"]))
    assert {r for r, c in outline.items() if c != "rgba(0,0,0,0)"} == set(HEERSTRASSE)
    table = tabelle(at).set_index("Schlüssel")
    for raum_id, name in HEERSTRASSE.items():
        assert table.at[raum_id, "Planungsraum"] == name
        assert table.at[raum_id, "Eckwert je 1.000 unter 21 Jahre: Hilfen gesamt"] == \
            pytest.approx(eckwerte_2023.at[raum_id, "wert"])
    assert table.at["11001091", "Sozialraum"] == "Bezirksregion 142"
    # The trend lines are chosen by id: both Heerstraßen, each its own line.
    at.multiselect(key="vergleich_verlauf_planungsraum").set_value(list(HEERSTRASSE)).run()
    no_exception(at)
    linien = {t["name"]: t for t in verlaufsdiagramm(at)["data"]}
    assert set(linien) == {"Kreiswert", *HEERSTRASSE.values()}
    assert zahlen(linien[HEERSTRASSE["11000011"]]["y"]) != zahlen(linien[HEERSTRASSE["11001091"]]["y"])


def test_the_number_at_top_and_bottom_can_be_changed_and_a_search_may_find_nothing(in_der_stadt: Path) -> None:
    at = open_page(SEITE, PLANUNG)
    at.number_input(key="vergleich_anzahl").set_value(5).run()
    no_exception(at)
    assert len(balken(at)) == 10
    at.text_input(key="vergleich_suche").input("Atlantis").run()
    no_exception(at)
    assert len(balken(at)) == 10
    assert "Kein Planungsraum enthält „Atlantis“" in texts(at)
    at.text_input(key="vergleich_suche").input("Planungsraum 01").run()  # 0100 to 0199: the first 20 in the chart
    no_exception(at)
    assert 10 < len(balken(at)) <= 10 + 20
    assert "100 gefunden; die ersten 20 (nach Namen) stehen im Diagramm" in texts(at)


def test_an_area_with_one_year_draws_no_line_but_says_so(in_der_stadt: Path) -> None:
    at = open_page(SEITE, PLANUNG)
    at.multiselect(key="vergleich_verlauf_planungsraum").set_value(["11000500", *HEERSTRASSE]).run()
    no_exception(at)
    names = [t["name"] for t in verlaufsdiagramm(at)["data"]]
    assert "Planungsraum 0500" not in names and len(names) == 3
    assert "Nur ein Jahr mit Werten, daher ohne Linie: Planungsraum 0500 (2023: " in texts(at)


def test_a_measure_with_values_in_another_year_shows_that_year_and_no_trend(in_der_stadt: Path) -> None:
    at = open_page(SEITE, {**PLANUNG, "kennzahl": "indikator:sgb2_quote_u15"})
    no_exception(at)
    shown = texts(at).replace("\\", "")
    assert "Für 2023 gibt es keine Werte von" in shown and "gezeigt wird 2020" in shown
    assert any(s.value.startswith("Rangfolge 2020") for s in at.subheader)
    assert len(balken(at)) == 30
    assert "nur ein Jahr mit Werten (2020)" in shown
    assert "den Bedarfsindex gibt es für 2020, den Eckwert für 2021–2023" in shown
    assert len(specs(at)) == 1  # the ranking only: no chart of single dots


# --- few areas: as before ------------------------------------------------------------------
def test_few_areas_keep_all_bars_and_small_multiples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(DEMO))
    at = open_page(SEITE, {"ebene": "sozialraum", "kennzahl": "eckwert:gesamt"})
    no_exception(at)
    assert not at.text_input and not at.number_input and not at.dataframe
    bars = balken(at)
    assert len(bars) == 10
    assert not any(t.startswith("1. ") for t in rangdiagramm(at)["layout"]["yaxis"]["ticktext"])
    trends = next(s for s in specs(at) if "xaxis10" in s["layout"])
    assert len([t for t in trends["data"] if t.get("customdata")]) == 10


def test_the_fixture_kreis_still_runs_at_both_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    for ebene in ("sozialraum", "planungsraum"):
        at = open_page(SEITE, {"ebene": ebene, "jahr": "2023"})
        no_exception(at)
        assert not at.error


# --- the public view ------------------------------------------------------------------------
def test_the_public_view_keeps_withheld_values_withheld_in_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten Sozialräume shown as "many" (limit lowered): the new table writes "•" and never the number."""
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(DEMO))
    monkeypatch.setattr(rangliste, "ALLE_BIS", 3)
    at = open_page(SEITE, {"jahr": "2024", "kennzahl": "eckwert:teilstationaer"}, angemeldet=False)
    no_exception(at)
    assert any(s.value.startswith("**Öffentliche Ansicht**") for s in at.success)
    table = tabelle(at)
    spalte = next(c for c in table.columns if c.startswith("Eckwert"))
    gesperrt = table[table["Hinweis"] == "gesperrt (Geheimhaltung)"]
    assert len(gesperrt) and (gesperrt[spalte] == "•").all() and gesperrt["Rang"].isna().all()
    assert not set(gesperrt["Schlüssel"]) & set(balken(at))
    assert "Gesperrt (Geheimhaltung), daher ohne Rang" in texts(at)


def test_the_public_view_of_the_large_city_ranks_its_sozialraeume(in_der_stadt: Path) -> None:
    at = open_page(SEITE, PLANUNG, angemeldet=False)
    no_exception(at)
    assert not at.error
    assert len(balken(at)) == 30
    table = tabelle(at)
    assert len(table) == 143 and "Sozialraum" in table.columns and "Planungsraum" not in table.columns
