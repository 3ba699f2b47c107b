"""The selection: year, level, denominator and scale in the sidebar, the indicator and area carried across
pages, all mirrored in the URL (``?jahr=…&ebene=…&kennzahl=…&raum=…``) so a copied link shows the same view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from sozialraum_analytics.dataset import Dataset
from sozialraum_analytics.hilfearten import RATE_GROUPS
from sozialraum_analytics.kennzahlen import EBENE_LABELS, Optionen
from sozialraum_analytics.registry import describe

from .daten import get_dataset, versionshinweis
from .streamlit_intern import ueber_app_starten
from .text import escape_md
from .zugang import ist_oeffentlich

EBENEN_AUSWAHL = {"sozialraum": "Sozialraum", "planungsraum": "Planungsraum"}
EBENEN_PLURAL = {"sozialraum": "Sozialräume", "planungsraum": "Planungsräume", "kreis": "Kreis"}
NENNER_AUSWAHL = {"u21": "unter 21 Jahre", "u18": "unter 18 Jahre"}
SKALEN_AUSWAHL = {1000: "je 1.000", 10000: "je 10.000"}
QUERY_KEYS = ("jahr", "ebene", "nenner", "skala", "kennzahl", "raum")
_STATE = {"jahr": "auswahl_jahr", "ebene": "auswahl_ebene", "nenner": "auswahl_nenner", "skala": "auswahl_skala"}
_CURRENT = "_auswahl_aktuell"
# Chosen on some pages only, but carried across all of them (and kept in the URL):
# the indicator of the map and ranking, and the selected area.
_KENNZAHL = "_auswahl_kennzahl"
_RAUM = "_auswahl_raum"


@dataclass(frozen=True)
class Auswahl:
    """What the planner chose in the sidebar; every page reads it."""

    jahr: int | None
    ebene: str = "sozialraum"
    nenner: str = "u21"
    skala: int = 1000

    @property
    def optionen(self) -> Optionen:
        # The Bezugsgröße applies to both per-capita figures (Eckwert, Ausgaben je Jugendeinwohner).
        return Optionen(nenner=self.nenner, skala=self.skala, ausgaben_nenner=self.nenner)

    @property
    def eckwert(self) -> str:
        """Column id of the chosen Eckwert, e.g. ``eckwert_je_1000_u21``."""
        return self.optionen.eckwert

    @property
    def eckwert_label(self) -> str:
        """``Eckwert je 1.000 unter 21 Jahre``."""
        return describe(self.eckwert).label

    @property
    def ausgaben_je(self) -> str:
        return self.optionen.ausgaben_je

    @property
    def ausgaben_je_label(self) -> str:
        """``Ausgaben je Einwohner unter 21`` (short enough for a KPI card)."""
        return f"Ausgaben je Einwohner {NENNER_AUSWAHL[self.nenner].removesuffix(' Jahre')}"

    @property
    def ebene_label(self) -> str:
        return EBENE_LABELS[self.ebene]

    @property
    def ebene_plural(self) -> str:
        return EBENEN_PLURAL[self.ebene]

    @property
    def nenner_label(self) -> str:
        return NENNER_AUSWAHL[self.nenner]


def _parse_int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _init_state(key: str, requested, options: Sequence, default) -> None:  # noqa: ANN001
    """Put a valid value into session state before the widget is drawn.

    A new session starts from the link (query parameter); later the widget's own state wins.
    """
    current = st.session_state.get(key)
    if current in options:
        return
    st.session_state[key] = requested if requested in options else default


def sidebar_auswahl(dataset: Dataset) -> Auswahl:
    """Draw the shared selection in the sidebar and mirror it in the URL."""
    years = dataset.years()
    query = st.query_params
    _init_state(_STATE["jahr"], _parse_int(query.get("jahr")), years, years[-1] if years else None)
    _init_state(_STATE["ebene"], query.get("ebene"), list(EBENEN_AUSWAHL), "sozialraum")
    _init_state(_STATE["nenner"], query.get("nenner"), list(NENNER_AUSWAHL), "u21")
    _init_state(_STATE["skala"], _parse_int(query.get("skala")), list(SKALEN_AUSWAHL), 1000)
    for key, name in ((_KENNZAHL, "kennzahl"), (_RAUM, "raum")):
        if key not in st.session_state and query.get(name):
            st.session_state[key] = str(query.get(name))

    with st.sidebar:
        st.subheader("Auswahl")
        if years:
            jahr = st.selectbox("Jahr", options=list(reversed(years)), key=_STATE["jahr"],
                                help="Berichtsjahr; Stichtag der andauernden Hilfen ist der 31.12.")
        else:
            st.caption("Jahr: keine Jahre in den Daten")
            jahr = None
        if ist_oeffentlich():
            # Gemeinden are too small to publish help counts: the public view has Sozialräume only.
            ebene = "sozialraum"
            st.caption("Ebene: Sozialraum (in der öffentlichen Ansicht keine Planungsräume)")
        else:
            ebene = st.radio("Ebene", options=list(EBENEN_AUSWAHL), format_func=EBENEN_AUSWAHL.get,
                             key=_STATE["ebene"], horizontal=True,
                             help="Sozialräume fassen mehrere Planungsräume zusammen.")
        nenner = st.radio("Bezugsgröße des Eckwerts", options=list(NENNER_AUSWAHL),
                          format_func=NENNER_AUSWAHL.get, key=_STATE["nenner"],
                          help="Junge Menschen, auf die Eckwert und Ausgaben je Einwohner bezogen werden: "
                               "unter 21 Jahre (KVJS) oder unter 18 Jahre (AKJStat).")
        skala = st.radio("Skala des Eckwerts", options=list(SKALEN_AUSWAHL), format_func=SKALEN_AUSWAHL.get,
                         key=_STATE["skala"], horizontal=True,
                         help="Hilfen je 1.000 (KVJS) oder je 10.000 (AKJStat) junge Menschen.")
        auswahl = Auswahl(jahr=jahr, ebene=ebene or "sozialraum", nenner=nenner or "u21", skala=skala or 1000)
        st.caption(f"Gewählt: {auswahl.eckwert_label}")
        st.divider()
        st.caption(f"Daten: {escape_md(dataset.kreis_name)}"
                   + (f" · {dataset.stand_text()}" if dataset.stand_text() else "")
                   + (f" · {versionshinweis(dataset)}" if dataset.version is not None else ""))
    _mirror_in_url(auswahl)
    st.session_state[_CURRENT] = auswahl
    return auswahl


def _mirror_in_url(auswahl: Auswahl) -> None:
    """Keep ``?jahr=…&ebene=…&nenner=…&skala=…`` in step so a copied link shows the same view."""
    wanted = {"jahr": None if auswahl.jahr is None else str(auswahl.jahr), "ebene": auswahl.ebene,
              "nenner": auswahl.nenner, "skala": str(auswahl.skala),
              "kennzahl": st.session_state.get(_KENNZAHL), "raum": st.session_state.get(_RAUM)}
    for key, value in wanted.items():
        _setze_query(key, value)


def kennzahl_auswahl(optionen: dict, label: str = "Kennzahl", key: str = "w_kennzahl", **kwargs) -> str | None:  # noqa: ANN003
    """A select box of indicators (id -> object with ``label``) whose choice carries across pages and the URL."""
    ids = list(optionen)
    if not ids:
        return None
    stored = st.session_state.get(_KENNZAHL)
    # The shared choice wins over the widget's own (possibly stale) state; a change in the
    # widget updates the shared choice first (on_change runs before the rerun).
    st.session_state[key] = stored if stored in ids else ids[0]
    gewaehlt = st.selectbox(label, ids, format_func=lambda i: optionen[i].label, key=key,
                            on_change=lambda: setze_kennzahl(st.session_state[key]), **kwargs)
    setze_kennzahl(gewaehlt)
    return gewaehlt


def gebiet_auswahl(label: str, areas: Sequence[str], namen: dict[str, str], default: str,
                   key: str = "w_gebiet") -> str:
    """A select box of areas that starts at (and updates) the area selected on any page."""
    st.session_state[key] = default if default in areas else areas[0]
    gewaehlt = st.selectbox(label, list(areas), format_func=lambda a: namen.get(a, a), key=key,
                            on_change=lambda: setze_gebiet(st.session_state[key]))
    setze_gebiet(gewaehlt)
    return gewaehlt


def setze_kennzahl(kennzahl: str | None) -> None:
    st.session_state[_KENNZAHL] = kennzahl
    _setze_query("kennzahl", kennzahl)


def gewaehltes_gebiet() -> str | None:
    """The area last selected (on the map, in a ranking or a select box), on any page."""
    return st.session_state.get(_RAUM)


def setze_gebiet(raum_id: str | None) -> None:
    st.session_state[_RAUM] = raum_id
    _setze_query("raum", raum_id)


def _setze_query(name: str, value: str | None) -> None:
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def auswahl() -> Auswahl:
    """The selection of this run (drawn by app.py; drawn here when a page runs on its own)."""
    ueber_app_starten()
    current = st.session_state.get(_CURRENT)
    if current is None:
        current = sidebar_auswahl(get_dataset())
    return current


def hilfegruppen_auswahl() -> list[str]:
    """Help groups that have an Inanspruchnahme (not §42, §8a), in the catalogue's order."""
    return list(RATE_GROUPS)
