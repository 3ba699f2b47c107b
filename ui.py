"""Shared helpers of all pages: data access, the sidebar selection, KPI cards, charts.

Pages stay thin: they read the selection (:func:`auswahl`), ask the analysis package
(through :func:`get_dataset`, :func:`get_engine`, :func:`kennzahlen_tabelle`) and draw
with the helpers here. Every number a user sees goes through
``sozialraum_analytics.formatting``. Text from data files (area names, file names,
messages) is data: it is escaped before it reaches Markdown and is never rendered as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from sozialraum_analytics.dataset import Dataset, default_data_dir, load_folder
from sozialraum_analytics.einstellungen import einstellungen
from sozialraum_analytics.formatting import format_date, format_euro, format_number, format_percent, format_signed
from sozialraum_analytics.geheimhaltung import GESPERRT
from sozialraum_analytics.hilfearten import HILFEGRUPPEN_BY_ID, RATE_GROUPS
from sozialraum_analytics.kennzahlen import EBENE_LABELS, Engine, Optionen
from sozialraum_analytics.registry import describe
from sozialraum_analytics.tables import TABLES

DEMO_HINWEIS = "Demo-Daten: synthetischer Musterkreis, keine echten Personen oder Orte"
# Material icons ship with Streamlit; emoji would need a colour emoji font on the machine.
INFO = ":material/info:"
OK = ":material/check_circle:"

# --- the selection --------------------------------------------------------------------
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


def _ueber_app_starten() -> None:
    """Make sure a page runs inside app.py's ``st.navigation``, never on its own.

    Because the pages live in ``pages/``, Streamlit starts in its old "pages directory"
    mode until app.py has called ``st.navigation`` once in the process. If the first
    visitor after a server start opens a page link (``/entwicklung?jahr=2023``), Streamlit
    would run that file alone: no sidebar, no demo label, no wide layout, and the old mode
    would stay on for later visitors. Here the page switches the old mode off and reruns,
    so the same link is served through app.py. (AppTest starts every run in that mode too.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def streamlit_haerten() -> None:
    """Refuse the client's "clear cache" message: Streamlit's caches are shared by all visitors, and
    any anonymous client could otherwise make everyone wait for data and protection to load again.

    Streamlit offers no setting for it; the handler of that message is replaced (tested: the test
    fails loudly when Streamlit renames it).
    """
    import logging

    from streamlit.runtime.app_session import AppSession

    def ablehnen(_session: AppSession) -> None:
        logging.getLogger("sozialraum_analytics").warning("Anfrage eines Browsers, die Caches zu leeren: abgelehnt")

    if getattr(AppSession._handle_clear_cache_request, "__name__", "") != "ablehnen":
        AppSession._handle_clear_cache_request = ablehnen


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


def auswahl() -> Auswahl:
    """The selection of this run (drawn by app.py; drawn here when a page runs on its own)."""
    _ueber_app_starten()
    current = st.session_state.get(_CURRENT)
    if current is None:
        current = sidebar_auswahl(get_dataset())
    return current


# --- data -----------------------------------------------------------------------------
def data_dir() -> Path:
    return default_data_dir().resolve()


def _fingerprint(directory: Path) -> str:
    """Names, sizes and times of the files: new or changed files load anew (no file is read)."""
    if not directory.is_dir():
        return "fehlt"
    parts = []
    for path in sorted(directory.iterdir()):
        if path.is_file():
            info = path.stat()
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


_STORE = "store:"  # data-source key of a store version: "store:<url>"


@st.cache_resource(show_spinner=False)
def _store(url: str):  # noqa: ANN202
    from sozialraum_analytics.store import Store

    return Store(url)


def store():  # noqa: ANN201
    """The versioned data store (``SOZIALRAUM_DB``, default a file in ``SOZIALRAUM_ABLAGE``)."""
    from sozialraum_analytics.store import default_url

    return _store(default_url())


def _quelle() -> tuple[str, str]:
    """Where the data come from and a key that changes with them.

    The order of :func:`~sozialraum_analytics.dataset.datenquelle`, as for the command line: a folder
    named by ``SOZIALRAUM_DATEN``; otherwise the store's current version; with an empty store the demo
    Kreis. Every run asks the store for its current version, so all pages show one consistent version
    and a new import appears on the next click.
    """
    from sozialraum_analytics.dataset import datenquelle

    quelle = datenquelle(store=store)  # the cached store, opened only when no folder is set
    if quelle.ist_datenbank:
        # The database is part of the key: version 3 of one store is not version 3 of another;
        # the Kreis's settings too (name, Bedarfsindex classes: changed without a new version).
        return f"{_STORE}{quelle.url}", f"{quelle.version}:{store().einstellungen_schluessel()}"
    directory = quelle.ordner.resolve()
    return str(directory), _fingerprint(directory)


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load(path: str, fingerprint: str) -> Dataset:
    if path.startswith(_STORE):
        from sozialraum_analytics.dataset import load_store

        return load_store(store(), int(fingerprint.split(":", 1)[0]))
    return load_folder(path)


@st.cache_resource(show_spinner="Kennzahlen werden berechnet …", max_entries=8)
def _engine(path: str, fingerprint: str, nenner: str, skala: int, ausgaben_nenner: str) -> Engine:
    return Engine(_load(path, fingerprint), Optionen(nenner=nenner, skala=skala, ausgaben_nenner=ausgaben_nenner))


@st.cache_resource(show_spinner="Kleine Zahlen werden geschützt (Geheimhaltung) …", max_entries=4)
def _schutz(path: str, fingerprint: str, verfahren: str):  # noqa: ANN202
    """The public view's protection of one data version: the same for every denominator and scale.

    A store version brings its pattern along (worked out when it was saved); otherwise it is worked
    out here once, and for a store version kept with it for the next server.
    """
    from sozialraum_analytics.oeffentlich import Schutz

    dataset = _load(path, fingerprint)
    schutz = Schutz(verfahren)
    muster = schutz.muster(Engine(dataset, schutz=schutz))
    if path.startswith(_STORE) and verfahren not in dataset.sperrmuster:
        import logging

        try:
            store().sperrmuster_speichern(int(fingerprint.split(":", 1)[0]), muster)
        except Exception:  # noqa: BLE001 - worked out again by the next server
            logging.getLogger(__name__).exception("Sperrmuster für Version %s nicht gespeichert", fingerprint)
    return schutz


def version_vorbereiten(version_id: int) -> None:
    """Work out and keep the public view's protection of a stored version; a failure loses no data."""
    import logging

    from sozialraum_analytics.oeffentlich import version_vorbereiten as vorbereiten

    try:
        vorbereiten(store(), version_id)
    except Exception:  # noqa: BLE001 - the pattern is worked out again on first use
        logging.getLogger(__name__).exception("Sperrmuster für Version %s nicht gespeichert", version_id)


@st.cache_resource(show_spinner="Kennzahlen werden berechnet …", max_entries=8)
def _oeffentliche_engine(path: str, fingerprint: str, nenner: str, skala: int, ausgaben_nenner: str,
                         verfahren: str) -> Engine:
    return Engine(_load(path, fingerprint), Optionen(nenner=nenner, skala=skala, ausgaben_nenner=ausgaben_nenner),
                  schutz=_schutz(path, fingerprint, verfahren))


@st.cache_resource(show_spinner=False, max_entries=4)
def _oeffentlicher_bestand(path: str, fingerprint: str) -> Dataset:
    return _load(path, fingerprint).ohne_einzeldaten()


def get_dataset() -> Dataset:
    """The current dataset (store version, ``SOZIALRAUM_DATEN`` or the demo Kreis), cached.

    The public view gets it without case rows, case counts and money: its figures come only from
    the protected engine (:func:`get_engine`).
    """
    _ueber_app_starten()
    if ist_oeffentlich():
        return _oeffentlicher_bestand(*_quelle())
    return _load(*_quelle())


def get_engine(optionen: Optionen) -> Engine:
    """The indicator engine for the dataset, the chosen options and the view, cached.

    In the public view the engine carries the protection (:class:`~sozialraum_analytics.oeffentlich.Schutz`):
    every figure a page draws from it already obeys the confidentiality rules (server-side; the exact
    figures never reach the page).
    """
    if ist_oeffentlich():
        return _oeffentliche_engine(*_quelle(), optionen.nenner, optionen.skala, optionen.ausgaben_nenner,
                                    geheimhaltungsverfahren())
    return _engine(*_quelle(), optionen.nenner, optionen.skala, optionen.ausgaben_nenner)


def get_oeffentliche_engine(optionen: Optionen) -> Engine:
    """The public engine whatever the session's view (the presentation is always public)."""
    return _oeffentliche_engine(*_quelle(), optionen.nenner, optionen.skala, optionen.ausgaben_nenner,
                                geheimhaltungsverfahren())


@st.cache_data(show_spinner="Bericht wird zusammengestellt …", max_entries=16)
def _bericht(_engine: Engine, schluessel: tuple, jahr: int, raeume: tuple[str, ...], _meilensteine):  # noqa: ANN001, ANN202
    from sozialraum_analytics.ausschussbericht import bericht

    return bericht(_engine, jahr, list(raeume), meilensteine=_meilensteine)


def get_bericht(engine: Engine, jahr: int, raeume: Sequence[str] = (), meilensteine: pd.DataFrame | None = None):  # noqa: ANN201
    """The committee report (tables, charts, texts) of the engine's view, cached per data, choice and milestones."""
    stand = () if meilensteine is None else tuple(map(tuple, meilensteine[["id", "stand"]].to_numpy().tolist()))
    schluessel = (*_quelle(), engine.oeffentlich, engine.optionen.nenner, engine.optionen.skala,
                  engine.schutz.verfahren if engine.schutz else "", stand)
    return _bericht(engine, schluessel, jahr, tuple(raeume), meilensteine)


def versionshinweis(dataset: Dataset) -> str:
    """``Datenversion 7`` or the folder: named under every chart and export."""
    return f"Datenversion {dataset.version}" if dataset.version is not None else "Daten aus Ordner"


def kennzahlen_tabelle(dataset: Dataset, auswahl_: Auswahl, ebene: str) -> pd.DataFrame | None:
    """The engine's wide table for ``ebene``, or ``None`` (with a German note) when it cannot exist."""
    if ebene == "sozialraum" and not dataset.has("zuordnung"):
        st.info("Ohne die Tabelle „Zuordnung Planungsraum → Sozialraum“ gibt es keine Sozialräume. "
                "Wählen Sie links die Ebene „Planungsraum“ oder laden Sie die Zuordnung.", icon=INFO)
        return None
    if not dataset.years():
        return None
    try:
        with st.spinner("Kennzahlen werden berechnet …"):
            table = get_engine(auswahl_.optionen).table(ebene)
    except (KeyError, ValueError, IndexError) as error:
        st.warning(f"Die Kennzahlen der Ebene {EBENE_LABELS[ebene]} konnten aus diesen Daten nicht berechnet "
                   f"werden ({escape_md(type(error).__name__)}: {escape_md(str(error))}).", icon=":material/warning:")
        return None
    if table is None or table.empty:
        return None
    return table


def auszug(table: pd.DataFrame, jahr: int, hilfeart: str) -> pd.DataFrame:
    """Rows of one year and help group, indexed by area."""
    index = table.index
    mask = (index.get_level_values("jahr") == jahr) & (index.get_level_values("hilfeart") == hilfeart)
    return table[mask].droplevel(["jahr", "hilfeart"])


def zeitreihe(table: pd.DataFrame, hilfeart: str, spalte: str) -> pd.DataFrame:
    """One indicator of one help group: rows = years, columns = areas."""
    if spalte not in table.columns:
        return pd.DataFrame()
    rows = table[table.index.get_level_values("hilfeart") == hilfeart][spalte]
    return rows.droplevel("hilfeart").unstack("area").sort_index()


def wert(table: pd.DataFrame | None, jahr: int | None, area: str, hilfeart: str, spalte: str) -> float | None:
    """One value or ``None`` when the year, area, group or column is not there or empty."""
    if table is None or jahr is None or spalte not in table.columns:
        return None
    try:
        value = table.at[(jahr, area, hilfeart), spalte]
    except KeyError:
        return None
    return None if pd.isna(value) else float(value)


def kreis_label(dataset: Dataset) -> str:
    """``Musterkreis (Kreis)``, or just ``Kreis`` when the data do not name it."""
    from sozialraum_analytics.formatting import kreis_label as label

    return label(dataset.kreis_name)


def hilfegruppen_auswahl() -> list[str]:
    """Help groups that have an Inanspruchnahme (not §42, §8a), in the catalogue's order."""
    return list(RATE_GROUPS)


def hilfe_label(hilfeart: str) -> str:
    gruppe = HILFEGRUPPEN_BY_ID.get(hilfeart)
    return gruppe.label if gruppe else hilfeart


# --- what is missing ------------------------------------------------------------------
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


def demo_hinweis(dataset: Dataset) -> None:
    """The clearly visible label of synthetic data, on every page."""
    if dataset.synthetisch:
        st.warning(DEMO_HINWEIS, icon=":material/science:")


# --- text ----------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape_md(text: object) -> str:
    """Data text for Markdown: every formatting character escaped, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def plot_text(text: object) -> str:
    """Data text for plotly labels: its pseudo-HTML is escaped."""
    return html.escape(str(text), quote=False)


def format_kennzahl(kennzahl_id: str, value: float | None) -> str:
    """A value in the unit and precision the registry declares."""
    if value is None or pd.isna(value):
        return "–"
    info = describe(kennzahl_id)
    if info.einheit.startswith("EUR"):
        return format_euro(value, info.dezimalen)
    if info.einheit == "%":
        return format_percent(value, info.dezimalen)
    return format_number(value, info.dezimalen)


def delta_text(jetzt: float | None, vorher: float | None, decimals: int = 0, suffix: str = "",
               prozentpunkte: bool = False) -> str | None:
    """``+5 (+12,5 %) zum Vorjahr``; for shares ``+1,2 Prozentpunkte``; ``None`` without a previous year."""
    if jetzt is None or vorher is None:
        return None
    diff = jetzt - vorher
    if prozentpunkte:
        return f"{format_signed(diff, 1)} Prozentpunkte zum Vorjahr"
    text = format_signed(diff, decimals, suffix)
    if vorher:
        text += f" ({format_percent((jetzt / vorher - 1) * 100, 1, signed=True)})"
    return text + " zum Vorjahr"


def kpi(label: str, value: str, delta: str | None = None, help_text: str | None = None) -> None:
    """One KPI card; the delta is neutral grey (more help is not good or bad by itself)."""
    st.metric(label, value, delta=delta, delta_color="off" if delta else "normal", help=help_text, border=True)


def format_styler(frame: pd.DataFrame, formats: dict[str, callable]) -> pd.io.formats.style.Styler:
    """Numbers stay numbers (sortable), the user sees them German-formatted."""
    return frame.style.format({c: f for c, f in formats.items() if c in frame.columns})


_ZAHLTEXT = re.compile(r"[+\-−]?\s?[\d.,]+\s?(%|€| %| €)?")  # "+4,7 %" is a number for Excel, not a formula


def tabelle(frame: pd.DataFrame, formats: dict[str, callable] | None = None, **kwargs) -> None:  # noqa: ANN003
    """``st.dataframe`` with German number formats, no index and "–" for missing values."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    # The table's own CSV download hands text cells to Excel: neutralise formulas (=, +, -, @) first.
    from sozialraum_analytics.formatting import neutralise_formula

    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: v if not isinstance(v, str) or _ZAHLTEXT.fullmatch(v) else neutralise_formula(v))
    data = format_styler(frame, formats) if formats else frame
    st.dataframe(data, placeholder="–", **kwargs)


