"""What every page shows on top: the view banner, the demo label, German widget texts, the checks a page needs
(notes on missing data) and the preamble of the per-area pages."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from sozialraum_analytics.dataset import Dataset
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.tables import TABLES

from .auswahlzustand import Auswahl, auswahl
from .daten import data_dir, get_dataset, get_engine
from .geheimhaltung import geheimhaltungshinweise
from .text import INFO, escape_md
from .zugang import _ENDE_HINWEIS, angemeldet_als, geheimhaltungsverfahren, ist_oeffentlich

DEMO_HINWEIS = "Demo-Daten: synthetischer Musterkreis, keine echten Personen oder Orte"


def demo_hinweis(dataset: Dataset) -> None:
    """The clearly visible label of synthetic data, on every page."""
    if dataset.synthetisch:
        st.warning(DEMO_HINWEIS, icon=":material/science:")


def ansicht_banner() -> None:
    """Which view is active, on top of every page; in the public view what had to be withheld and why."""
    from sozialraum_analytics.oeffentlich import LEGENDE, LEGENDE_RUNDEN, RUNDEN

    if hinweis := st.session_state.get(_ENDE_HINWEIS):
        import time

        meldung, seit = hinweis
        if time.monotonic() - seit < 60:
            st.info(meldung, icon=":material/logout:")
        else:
            del st.session_state[_ENDE_HINWEIS]
    if ist_oeffentlich():
        regel = LEGENDE_RUNDEN if geheimhaltungsverfahren() == RUNDEN else LEGENDE
        st.success(f"**Öffentliche Ansicht** (Jugendhilfeausschuss): nur Sozialräume und Kreis, kleine Zahlen "
                   f"geschützt. {escape_md(regel)}", icon=":material/public:")
        hinweise = geheimhaltungshinweise()
        if hinweise:
            with st.expander(f"Was zusätzlich gesperrt ist und warum ({len(hinweise)} Hinweise)"):
                st.markdown("\n".join(f"- {escape_md(h)}" for h in hinweise))
    else:
        st.warning(f"**Planungsansicht:** exakte Zahlen, nur für den internen Gebrauch, nicht für die öffentliche "
                   f"Sitzung. Angemeldet: {escape_md(angemeldet_als() or '')}", icon=":material/lock_open:")


# Streamlit's own English in widgets it offers no setting for: the file uploader's button and size
# note, the "Press Enter to submit form" hint. Hidden (display: none, so not read out either) and
# replaced by German text; the upload pages state the limits in German themselves.
DEUTSCHE_WIDGETS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {display: none;}
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after {content: "Datei auswählen"; margin-left: .35rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {display: none;}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {content: "oder die Datei hierher ziehen";}
[data-testid="stFileUploaderFile"] small {display: none;}
[data-testid="InputInstructions"] {display: none;}
</style>"""


def deutsche_oberflaeche() -> None:
    """German in place of Streamlit's English widget texts (see :data:`DEUTSCHE_WIDGETS`), on every page."""
    st.html(DEUTSCHE_WIDGETS)


FAELLE = "faelle"  # cases: the table faelle or fallzahlen
_LABEL_BEDARF = {
    FAELLE: f"{TABLES['faelle'].label} oder {TABLES['fallzahlen'].label}",
}


def _vorhanden(dataset: Dataset, kind: str) -> bool:
    return dataset.has_cases if kind == FAELLE else dataset.has(kind)


def fehlende_tabellen(dataset: Dataset, benoetigt: Iterable[str]) -> list[str]:
    """German labels of the needed tables that are not loaded."""
    return [_LABEL_BEDARF.get(kind, TABLES[kind].label if kind in TABLES else kind)
            for kind in benoetigt if not _vorhanden(dataset, kind)]


def pruefe_daten(dataset: Dataset, benoetigt: Iterable[str], wofuer: str) -> bool:
    """True when every needed table is there; otherwise an ``st.info`` says what is missing."""
    fehlt = fehlende_tabellen(dataset, benoetigt)
    if not fehlt:
        return True
    st.info(f"**Für {wofuer} fehlen Daten:** {', '.join(fehlt)}.  \n"
            "Legen Sie die Dateien im Datenordner ab; die Seite **Datenbestand** zeigt, was geladen ist "
            "und was jede Tabelle ermöglicht.", icon=INFO)
    return False


def hinweis_fehlend(dataset: Dataset) -> None:
    """A short German note on every table the dataset lacks (``dataset.missing()``)."""
    fehlt = dataset.missing()
    if fehlt:
        st.info("**Nicht geladen:** " + ", ".join(fehlt) + ". Die davon abhängigen Kennzahlen fehlen.",
                icon=INFO)


def leerer_bestand(dataset: Dataset) -> bool:
    """True (with a German note) when the folder holds no usable table at all."""
    if dataset.tables or dataset.zurueckgehalten or dataset.gebiete is not None:
        return False
    st.info(f"**Keine Daten gefunden.** Im Datenordner `{escape_md(str(data_dir()))}` liegt keine lesbare "
            "Tabelle. Erwartet werden z. B. zuordnung.csv, bevoelkerung.csv, faelle.csv oder fallzahlen.csv, "
            "kosten.csv (Seite **Datenbestand**).", icon=INFO)
    return True


def seitenanfang(titel: str, wofuer: str) -> tuple[Dataset, Auswahl]:
    """Title and the checks every per-area page needs: data, a year, the assignment for Sozialräume.

    Stops the page (with a German note on what is missing) when one fails.
    """
    dataset = get_dataset()
    auswahl_ = auswahl()
    st.title(titel)
    if leerer_bestand(dataset):
        st.stop()
    if auswahl_.jahr is None:
        st.info("In den Daten ist kein Berichtsjahr zu erkennen: es fehlen Bevölkerung und Fälle.", icon=INFO)
        st.stop()
    if auswahl_.ebene == "sozialraum" and not dataset.has("zuordnung"):
        pruefe_daten(dataset, ["zuordnung"], f"{wofuer} der Sozialräume")
        st.stop()
    for hinweis in get_engine(auswahl_.optionen).hinweise():
        st.caption(escape_md(hinweis))  # figures the data cannot give say so (never a silent 0)
    return dataset, auswahl_


def jahr_fuer(engine: Engine, merkmal, ebene: str, jahr: int | None) -> int | None:  # noqa: ANN001 - kartenwerte.Merkmal
    """The year a page shows ``merkmal`` for: the chosen one if it has values, else the latest that has
    (said in a note naming the years with values)."""
    from sozialraum_analytics.kartenwerte import jahr_mit_werten

    gezeigt, hinweis = jahr_mit_werten(engine, merkmal, ebene, jahr)
    if hinweis:
        st.info(escape_md(hinweis), icon=INFO)
    return gezeigt


def kennzahlen_katalog(engine: Engine, wofuer: str, kategorien: bool = True) -> dict:
    """The mappable indicators of the data; stops the page with a note when there are none.

    ``kategorien``: with the groups of status and dynamics, which only a map can show."""
    from sozialraum_analytics.kartenwerte import merkmale

    katalog = merkmale(engine, kategorien)
    if not katalog:
        st.info(f"Für {wofuer} fehlen Kennzahlen: laden Sie Fälle und Bevölkerung oder Sozialstrukturindikatoren.",
                icon=INFO)
        st.stop()
    return katalog
