"""Data access, cached: the store, the data source, dataset and engines of both views, the report, per-area values.

Streamlit's caches are shared by all sessions; every key names the data source and its version.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from sozialraum_analytics.dataset import Dataset, default_data_dir, load_folder
from sozialraum_analytics.kennzahlen import EBENE_LABELS, Engine, Optionen

from .streamlit_intern import ueber_app_starten
from .text import INFO, escape_md
from .zugang import geheimhaltungsverfahren, ist_oeffentlich

if TYPE_CHECKING:
    from .auswahlzustand import Auswahl


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
    ueber_app_starten()
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