def kurznamen(names: Sequence[str]) -> dict[str, str]:
    """Names for legends and axes without a first word all of them share ("Sozialraum Nord" -> "Nord")."""
    from sozialraum_analytics.formatting import kurznamen as kurz

    return kurz(names)


# --- charts --------------------------------------------------------------------------
# The chart style (palette, symbols, named colours, the plotly template "sozialraum") and the figure
# builders are the package's (sozialraum_analytics.diagramme), shared with the exports; here only what
# needs Streamlit: drawing a figure and its image downloads.
from sozialraum_analytics.diagramme import (  # noqa: E402, F401 - the pages use these names through ui
    KLEINE_BASIS_FARBE,
    KREIS_FARBE,
    PALETTE,
    SETTING_FARBEN,
    SYMBOLS,
    TEMPLATE,
    UEBER_KREIS,
    UNTER_KREIS,
    figur,
    legende_platz,
    linie,
)
from sozialraum_analytics.diagramme import mit_fuss as _mit_fuss  # noqa: E402


def zeige(fig: go.Figure, key: str | None = None) -> None:
    """Draw a figure with our template (not Streamlit's theme) and a German-free, lean toolbar."""
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False, "locale": "de",
                                                      "modeBarButtonsToRemove": ["lasso2d", "select2d"]})
    dataset = get_dataset()
    if dataset.version is not None:
        st.caption(f"Quelle: {escape_md(dataset.quelle)}")
    bild_downloads(fig, key or "diagramm")


