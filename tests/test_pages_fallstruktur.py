"""The Steckbrief's section "Fallstruktur" (AppTest) in both views: the hand-worked figures of
tests/fixtures/fallstruktur (see tests/test_fallstruktur.py), "•" and no count of 1 to 4 in the public view,
and a note instead of a 0 where the case file lacks a column or only aggregated Fallzahlen exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_pages import KLEINKREIS, no_exception, open_page, texts

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fallstruktur"
REITER = ["Alter bei Hilfebeginn", "Geschlecht", "Hauptgrund der Hilfe", "Grund der Beendigung",
          "Fälle und junge Menschen"]


def _text(at) -> str:  # noqa: ANN001
    """The page's text as read (Markdown escapes of data text removed)."""
    return texts(at).replace("\\", "")


def _tabelle(at, erste_spalte: str):  # noqa: ANN001, ANN202
    return next(f.value for f in at.dataframe if f.value.columns[0] == erste_spalte)


def test_planning_view_shows_the_hand_worked_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(FIXTURE))
    at = open_page("pages/steckbrief.py", {"jahr": "2023", "raum": "SR1"})
    no_exception(at)
    assert "Fallstruktur" in [h.value for h in at.subheader]
    assert [t.label for t in at.tabs] == REITER
    # SR1, helps begun in 2023 (official basis): 6, of them 3 aged 10 to under 14 = 50 %; the Kreis 3 of 9.
    alter = _tabelle(at, "Alter bei Hilfebeginn").set_index("Alter bei Hilfebeginn")
    assert alter.at["10 bis unter 14", "Anzahl"] == 3
    assert alter.at["10 bis unter 14", "Anteil in %"] == 50.0
    assert alter.at["10 bis unter 14", "Anzahl Kreis"] == 3
    ende = _tabelle(at, "Grund der Beendigung").set_index("Grund der Beendigung")
    assert ende.at["gemäß Hilfeplan", "Anzahl"] == 2 and ende.at["gemäß Hilfeplan", "Anteil in %"] == 50.0
    personen = _tabelle(at, "Gebiet")
    assert personen["Fälle (Hilfen)"].tolist()[:1] == [6] and personen["Junge Menschen"].tolist()[:1] == [6]
    page = _text(at)
    assert "Hilfen gesamt, im Jahr begonnene Hilfen: 6 in Nord, 9 im Kreis." in page
    assert "Planungsansicht, exakte Zahlen" in page
    # The Hilfen insgesamt: SR1 has 8 helps of 7 young people (P1 has two).
    at.radio(key="w_steckbrief_fallstruktur_basis").set_value("inanspruchnahme").run()
    no_exception(at)
    personen = _tabelle(at, "Gebiet")
    assert personen["Fälle (Hilfen)"].tolist() == [8, 11] and personen["Junge Menschen"].tolist() == [7, 10]
    alter = _tabelle(at, "Alter bei Hilfebeginn").set_index("Alter bei Hilfebeginn")
    assert alter.at["14 bis unter 18", "Anzahl"] == 1  # F01, 16 at its start in 2021
    # Another help group: stationär, begun in SR1: F02 (§ 41) and F07 (§ 33).
    at.selectbox(key="w_steckbrief_fallstruktur_hilfeart").set_value("stationaer").run()
    no_exception(at)
    assert "HzE stationär, Hilfen insgesamt" in _text(at)


def test_public_view_withholds_small_counts_and_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(FIXTURE))
    at = open_page("pages/steckbrief.py", {"jahr": "2023", "raum": "SR1"}, angemeldet=False)
    no_exception(at)
    assert [t.label for t in at.tabs] == REITER
    assert not at.radio or all(r.key != "w_steckbrief_fallstruktur_basis" for r in at.radio)
    optionen = at.selectbox(key="w_steckbrief_fallstruktur_hilfeart").options
    assert len(optionen) == 6 and "§ 34 Heimerziehung / sonstige betreute Wohnform" not in optionen
    alter = _tabelle(at, "Alter bei Hilfebeginn")
    for spalte in alter.columns[1:]:
        werte = alter[spalte].astype(str)
        assert not werte.isin(["1", "2", "3", "4"]).any(), spalte
    assert (alter["Anzahl"].astype(str) == "•").any()
    geschlecht = _tabelle(at, "Geschlecht")
    assert set(geschlecht["Geschlecht"]) == {"männlich", "weiblich"}
    page = _text(at)
    assert "Öffentliche Ansicht: Verteilung der Hilfen insgesamt" in page
    assert "„divers“ und „ohne Angabe“ sind zufällig männlich oder weiblich zugeordnet" in page
    assert "Trennung der Eltern" not in page


def test_missing_columns_and_aggregated_counts_get_a_note_not_a_zero(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    at = open_page("pages/steckbrief.py", {"jahr": "2023"})
    no_exception(at)
    infos = [i.value.replace("\\", "") for i in at.info]
    assert any(i.startswith("Hauptgrund der Hilfe: die Falldatei hat keine Spalte") for i in infos), infos
    assert any("keine Spalte mit einer Personen-ID" in i for i in infos), infos
    assert _tabelle(at, "Alter bei Hilfebeginn") is not None  # Geburtsjahr is there

    from sozialraum_analytics.counting import fallzahlen_table_from_faelle
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.formatting import write_german_csv

    write_german_csv(fallzahlen_table_from_faelle(load_folder(FIXTURE).tables["faelle"], [2022, 2023]),
                     tmp_path / "fallzahlen.csv")
    (tmp_path / "zuordnung.csv").write_bytes((FIXTURE / "zuordnung.csv").read_bytes())
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    for angemeldet in (True, False):
        at = open_page("pages/steckbrief.py", {"jahr": "2023", "raum": "SR1"}, angemeldet=angemeldet)
        no_exception(at)
        infos = [i.value.replace("\\", "") for i in at.info]
        assert sum(i.startswith("Die Fallstruktur braucht Einzelfalldaten") for i in infos) == 5, infos
        assert not any(f.value.columns[0] == "Alter bei Hilfebeginn" for f in at.dataframe)
