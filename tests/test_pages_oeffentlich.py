"""The pages in an anonymous session: the public view, its banner and its protected tables (AppTest)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from .test_pages import nichts_nebenher, no_exception, open_page, texts


def test_an_anonymous_session_sees_the_public_view_of_sozialraeume_only() -> None:
    at = open_page("pages/uebersicht.py", {"ebene": "planungsraum"}, angemeldet=False)
    no_exception(at)
    assert any(s.value.startswith("**Öffentliche Ansicht**") for s in at.success)
    assert at.query_params["ebene"] == ["sozialraum"] or at.query_params["ebene"] == "sozialraum"
    assert not at.radio or all(r.label != "Ebene" for r in at.radio)
    # The areas' table (the Kreis's comparison with other regions may stand above it).
    table = next(d.value for d in at.dataframe if "Inanspruchnahme" in d.value.columns)
    assert list(table.columns[:2]) == ["Sozialraum", "Inanspruchnahme"]
    assert not table["Inanspruchnahme"].isin(["1", "2", "3", "4"]).any()


def test_suppressed_counts_are_marked_in_the_public_tables() -> None:
    at = open_page("pages/entwicklung.py", {"jahr": "2024"}, angemeldet=False)
    no_exception(at)
    at.selectbox(key="entwicklung_hilfeart").set_value("teilstationaer")
    at.run()
    no_exception(at)
    table: pd.DataFrame = at.dataframe[0].value
    column = table["Inanspruchnahme"].astype(str)
    assert column.isin(["•"]).any() and not column.isin(["< 5"]).any()
    assert not column.isin(["1", "2", "3", "4"]).any()
    # Eckwert and changes are not shown where the count is hidden.
    hidden = column.isin(["•"])
    assert table.loc[hidden, "Eckwert"].isna().all()
    assert table.loc[hidden, "Veränderung zum Vorjahr"].isna().all()


# --- a Kreis of three Gemeinden and twelve cases, in the public view ----------------------------------
WINZKREIS = Path(__file__).resolve().parent / "fixtures" / "winzkreis"
OEFFENTLICHE_SEITEN = ["pages/uebersicht.py", "pages/entwicklung.py", "pages/karte.py", "pages/vergleich.py",
                       "pages/steckbrief.py", "pages/steuerung.py", "pages/praesentation.py", "pages/methodik.py"]


def _zaehlspalten_ohne_kleine_zahlen(at) -> None:  # noqa: ANN001
    for frame in at.dataframe:
        table = frame.value.data if hasattr(frame.value, "data") else frame.value
        for column in table.columns:
            if any(word in str(column) for word in ("Inanspruchnahme", "Anzahl", "Fälle", "Hilfen")):
                values = table[column].astype(str).str.replace(".", "", regex=False)
                assert not values.isin(["1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"]).any(), column


@pytest.mark.parametrize("page", OEFFENTLICHE_SEITEN)
def test_every_public_page_answers_for_a_kreis_of_twelve_cases(monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(WINZKREIS))
    with warnings.catch_warnings(record=True) as gewarnt:
        warnings.simplefilter("always")
        at = open_page(page, angemeldet=False)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    _zaehlspalten_ohne_kleine_zahlen(at)
    nichts_nebenher(at, gewarnt)
    shown = texts(at)
    assert str(WINZKREIS) not in shown and "/fixtures/" not in shown  # no server path as "Quelle"
    if page != "pages/praesentation.py":
        assert any(e.label.startswith("Was zusätzlich gesperrt ist") for e in at.expander)


def test_the_public_view_says_what_was_withheld_and_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(WINZKREIS))
    at = open_page("pages/uebersicht.py", angemeldet=False)
    no_exception(at)
    shown = texts(at).replace("\\", "")  # Markdown escapes of data text
    assert "Kreiswerte mit 1 bis 4 Fällen gesperrt" in shown or "auch Kreiswerte gesperrt" in shown
    assert "Dateien angebote.csv, bevoelkerung.csv" in shown  # the source as a planner cites it
    assert "Stand: Fälle" in shown or "Datenstand" in shown


def test_an_unexpected_error_shows_a_german_message_and_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import sozialraum_analytics.kartenwerte as kartenwerte

    def kaputt(*_args, **_kwargs):  # noqa: ANN202
        raise RuntimeError("interner Fehler mit /geheimer/pfad")

    monkeypatch.setattr(kartenwerte, "merkmale", kaputt)
    at = open_page("pages/karte.py", angemeldet=False)
    assert not at.exception
    assert any("unerwarteter Fehler" in e.value for e in at.error)
    assert "/geheimer/pfad" not in " ".join(e.value for e in at.error)


def test_clients_cannot_clear_the_shared_caches() -> None:
    """Streamlit's "clear cache" message from any browser would make every visitor wait again."""
    import streamlit as st
    from streamlit.runtime.app_session import AppSession

    at = open_page("pages/methodik.py", angemeldet=False)
    no_exception(at)
    handler = AppSession._handle_clear_cache_request  # fails loudly if Streamlit renames it
    assert handler.__name__ == "ablehnen"
    aufrufe = []

    @st.cache_resource
    def teuer() -> int:
        aufrufe.append(1)
        return 42

    teuer()
    handler(object())
    teuer()
    assert len(aufrufe) == 1


def test_no_error_details_and_no_telemetry_in_the_config() -> None:
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