def exportfuss() -> str:
    """Source, version, view, date and denominator: the footer of every exported image.

    Worked out while the page runs: a download's data are drawn later, outside the session, where the
    view could no longer be told.
    """
    import datetime as dt

    dataset = get_dataset()
    auswahl_ = st.session_state.get(_CURRENT)
    nenner = f" · Bezugsgröße: {auswahl_.eckwert_label}, Hilfen je junge Menschen am 31.12." if auswahl_ else ""
    return (f"Quelle: {dataset.quelle} · {versionshinweis(dataset)} · "
            f"{'Öffentliche Ansicht' if ist_oeffentlich() else 'Planungsansicht (nicht zur Veröffentlichung)'} · "
            f"Stand {format_date(dt.date.today())}{nenner}")


def bild_downloads(fig: go.Figure, name: str) -> None:
    """PNG and SVG of a chart with the export footer; drawn on the server (kaleido) only when clicked."""
    from sozialraum_analytics.export import bild

    fuss = exportfuss()  # now, in the page's session: names the view the figure was made in
    spalten = st.columns([1, 1, 8])
    for spalte, fmt, mime in ((spalten[0], "png", "image/png"), (spalten[1], "svg", "image/svg+xml")):
        spalte.download_button(fmt.upper(), data=lambda fmt=fmt: bild(_mit_fuss(fig, fuss), fmt),
                               file_name=f"{name}.{fmt}", mime=mime, on_click="ignore", icon=":material/download:",
                               key=f"{name}_{fmt}", type="tertiary",
                               help=f"Diagramm als {fmt.upper()} mit Quelle, Datenversion, Ansicht und Bezugsgröße")


