"""The Steuerung page (AppTest): milestones are written only by a logged-in planner, and land in the database."""

from __future__ import annotations

import datetime as dt

from sozialraum_analytics import meilensteine as ms
from sozialraum_analytics.store import Store

from .test_pages import no_exception, open_page


def _by_label(elements, label: str):  # noqa: ANN001, ANN202
    return next(e for e in elements if e.label == label)


def test_a_planner_records_a_milestone_and_the_public_sees_it() -> None:
    store = Store()
    before = len(ms.liste(store))
    at = open_page("pages/steuerung.py")
    no_exception(at)
    assert [t.label for t in at.tabs] == ["Bestand und Bedarf", "Regionalbudget", "Modellregionen", "Prognose",
                                         "Meilensteine"]
    _by_label(at.text_input, "Titel").input("Modellregion Nord gestartet")
    _by_label(at.text_input, "Verantwortlich").input("AG 78")
    _by_label(at.selectbox, "Status").set_value("in Arbeit")
    _by_label(at.date_input, "Fällig am").set_value(dt.date(2026, 3, 31))
    _by_label(at.button, "Speichern").click()
    at.run()
    no_exception(at)
    liste = ms.liste(store)
    assert len(liste) == before + 1
    neu = liste.iloc[-1] if liste.iloc[-1]["titel"] == "Modellregion Nord gestartet" else \
        liste[liste["titel"] == "Modellregion Nord gestartet"].iloc[0]
    assert (neu["status"], neu["faellig"], neu["verantwortlich"], neu["raum_id"]) == (
        "in Arbeit", dt.date(2026, 3, 31), "AG 78", None)
    assert ms.historie(store, int(neu["id"])).iloc[0]["benutzer"] == "test"
    store.dispose()
    # The public view shows it (list and timeline), but offers no form to change it.
    public = open_page("pages/steuerung.py", angemeldet=False)
    no_exception(public)
    assert "Speichern" not in [b.label for b in public.button]
    assert any("Modellregion Nord gestartet" in list(df.value.iloc[:, 0]) for df in public.dataframe)
    assert any("angemeldete Planerinnen und Planer" in c.value for c in public.caption)


def test_the_steering_tools_compute_on_the_demo() -> None:
    at = open_page("pages/steuerung.py", {"jahr": "2024"})
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Differenz-von-Differenzen" in metrics and "Mittlerer absoluter Fehler" in metrics
    budget = next(df.value for df in at.dataframe if "Szenario A (€)" in df.value.columns)
    assert round(budget["Szenario A (€)"].sum(), 2) == 1_000_000.00
    assert any("Konfidenzintervall" in m.value for m in at.markdown)


def test_possible_double_structures_are_for_the_steering_group_only() -> None:
    """The list names Träger: an internal assessment, shown in the planning view only."""
    planung = open_page("pages/steuerung.py", {"jahr": "2024"})
    no_exception(planung)
    assert "Mögliche Doppelstrukturen" in [s.value for s in planung.subheader]
    public = open_page("pages/steuerung.py", {"jahr": "2024"}, angemeldet=False)
    no_exception(public)
    assert "Mögliche Doppelstrukturen" not in [s.value for s in public.subheader]
    assert not any("Träger 1" in df.value.columns for df in public.dataframe)
