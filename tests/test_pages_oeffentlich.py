"""The pages in an anonymous session: the public view, its banner and its protected tables (AppTest)."""

from __future__ import annotations

import pandas as pd

from .test_pages import no_exception, open_page


def test_an_anonymous_session_sees_the_public_view_of_sozialraeume_only() -> None:
    at = open_page("pages/uebersicht.py", {"ebene": "planungsraum"}, angemeldet=False)
    no_exception(at)
    assert any(s.value.startswith("**Öffentliche Ansicht**") for s in at.success)
    assert at.query_params["ebene"] == ["sozialraum"] or at.query_params["ebene"] == "sozialraum"
    assert not at.radio or all(r.label != "Ebene" for r in at.radio)
    table = at.dataframe[0].value
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
    assert column.isin(["< 5"]).any()
    assert not column.isin(["1", "2", "3", "4"]).any()
    # Eckwert and changes are not shown where the count is hidden.
    hidden = column.isin(["< 5", "•"])
    assert table.loc[hidden, "Eckwert"].isna().all()
    assert table.loc[hidden, "Veränderung zum Vorjahr"].isna().all()