# --- maps ----------------------------------------------------------------------------
@st.cache_resource(show_spinner="Karte wird vorbereitet …", max_entries=8)
def _flaechen(path: str, fingerprint: str, ebene: str, anzeige: bool):  # noqa: ANN202
    """Polygons of a level (Sozialräume are their Planungsräume joined), for display or as drawn."""
    from sozialraum_analytics.karte import anzeige_geometrie, sozialraum_flaechen

    dataset = _load(path, fingerprint)
    planungsraeume = dataset.gebiete[["raum_id", "name", "geometry"]]
    if anzeige:
        planungsraeume = anzeige_geometrie(planungsraeume)
    if ebene == "planungsraum":
        return planungsraeume
    return sozialraum_flaechen(planungsraeume, dataset.planungsraeume())


def flaechen(dataset: Dataset, ebene: str, anzeige: bool = True):  # noqa: ANN201
    """The polygons of ``ebene`` (None without geometries); ``anzeige`` simplified for the browser."""
    if dataset.gebiete is None:
        return None
    if ebene == "sozialraum" and not dataset.has("zuordnung"):
        return None
    return _flaechen(*_quelle(), ebene, anzeige)


_KLICK = "_karte_letzter_klick"


def zeige_karte(fmap, auswahl_layer, key: str = "karte", height: int = 640) -> str | None:  # noqa: ANN001
    """Draw a folium map; returns the ``raum_id`` of an area just clicked (else None).

    Only clicks come back to Python (``returned_objects``), so panning and zooming never rerun
    the page; the selected area's outline is a layer st_folium swaps in place, so selecting an
    area keeps the zoom.
    """
    from streamlit_folium import st_folium

    result = st_folium(fmap, key=key, height=height, use_container_width=True,
                       returned_objects=["last_active_drawing"], feature_group_to_add=auswahl_layer)
    feature = (result or {}).get("last_active_drawing") or {}
    raum_id = (feature.get("properties") or {}).get("raum_id")
    if raum_id and raum_id != st.session_state.get(_KLICK):
        st.session_state[_KLICK] = raum_id
        return str(raum_id)
    return None


