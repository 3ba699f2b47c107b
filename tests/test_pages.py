"""The Streamlit pages, run headless with AppTest on the fixture Kreis, subsets of it and the demo data."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sozialraum_analytics.formatting import format_euro

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
KLEINKREIS = ROOT / "tests" / "fixtures" / "kleinkreis"
DEMO = ROOT / "data"
PAGES = ["pages/uebersicht.py", "pages/entwicklung.py", "pages/karte.py", "pages/vergleich.py", "pages/steckbrief.py",
         "pages/methodik.py", "pages/daten.py", "pages/importieren.py", "pages/steuerung.py"]
TITLES = {"pages/steuerung.py": "Steuerung",
          "pages/uebersicht.py": "Übersicht", "pages/entwicklung.py": "Entwicklung", "pages/karte.py": "Karte",
          "pages/vergleich.py": "Vergleich", "pages/steckbrief.py": "Steckbrief",
          "pages/methodik.py": "Methodik", "pages/daten.py": "Datenbestand", "pages/importieren.py": "Daten importieren"}
DEMO_HINWEIS = "Demo-Daten: synthetischer Musterkreis, keine echten Personen oder Orte"


def open_page(page: str, query: dict[str, str] | None = None, angemeldet: bool = True) -> AppTest:
    """Run app.py, switch to ``page`` and run it; query parameters as a copied link would carry them.

    ``angemeldet``: as a logged-in planner (planning view), else an anonymous session (public view).
    """
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query or {})
    if angemeldet:
        at.session_state["_angemeldet_als"] = "test"
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(str(e.value) + "\n" + "\n".join(e.stack_trace) for e in at.exception)


def texts(at: AppTest) -> str:
    """Everything a user reads as text on the page (markdown, captions, infos, titles)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def metric(at: AppTest, label_start: str):
    matches = [m for m in at.metric if m.label.startswith(label_start)]
    assert matches, f"no metric {label_start!r} in {[m.label for m in at.metric]}"
    return matches[0]


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.fixture
def kleinkreis_ordner(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    return KLEINKREIS


# --- the fixture Kreis ---------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_fixture(kleinkreis_ordner: Path, page: str) -> None:
    at = open_page(page)
    no_exception(at)
    assert at.title[0].value.startswith(TITLES[page])
    # Not demo data: no demo label.
    assert DEMO_HINWEIS not in texts(at)


def test_uebersicht_shows_the_kreis_figures_of_2023(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[0], {"jahr": "2023"})
    no_exception(at)
    inanspruchnahme = metric(at, "Inanspruchnahme gesamt")
    assert inanspruchnahme.value == "8"
    assert inanspruchnahme.delta == "+5 (+166,7 %) zum Vorjahr"
    # 8 / 3,530 * 1,000 = 2.27 -> German "2,3"
    eckwert = metric(at, "Eckwert je")
    assert "je 1.000 unter 21 Jahre" in eckwert.label
    assert eckwert.value == "2,3"
    assert metric(at, "Anteil stationär").value == "71,4 %"
    assert metric(at, "Inobhutnahmen").value == "1"
    # 233,500.50 € in kosten.csv; the rounding is the formatting module's.
    assert metric(at, "Ausgaben gesamt").value == format_euro(233500.5)
    assert metric(at, "Ausgaben gesamt").value.startswith("233.50")
    assert metric(at, "Bevölkerung unter 21").value == "3.530"
    assert metric(at, "Ausgaben je Einwohner unter 21").value == "66,15 €"
    page = texts(at)
    # "Stand" per kind of data where they differ (the indicators and costs end in 2023).
    assert ("Datenstand:** Fälle 31\\.12\\.2024 · Bevölkerung 31\\.12\\.2024 · Ausgaben 31\\.12\\.2023 · "
            "Indikatoren 31\\.12\\.2023") in page
    assert "2022–2024" in page
    # The Sozialräume of the year, highest Eckwert first: Nord 6 / 1,500 * 1,000 = 4.0.
    areas = at.dataframe[0].value
    assert list(areas.iloc[:, 0]) == ["Nord", "Süd"]
    assert list(areas["Inanspruchnahme"]) == [6, 2]
    assert areas["Abweichung vom Kreis"].round(1).tolist() == [76.5, -56.5]


def test_the_selection_is_mirrored_in_the_url(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[0])
    no_exception(at)
    assert at.query_params == {"jahr": "2024", "ebene": "sozialraum", "nenner": "u21", "skala": "1000"}
    assert at.selectbox(key="auswahl_jahr").value == 2024
    at.radio(key="auswahl_nenner").set_value("u18")
    at.radio(key="auswahl_skala").set_value(10000)
    at.selectbox(key="auswahl_jahr").set_value(2023)
    at.run()
    no_exception(at)
    assert at.query_params == {"jahr": "2023", "ebene": "sozialraum", "nenner": "u18", "skala": "10000"}
    eckwert = metric(at, "Eckwert je")
    assert "je 10.000 unter 18 Jahre" in eckwert.label
    assert eckwert.value == "28,4"  # 8 / 2,820 * 10,000


def test_a_copied_link_reproduces_the_view(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[0], {"jahr": "2022", "ebene": "planungsraum", "nenner": "u18", "skala": "10000"})
    no_exception(at)
    assert at.selectbox(key="auswahl_jahr").value == 2022
    assert at.radio(key="auswahl_ebene").value == "planungsraum"
    assert metric(at, "Inanspruchnahme gesamt").value == "3"
    names = list(at.dataframe[0].value.iloc[:, 0])
    assert set(names) == {"Adorf", "Bedorf", "Cedorf", "Waldgebiet"}


def test_invalid_link_values_fall_back_to_the_defaults(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[0], {"jahr": "1850", "ebene": "<script>", "nenner": "x", "skala": "7"})
    no_exception(at)
    assert at.query_params == {"jahr": "2024", "ebene": "sozialraum", "nenner": "u21", "skala": "1000"}


def test_entwicklung_draws_charts_naming_group_and_denominator(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[1])
    no_exception(at)
    specs = plotly_specs(at)
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert any(t.startswith("Eckwert je 1.000 unter 21 Jahre: Hilfen gesamt") for t in titles), titles
    assert any(t.startswith("Inanspruchnahme: Hilfen gesamt") for t in titles), titles
    assert any("nach Setting" in t for t in titles), titles
    eckwert = next(s for s in specs if s["layout"]["title"]["text"].startswith("Eckwert"))
    kreis = [trace for trace in eckwert["data"] if trace["line"].get("dash") == "dash"]
    assert len(kreis) == 1 and kreis[0]["line"]["width"] >= 4
    assert eckwert["layout"]["separators"] == ",."
    # Hover texts are German formatted: Kreis 2023 = 2,3.
    assert ["Kreis", "2023", "2,3"] in kreis[0]["customdata"]
    # The help group can be changed, and every title follows.
    at.selectbox(key="entwicklung_hilfeart").set_value("stationaer")
    at.run()
    no_exception(at)
    titles = [spec["layout"]["title"]["text"] for spec in plotly_specs(at)]
    assert any(t.startswith("Eckwert je 1.000 unter 21 Jahre: HzE stationär") for t in titles), titles
    trend = at.dataframe[0].value
    assert "Veränderung zum Vorjahr" in trend.columns and "Eckwert: Index (2022 = 100)" in trend.columns


def test_entwicklung_offers_the_help_groups_with_german_labels(kleinkreis_ordner: Path) -> None:
    at = open_page(PAGES[1])
    options = at.selectbox(key="entwicklung_hilfeart").options
    for label in ("Hilfen gesamt", "Hilfen zur Erziehung (HzE)", "HzE ohne Erziehungsberatung", "HzE ambulant",
                  "HzE teilstationär", "HzE stationär", "§ 35a Eingliederungshilfe bei seelischer Behinderung",
                  "§ 41 Hilfe für junge Volljährige", "§ 34 Heimerziehung / sonstige betreute Wohnform"):
        assert label in options
    assert not any("§ 42" in o or "§ 8a" in o for o in options)


def test_methodik_explains_the_eckwert_and_every_kennzahl(kleinkreis_ordner: Path) -> None:
    from sozialraum_analytics.registry import KENNZAHLEN

    at = open_page("pages/methodik.py", {"jahr": "2023"})
    no_exception(at)
    page = texts(at)
    assert "Was ist ein Eckwert?" in page
    assert "Eckwert je 1.000 unter 21 Jahre" in page
    assert "8 Hilfen gesamt ÷ 3.530 Einwohner unter 21 Jahre × 1.000 = **2,3**" in page
    assert "andauernd am 31.12. + im Jahr beendet" in page
    assert "Bedarfsindex" in page
    labels = [e.label for e in at.expander]
    for kennzahl in KENNZAHLEN.values():
        assert any(kennzahl.label.split(" ")[0] in label for label in labels), kennzahl.label
    groups = at.table[0].value
    assert "HzE stationär" in list(groups.iloc[:, 0])


def test_daten_lists_tables_missing_ones_and_reports(kleinkreis_ordner: Path) -> None:
    at = open_page("pages/daten.py")
    no_exception(at)
    tables = at.table[0].value
    loaded = dict(zip(tables["Tabelle"], tables["Status"]))
    assert loaded["Fälle (Einzelfalldaten)"].startswith("✓")
    assert loaded["Angebote (Bestand)"].startswith("✗")
    assert "Es fehlen" in texts(at) and "Angebote (Bestand)" in texts(at)
    files = at.dataframe[0].value
    assert set(files["Datei"]) >= {"faelle.csv", "kosten.csv", "zuordnung.csv"}


# --- subsets and an empty folder -------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_what_is_missing_in_an_empty_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              page: str) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    at = open_page(page)
    no_exception(at)
    assert at.info, "expected an info about missing data"
    info = "\n".join(i.value for i in at.info)
    assert "Keine Daten" in info or "fehlen" in info or "Es fehlen" in info


SUBSETS = {
    "nur_zuordnung": ("zuordnung.csv",),
    "ohne_kosten": ("zuordnung.csv", "bevoelkerung.csv", "faelle.csv", "indikatoren.csv"),
    "ohne_faelle": ("zuordnung.csv", "bevoelkerung.csv", "kosten.csv", "indikatoren.csv"),
    "nur_faelle": ("faelle.csv",),
    "ohne_bevoelkerung": ("zuordnung.csv", "faelle.csv", "kosten.csv"),
}


@pytest.mark.parametrize("name", SUBSETS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_with_a_subset_of_tables(subset, name: str, page: str) -> None:
    subset(*SUBSETS[name])
    at = open_page(page)
    no_exception(at)
    assert at.title[0].value.startswith(TITLES[page])
    # Methodik does not need data; Entwicklung does not need costs.
    if page != "pages/methodik.py" and (page, name) != ("pages/entwicklung.py", "ohne_kosten"):
        assert at.info, "expected a German note on what is missing"


def test_without_costs_the_cost_tiles_are_left_out_and_said(subset) -> None:
    subset(*SUBSETS["ohne_kosten"])
    at = open_page(PAGES[0], {"jahr": "2023"})
    no_exception(at)
    assert metric(at, "Inanspruchnahme gesamt").value == "8"
    assert not [m for m in at.metric if m.label.startswith("Ausgaben")]  # no tile of dashes: left out, said once
    assert "Ausgaben" in "\n".join(i.value for i in at.info)


def test_without_cases_entwicklung_says_what_is_missing(subset) -> None:
    subset(*SUBSETS["ohne_faelle"])
    at = open_page(PAGES[1])
    no_exception(at)
    assert "Fälle (Einzelfalldaten) oder Fallzahlen (aggregiert)" in "\n".join(i.value for i in at.info)


def test_area_names_are_data_not_markup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("bevoelkerung.csv", "faelle.csv"):
        shutil.copy(KLEINKREIS / name, tmp_path / name)
    zuordnung = (KLEINKREIS / "zuordnung.csv").read_text(encoding="utf-8-sig")
    zuordnung = zuordnung.replace("Nord", "<b>Nord</b> **fett** :red[rot]")
    (tmp_path / "zuordnung.csv").write_text(zuordnung, encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    for page in PAGES[:2]:
        at = open_page(page, {"jahr": "2023"})
        no_exception(at)
        assert "<b>Nord</b> **fett** :red[rot]" in list(at.dataframe[0].value.iloc[:, 0])
        assert "<b>" not in texts(at)


def test_a_formula_as_area_name_is_neutralised_in_the_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The table's own CSV download must not hand Excel a formula: the cell starts with an apostrophe."""
    for name in ("bevoelkerung.csv", "faelle.csv"):
        shutil.copy(KLEINKREIS / name, tmp_path / name)
    zuordnung = (KLEINKREIS / "zuordnung.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "zuordnung.csv").write_text(zuordnung.replace("Nord", "=2+5*Nord"),
                                            encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    at = open_page(PAGES[0], {"jahr": "2023"})
    no_exception(at)
    names = list(at.dataframe[0].value.iloc[:, 0])
    assert "'=2+5*Nord" in names
    assert not [n for n in names if str(n).startswith("=")]


def nichts_nebenher(at, gewarnt: list) -> None:  # noqa: ANN001
    """No table of the page carries anything beside its rows to the browser: Streamlit sends a frame's attrs
    in the Arrow metadata, and the reading keeps every distinct text of a file there (case numbers too).
    ``gewarnt``: the warnings of the page's run (pyarrow warns, and leaves them out, when it cannot write them)."""
    import json

    import pyarrow as pa

    assert not [str(w.message) for w in gewarnt if "attrs" in str(w.message)]
    for element in at.dataframe:
        daten = element.proto.arrow_data.data or element.proto.lazy_data.initial_chunk.data
        metadaten = pa.ipc.open_stream(daten).schema.metadata or {}
        assert not json.loads(metadaten.get(b"pandas", b"{}")).get("attributes"), element.value.columns.tolist()


# --- the demo Kreis ------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_data(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(DEMO))
    with warnings.catch_warnings(record=True) as gewarnt:
        warnings.simplefilter("always")
        at = open_page(page)
    no_exception(at)
    nichts_nebenher(at, gewarnt)
    assert at.title[0].value.startswith(TITLES[page])
    assert DEMO_HINWEIS in [w.value for w in at.warning]
    if page == "pages/entwicklung.py":
        assert len(plotly_specs(at)) >= 3
    if page == "pages/uebersicht.py":
        assert metric(at, "Inanspruchnahme gesamt").value != "–"
        assert metric(at, "Ausgaben gesamt").value.endswith(" €")


def test_demo_planungsraum_level_offers_an_area_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(DEMO))
    at = open_page(PAGES[1], {"ebene": "planungsraum"})
    no_exception(at)
    choice = at.multiselect(key="entwicklung_gebiete_planungsraum")
    assert 1 <= len(choice.value) <= 6


def test_a_small_base_is_marked_and_not_ranked_on_the_pages(kleinkreis_ordner: Path) -> None:
    """Waldgebiet: 30 young people. Its Eckwert stands last, marked "kleine Basis", outside the ranking."""
    at = open_page(PAGES[0], {"jahr": "2023", "ebene": "planungsraum"})
    no_exception(at)
    areas = at.dataframe[0].value
    assert list(areas.iloc[:, 0])[-1] == "Waldgebiet"
    assert areas["Hinweis"].iloc[-1] == "kleine Basis: unter 300 junge Menschen"
    assert (areas["Hinweis"].iloc[:-1] == "").all()
    ranking = next(spec for spec in plotly_specs(at) if spec["data"][0].get("orientation") == "h")
    assert "Waldgebiet" not in ranking["data"][0]["y"]
    vergleich = open_page("pages/vergleich.py", {"jahr": "2023", "ebene": "planungsraum",
                                                 "kennzahl": "eckwert:gesamt"})
    no_exception(vergleich)
    assert "ohne Rang: kleine Basis" in texts(vergleich)