# --- page preamble ------------------------------------------------------------------------
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


def kennzahlen_katalog(engine: Engine, wofuer: str) -> dict:
    """The mappable indicators of the data; stops the page with a note when there are none."""
    from sozialraum_analytics.kartenwerte import merkmale

    katalog = merkmale(engine)
    if not katalog:
        st.info(f"Für {wofuer} fehlen Kennzahlen: laden Sie Fälle und Bevölkerung oder Sozialstrukturindikatoren.",
                icon=INFO)
        st.stop()
    return katalog


# --- views and access -------------------------------------------------------------------
# Two views: "planung" (exact figures, case-level data, uploads; needs a login) and "oeffentlich"
# (the committee view; confidentiality rules applied in the engine). Anonymous sessions only ever
# get the public view: app.py does not even register the planning pages for them.
PLANUNG, OEFFENTLICH = "planung", "oeffentlich"
ANSICHTEN = {PLANUNG: "Planung", OEFFENTLICH: "Öffentlich"}
_ANSICHT = "_ansicht"
_ANGEMELDET = "_angemeldet_als"
# Session state of a login (server side; a browser cannot set these keys):
_LOKAL = "_anmeldung_lokal"  # local login: (account name, fingerprint of its salt) at login time
_AKTIV = "_letzte_aktivitaet"  # time.monotonic() of the last page run of a logged-in session
_OIDC_GEMELDET = "_oidc_protokolliert"  # OIDC user whose login this session already logged


def oidc_konfiguriert() -> bool:
    """Whether the server has an ``[auth]`` section in its secrets (OIDC via ``st.login``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - unreadable secrets: no OIDC
        return False


def _anmeldeprotokoll():  # noqa: ANN202 - logging.Logger
    """The login log (``sozialraum_analytics.konten``); shown on the server's stderr when nothing else is set up."""
    import logging

    from sozialraum_analytics import konten

    if not konten.LOG.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        konten.LOG.addHandler(handler)
    if konten.LOG.getEffectiveLevel() > logging.INFO:
        konten.LOG.setLevel(logging.INFO)
    return konten.LOG


def sitzung_minuten() -> float | None:
    """``SOZIALRAUM_SITZUNG_MINUTEN``: minutes without activity after which a planner's session ends
    (default 60; ``0`` switches the limit off)."""
    return einstellungen().sitzung_minuten


def minuten_text(minuten: float) -> str:
    """``60``, ``0,5``: minutes as German text."""
    return f"{minuten:g}".replace(".", ",")


def _oidc_name() -> str | None:
    if not oidc_konfiguriert():
        return None
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name") or "angemeldet")
    except Exception:  # noqa: BLE001
        pass
    return None


_ENDE_HINWEIS = "_sitzung_ende_hinweis"  # why the session ended and when: ansicht_banner shows it for a minute


def _sitzung_beenden(meldung: str, grund: str, name: str) -> None:
    _anmeldeprotokoll().info("Sitzung beendet (%s): Konto %r", grund, name)
    abmelden()
    import time

    # Kept for a minute rather than shown once: the run that ends the session is often followed by reruns
    # (the planning page no longer exists, the start page switches to the Übersicht).
    st.session_state[_ENDE_HINWEIS] = (meldung, time.monotonic())


def angemeldet_als() -> str | None:
    """The planner of this session (local account or OIDC), or None.

    Ends the session (German note) when its local account was removed or got a new password (sessions
    logged in through :func:`anmelden_lokal`; the check reads the accounts file only when it changed),
    and when it was idle longer than :func:`sitzung_minuten` (local and OIDC sessions; OIDC is then
    logged out with ``st.logout``); otherwise counts this run as activity.
    """
    import time

    name = _oidc_name()
    if name is not None and st.session_state.get(_OIDC_GEMELDET) != name:
        st.session_state[_OIDC_GEMELDET] = name
        _anmeldeprotokoll().info("Anmeldung über den Identitätsdienst: %r", name)
    if name is None:
        name = st.session_state.get(_ANGEMELDET)
        if name is None:
            return None
        lokal = st.session_state.get(_LOKAL)
        if lokal is not None:
            from sozialraum_analytics import konten

            konto, kennung = lokal
            if konto != name or konten.kennungen().get(name, "") != kennung:
                _sitzung_beenden("Ihr Konto wurde entfernt oder sein Passwort geändert: Sie sind abgemeldet. "
                                 "Bitte melden Sie sich erneut an.", "Konto entfernt oder Passwort geändert", name)
                return None
    jetzt = time.monotonic()
    minuten = sitzung_minuten()
    zuletzt = st.session_state.get(_AKTIV)
    if minuten is not None and zuletzt is not None and jetzt - zuletzt > minuten * 60:
        _sitzung_beenden(f"Ihre Sitzung wurde nach {minuten_text(minuten)} Minuten ohne Aktivität beendet. "
                         "Bitte melden Sie sich erneut an.", "keine Aktivität", name)
        return None
    st.session_state[_AKTIV] = jetzt
    return name


def anmelden_lokal(name: str, passwort: str):  # noqa: ANN201 - konten.Anmeldung (true when logged in)
    """Log in with a local account (throttled, logged); the result's ``meldung`` is the German error."""
    import time

    from sozialraum_analytics import konten

    _anmeldeprotokoll()
    try:
        herkunft = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client address (tests)
        herkunft = None
    herkunft = herkunft if isinstance(herkunft, str) else None
    ergebnis = konten.anmelden(name, passwort, herkunft=herkunft)
    if ergebnis:
        st.session_state[_ANGEMELDET] = name
        st.session_state.pop(_ENDE_HINWEIS, None)
        st.session_state[_LOKAL] = (name, ergebnis.kennung)
        st.session_state[_AKTIV] = time.monotonic()
        st.session_state[_ANSICHT] = PLANUNG
    return ergebnis


def abmelden() -> None:
    name = st.session_state.pop(_ANGEMELDET, None) or _oidc_name()
    st.session_state.pop(_ENDE_HINWEIS, None)
    for schluessel in (_LOKAL, _AKTIV, _OIDC_GEMELDET):
        st.session_state.pop(schluessel, None)
    st.session_state[_ANSICHT] = OEFFENTLICH
    if name is not None:
        _anmeldeprotokoll().info("Abgemeldet: Konto %r", name)
    if oidc_konfiguriert():
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:  # noqa: BLE001
            pass


def ansicht() -> str:
    """The active view: public unless a logged-in planner chose the planning view."""
    if angemeldet_als() is None:
        return OEFFENTLICH
    return st.session_state.get(_ANSICHT, PLANUNG)


def ist_oeffentlich() -> bool:
    return ansicht() == OEFFENTLICH


def geheimhaltungsverfahren() -> str:
    """``SOZIALRAUM_GEHEIMHALTUNG``: ``sperren`` (default) or ``runden`` (all counts to multiples of 5)."""
    return einstellungen().geheimhaltung


def nur_planung() -> None:
    """Refuse a planning page to the public view (app.py does not register them; this is the second lock)."""
    _ueber_app_starten()  # a bookmarked planning page as the server's first request goes through app.py
    if ist_oeffentlich():
        st.error("Diese Seite gehört zur Planungsansicht und ist nur nach Anmeldung erreichbar.",
                 icon=":material/lock:")
        st.stop()


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


def geheimhaltungshinweise() -> list[str]:
    """German notes of the public view's protection: years withheld, Kreis totals and money hidden beyond the usual."""
    dataset = get_dataset()
    if not dataset.has_cases or not dataset.years():
        return []
    try:
        engine = get_oeffentliche_engine(Optionen())
        return engine.schutz.hinweise(engine)
    except (KeyError, ValueError, IndexError):
        return []


def sidebar_ansicht() -> None:
    """Login state and the choice of view in the sidebar."""
    with st.sidebar:
        name = angemeldet_als()
        if name is None:
            st.caption("Öffentliche Ansicht. Planerinnen und Planer melden sich auf der Seite **Anmelden** an.")
            return
        st.radio("Ansicht", list(ANSICHTEN), format_func=ANSICHTEN.get, horizontal=True,
                 index=list(ANSICHTEN).index(ansicht()), key="w_ansicht",
                 on_change=lambda: st.session_state.__setitem__(_ANSICHT, st.session_state["w_ansicht"]),
                 help="Öffentlich: was der Jugendhilfeausschuss sieht (Geheimhaltung). Planung: exakte Zahlen.")
        if st.button("Abmelden", icon=":material/logout:"):
            abmelden()
            st.rerun()


def zelle_anzahl(wert: float | None, vermerk: int = 0) -> str:
    """A count as the public view writes it: the number, "•" (gesperrt) or "–" (no data)."""
    if vermerk:
        return GESPERRT
    return format_number(wert, 0)


def anzahl_texte(optionen: Optionen, ebene: str, jahr: int, hilfeart: str | Sequence[str],
                 areas: Sequence[str], werte: Sequence[float], kennzahl: str | None = None) -> list:
    """Counts (or, with ``kennzahl``, that measure) as the active view writes them: in the public view
    "•" where suppressed (the whole column as text); in the planning view the numbers as they are.

    ``hilfeart`` is one group for all rows or one per row; ``areas`` one per row (the Kreis: KREIS_ID).
    """
    from sozialraum_analytics.dataset import KREIS_ID

    gruppen = [hilfeart] * len(areas) if isinstance(hilfeart, str) else list(hilfeart)
    if not ist_oeffentlich():
        return list(werte)
    engine = get_engine(optionen)
    vermerke = {e: engine.sperrvermerk(e, kennzahl) for e in ("sozialraum", "kreis")}
    texte = []
    for area, gruppe, wert in zip(areas, gruppen, werte):
        vermerk = vermerke["kreis" if area == KREIS_ID else ebene]
        code = int(vermerk.get((jahr, area, gruppe), 0))
        texte.append(zelle_anzahl(wert, code))  # all text: a table column holds one type
    return texte


def ist_gesperrt(optionen: Optionen, ebene: str, jahr: int | None, area: str, hilfeart: str, kennzahl: str) -> bool:
    """Whether the public view withholds this figure (then it shows "•", never "–")."""
    if not ist_oeffentlich() or jahr is None:
        return False
    try:
        vermerk = get_engine(optionen).sperrvermerk(ebene, kennzahl)
    except (KeyError, ValueError):
        return False
    return bool(vermerk.get((jahr, area, hilfeart), 0))


def gesperrte_jahre(optionen: Optionen, ebene: str, hilfeart: str, areas: Sequence[str] | None = None,
                    kennzahl: str | None = None) -> dict[str, list[int]]:
    """Per area the years whose figure the public view withholds (empty in the planning view)."""
    if not ist_oeffentlich():
        return {}
    try:
        vermerk = get_engine(optionen).sperrvermerk(ebene, kennzahl)
    except (KeyError, ValueError):
        return {}
    gesperrt = vermerk[(vermerk != 0) & (vermerk.index.get_level_values("hilfeart") == hilfeart)]
    out: dict[str, list[int]] = {}
    for jahr, area, _gruppe in gesperrt.index:
        if areas is None or area in areas:
            out.setdefault(area, []).append(int(jahr))
    return out


def keine_werte(text: str, gesperrt: dict[str, list[int]]) -> None:
    """The note for an empty chart: "gesperrt" when the public view withholds the values, else ``text``."""
    if gesperrt:
        st.info(f"Die Werte sind in der öffentlichen Ansicht gesperrt ({GESPERRT}): es sind so wenige Fälle, dass "
                "sie auf einzelne Familien schließen ließen.", icon=":material/lock:")
    else:
        st.info(text, icon=INFO)


def gesperrt_markieren(fig: go.Figure, jahre: Sequence[int]) -> None:
    """Mark withheld years of a bar chart on the axis with "• gesperrt", so a gap never reads as 0."""
    if not jahre:
        return
    fig.add_trace(go.Scatter(x=list(jahre), y=[0] * len(jahre), mode="text", text=[f"{GESPERRT} gesperrt"] * len(jahre),
                             textposition="top center", textfont=dict(size=15, color=KREIS_FARBE), showlegend=False,
                             hovertemplate="%{x}: gesperrt (Geheimhaltung)<extra></extra>"))


def text_oder_zahl(dezimalen: int = 0):  # noqa: ANN201
    """A table formatter that leaves pre-formatted text ("•") as it is."""
    return lambda v: v if isinstance(v, str) else format_number(v, dezimalen)


def steckbrief_download(optionen: Optionen, jahr: int, raum_id: str, ebene: str, key: str) -> None:
    """The Steckbrief as PDF (its figures, sentences, charts and tables), built only when clicked."""
    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import steckbrief_bericht

    engine = get_engine(optionen)
    st.download_button("PDF", data=lambda: export.steckbrief_pdf(steckbrief_bericht(engine, raum_id, jahr, ebene)),
                       file_name=f"steckbrief_{raum_id}_{jahr}_{'oeffentlich' if ist_oeffentlich() else 'planung'}.pdf",
                       mime="application/pdf", on_click="ignore", icon=":material/download:", key=key)


def bericht_downloads(optionen: Optionen, jahr: int, raeume: Sequence[str] = (), formate: Sequence[str] = ("xlsx", "csv"),
                      key: str = "bericht") -> None:
    """Download buttons for the committee report of the active view; built only when clicked."""
    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import bericht

    engine = get_engine(optionen)
    mimes = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
             "pdf": "application/pdf",
             "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
    ansicht_name = "oeffentlich" if ist_oeffentlich() else "planung"
    spalten = st.columns(len(formate) + 3)
    for spalte, fmt in zip(spalten, formate):
        def daten(fmt: str = fmt) -> bytes:
            report = bericht(engine, jahr, list(raeume), mit_karte=fmt in ("pdf", "pptx"))
            return export.schreiben(report, fmt)
        spalte.download_button(fmt.upper(), data=daten, file_name=f"{key}_{jahr}_{ansicht_name}.{fmt}",
                               mime=mimes[fmt], on_click="ignore", icon=":material/download:", key=f"{key}_{fmt}")


# --- per-area values, cached (a city of 1,100 Planungsräume: the names alone take a while) ------------
def _engine_schluessel(engine: Engine) -> tuple:
    """What makes one engine: data source, view, denominator, scale and protection (a cache key)."""
    optionen = engine.optionen
    return (*_quelle(), engine.oeffentlich, optionen.nenner, optionen.skala, optionen.ausgaben_nenner,
            engine.schutz.verfahren if engine.schutz else "")


@st.cache_data(show_spinner=False, max_entries=64)
def _gebietswerte(_engine: Engine, schluessel: tuple, _merkmal, merkmal: tuple, ebene: str, jahr: int):  # noqa: ANN001, ANN202
    from sozialraum_analytics.kartenwerte import gebietswerte

    return gebietswerte(_engine, _merkmal, ebene, jahr)


def gebietswerte_gecacht(engine: Engine, merkmal, ebene: str, jahr: int):  # noqa: ANN001, ANN201 - kartenwerte types
    """:func:`~sozialraum_analytics.kartenwerte.gebietswerte`, cached per data, view, options, Merkmal, level and year."""
    import dataclasses

    return _gebietswerte(engine, _engine_schluessel(engine), merkmal, dataclasses.astuple(merkmal), ebene, jahr)


@st.cache_data(show_spinner=False, max_entries=32)
def _bedarf_und_hilfe(_engine: Engine, schluessel: tuple, ebene: str, jahr: int, hilfeart: str) -> pd.DataFrame:
    from sozialraum_analytics.kartenwerte import bedarf_und_hilfe

    return bedarf_und_hilfe(_engine, ebene, jahr, hilfeart)


def bedarf_und_hilfe_gecacht(engine: Engine, ebene: str, jahr: int, hilfeart: str) -> pd.DataFrame:
    """:func:`~sozialraum_analytics.kartenwerte.bedarf_und_hilfe`, cached like :func:`gebietswerte_gecacht`."""
    return _bedarf_und_hilfe(engine, _engine_schluessel(engine), ebene, jahr, hilfeart)


@st.cache_data(show_spinner=False, max_entries=8)
def _sozialraum_namen(_dataset: Dataset, quelle: tuple) -> dict[str, str]:
    pr = _dataset.planungsraeume()
    return dict(zip(pr["raum_id"], pr["sozialraum_name"]))


def sozialraum_je_planungsraum(dataset: Dataset) -> dict[str, str]:
    """The (unique) Sozialraum label of every Planungsraum, cached per data source."""
    return _sozialraum_namen(dataset, (*_quelle(), ist_oeffentlich()))
