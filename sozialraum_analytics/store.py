"""The data store: what planners import, kept in a real database, versioned, all or nothing.

One code path for both databases (SQLAlchemy Core): an embedded SQLite file by default
(``SOZIALRAUM_DB`` unset: ``<data dir>/sozialraum.db``; or a file path), PostgreSQL when
``SOZIALRAUM_DB`` is a URL (``postgresql+psycopg://user@host:port/db``).

Model:
- every accepted file becomes an *Import* (its rows in ``daten_<art>``, tagged with the import id);
- every change of the data is a *Version*: the full set of imports the dashboard shows, one per
  kind of table (``versionsinhalt``). A new import of ``faelle`` makes a version that takes the
  previous version's tables and the new ``faelle``. A rollback makes a new version with the
  content of an old one, so the history is never rewritten;
- the current version is the newest one. An import is one transaction: rows, import and version
  are committed together or not at all, and readers see the old version until the commit.

Two imports at once are serialised by an advisory lock (PostgreSQL) or the database's single
writer (SQLite, ``BEGIN IMMEDIATE``), so neither loses the other's table. The second one waits in
short tries, says once that it waits (``beim_warten``) and gives up only after
``SOZIALRAUM_WARTEN_MAX_S`` seconds (default 30 minutes).

Imports go in as Arrow (ADBC): PostgreSQL's driver in this process (binary COPY), SQLite's driver in
a short-lived writer process (it carries its own copy of SQLite, whose file locks Python's sqlite3 in
the same process would not see). The yearly counts of a case import are worked out when it is saved
(the engine's counting rule) and kept with it (``faelle_jahreszahlen``); :meth:`Store.fallzahlen`
reads them. Kinds without a file database (``:memory:``) and the areas' geometries go the old way.

The schema is built by the numbered, frozen migrations of :mod:`.migrationen`; the tables below
describe it for the queries. The data tables (``daten_<art>``) follow the live data contract: a
column added to it is added to an existing database when the store opens.

The SQLite file holds case-level data: its folder is created 0700, the file and its ``-wal`` and
``-shm`` siblings are kept 0600.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import hashlib
import itertools
import logging
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .einstellungen import einstellungen as server_einstellungen  # `einstellungen`: the table below
from .jahresstand import JAHRESARTEN, MODI, zusammenfuehren
from .migrationen import MIGRATIONS, SCHEMA_VERSION, VERTRAG_AB, schritt, vertrag_abgleichen, vertrag_fingerabdruck
from .tables import DATE, HILFEART, ID, INT, KEY, KINDS, NUMBER, SETTING, TABLES, TEXT, YEAR

# Columns the readers derive beyond the contract's: the help a §41 continues, the age range.
_DERIVED = {"faelle": {"basis": TEXT}, "fallzahlen": {"basis": TEXT}, "kosten": {"basis": TEXT},
            "bevoelkerung": {"alter_von": NUMBER, "alter_bis": NUMBER},
            "bevoelkerungsprognose": {"alter_von": NUMBER, "alter_bis": NUMBER}}
_SQL_TYPES = {KEY: sa.Text, TEXT: sa.Text, ID: sa.Text, HILFEART: sa.Text, SETTING: sa.Text, "richtung": sa.Text,
              INT: sa.Integer, YEAR: sa.Integer, NUMBER: sa.Float, DATE: sa.Date}
_CATEGORIES = ("raum_id", "sozialraum_id", "hilfeart", "setting")
GEOBASIS = "geobasis:"  # the setting that keeps an imported geometry's map credit, by import id


def _columns(kind: str) -> dict[str, str]:
    """Stored columns of a kind: the contract's, each number's ``_grund`` and the derived ones."""
    columns: dict[str, str] = {}
    for spec in TABLES[kind].columns:
        columns[spec.name] = spec.type
        if spec.type in (NUMBER, INT):
            columns[f"{spec.name}_grund"] = TEXT
    columns.update(_DERIVED.get(kind, {}))
    return columns


metadata = sa.MetaData()
schema_info = sa.Table("schema_info", metadata, sa.Column("version", sa.Integer, nullable=False))
importe = sa.Table(
    "importe", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("art", sa.String(40), nullable=False),  # 40 since migration 12
    sa.Column("datei", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("zeilen", sa.Integer, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
    # SQLite: the rowids of the import's rows (one range: written in one go, never deleted); see _zeilen_von
    sa.Column("zeile_von", sa.BigInteger),
    sa.Column("zeile_bis", sa.BigInteger),
)
versionen = sa.Table(
    "versionen", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
    sa.Column("aktion", sa.Text, nullable=False),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=True),
)
versionsinhalt = sa.Table(
    "versionsinhalt", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versionen.id"), primary_key=True),
    sa.Column("art", sa.String(40), primary_key=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False),
)


@functools.lru_cache(maxsize=64)
def _daten_tabelle(kind: str, spalten: tuple[tuple[str, str], ...]) -> sa.Table:
    table = sa.Table(f"daten_{kind}", sa.MetaData(), sa.Column("import_id", sa.Integer, nullable=False))
    for name, kind_type in spalten:
        table.append_column(sa.Column(name, sa.LargeBinary if kind_type == "geometrie" else _SQL_TYPES[kind_type]))
    return table


def daten_tabelle(kind: str) -> sa.Table:
    """The table of a kind's rows as the live contract describes it (for queries, not DDL)."""
    if kind == "gebiete":
        spalten = (("raum_id", TEXT), ("name", TEXT), ("geometrie", "geometrie"))
    else:
        spalten = tuple(_columns(kind).items())
    return _daten_tabelle(kind, spalten)


class _DatenTabellen(Mapping):
    """``DATEN[kind]``: looked up on each use, so that a changed contract is seen at once."""

    def __getitem__(self, kind: str) -> sa.Table:
        if kind not in KINDS:
            raise KeyError(kind)
        return daten_tabelle(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


DATEN: Mapping[str, sa.Table] = _DatenTabellen()


def vertrag() -> dict[str, dict[str, sa.types.TypeEngine]]:
    """The data tables' columns as the live contract wants them (``daten_gebiete`` is not contract-driven)."""
    return {f"daten_{kind}": {name: _SQL_TYPES[kind_type]() for name, kind_type in _columns(kind).items()}
            for kind in KINDS if kind != "gebiete"}


spaltenzuordnungen = sa.Table(
    "spaltenzuordnungen", metadata,
    sa.Column("art", sa.String(40), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("zuordnung", sa.Text, nullable=False),  # JSON: {"Spalte der Datei": "kanonischer Name"}
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text),  # migration 8; NULL for profiles saved before
)

# The steering group's milestones: the current state and every earlier state (history).
def _meilenstein_spalten() -> list[sa.Column]:
    return [sa.Column("titel", sa.Text, nullable=False),
            sa.Column("raum_id", sa.Text),  # NULL: all Sozialräume (the whole Kreis)
            sa.Column("faellig", sa.Date, nullable=False),
            sa.Column("status", sa.String(30), nullable=False),
            sa.Column("verantwortlich", sa.Text),
            sa.Column("notiz", sa.Text)]


meilensteine = sa.Table(
    "meilensteine", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_meilenstein_spalten(),
    sa.Column("stand", sa.Integer, nullable=False),  # revision: 1 when created, +1 per change
    sa.Column("geloescht", sa.Boolean, nullable=False, default=False),
)
meilenstein_historie = sa.Table(
    "meilenstein_historie", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meilenstein_id", sa.Integer, sa.ForeignKey("meilensteine.id"), nullable=False, index=True),
    sa.Column("stand", sa.Integer, nullable=False),
    sa.Column("aktion", sa.String(20), nullable=False),  # angelegt, geändert, gelöscht
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
    *_meilenstein_spalten(),
)

# The public view's suppression pattern of a version (oeffentlich.Sperrmuster), worked out when the
# version is saved, so that no visitor waits for it.
sperrmuster_tabelle = sa.Table(
    "sperrmuster", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versionen.id"), primary_key=True),
    sa.Column("verfahren", sa.String(20), primary_key=True),
    sa.Column("daten", sa.LargeBinary, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
)

# The yearly counts of a case import (migration 9), worked out with the engine's counting rule when the
# import is saved and kept with it as one Arrow IPC stream; fallzahlen() reads them instead of grouping
# the case rows.
faelle_jahreszahlen = sa.Table(
    "faelle_jahreszahlen", metadata,
    sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), primary_key=True),
    sa.Column("zeilen", sa.Integer, nullable=False),
    sa.Column("daten", sa.LargeBinary, nullable=False),  # Arrow IPC stream of the counts
    sa.Column("dauern", sa.LargeBinary),  # Arrow IPC stream of the grouped durations (migration 11)
)

# Settings of the Kreis that belong to the data, not to a server (the Kreis name), with who set them.
einstellungen = sa.Table(
    "einstellungen", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("wert", sa.Text, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
)

vertragsspalten = sa.Table(
    "vertragsspalten", metadata,
    sa.Column("tabelle", sa.String(60), primary_key=True),
    sa.Column("spalte", sa.String(100), primary_key=True),
    sa.Column("typ", sa.Text, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
)

_log = logging.getLogger(__name__)
WARTEN_MELDUNG = "Ein anderer Import schreibt gerade in die Datenablage; dieser wartet, bis er fertig ist."
WARTEN_VERSUCH_S = 1.0  # one try for the write lock; between tries the waiting is said once
_LESEN_TIMEOUT_MS = 60_000
_PG_SPERRE = 78123  # the advisory lock of all writers


class Unveraendert(Exception):
    """The file is the one the current version already holds for its kind: nothing to store."""


class StoreError(Exception):
    """A German message for the user (unknown version, nothing to roll back …)."""


@dataclass(frozen=True)
class Version:
    """One state of the data: ``inhalt`` maps each kind to its import (file, rows, SHA-256)."""

    id: int
    zeit: dt.datetime
    benutzer: str
    aktion: str
    inhalt: dict[str, dict]
    aenderung: str = ""  # what an import changed ("2020 neu, 2021–2023 unverändert"); only on the returned version


def ablage() -> Path:
    """The data directory of the embedded store: ``SOZIALRAUM_ABLAGE`` or ``~/.sozialraum-analytics``."""
    return server_einstellungen().ablage


def default_url() -> str:
    """``SOZIALRAUM_DB`` as given (database URL or file path), else ``sozialraum.db`` in :func:`ablage`."""
    value = server_einstellungen().db
    if value and "://" in value:
        return value
    path = Path(value).expanduser() if value else ablage() / "sozialraum.db"
    return f"sqlite:///{path.resolve()}"


@dataclass(frozen=True)
class Zuordnungsprofil:
    """A saved column mapping: who saved it when (``benutzer`` None: saved before that was recorded)."""

    art: str
    name: str
    zuordnung: dict[str, str]
    zeit: dt.datetime
    benutzer: str | None


class Store:
    """A versioned store on one database URL; the schema is migrated on open.

    ``migrieren=False`` opens without migrating (to build an old schema: ``Store(url,
    migrieren=False).migrate(bis=3)``). ``warten_versuch_s`` (one try for the write lock) and
    ``warten_max_s`` (``SOZIALRAUM_WARTEN_MAX_S``, default 1800) govern how a writer waits for another.
    """

    def __init__(self, url: str | None = None, *, migrieren: bool = True):
        self.url = url or default_url()
        self.sqlite = self.url.startswith("sqlite")
        self.warten_versuch_s = WARTEN_VERSUCH_S
        self.warten_max_s = _warten_max_s()
        self.datei: Path | None = None
        if self.sqlite:
            path = self.url.removeprefix("sqlite:///")
            if path and path != ":memory:" and not path.startswith("file:"):
                self.datei = Path(path)
                _datei_anlegen(self.datei)
            self.engine = sa.create_engine(self.url, connect_args={"timeout": _LESEN_TIMEOUT_MS / 1000,
                                                                   "isolation_level": None})

            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(connection, _record) -> None:  # noqa: ANN001
                cursor = connection.cursor()
                # Readers keep reading the last committed version while an import writes (WAL).
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()
                if self.datei is not None:
                    _rechte_festziehen(self.datei)  # the -wal and -shm files WAL has just made

            @sa.event.listens_for(self.engine, "begin")
            def _begin(connection) -> None:  # noqa: ANN001
                # A writing transaction takes the single writer lock at its start, not at its first
                # write (so two imports queue instead of failing); readers never wait for it (WAL).
                if connection.info.get("schreiben"):
                    self._sqlite_sperre(connection, connection.info.get("beim_warten"))
                else:
                    connection.exec_driver_sql("BEGIN")
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        if migrieren:
            self.migrate()

    # --- schema ---------------------------------------------------------------------
    def migrate(self, bis: int | None = None) -> int:
        """Bring the schema to :data:`SCHEMA_VERSION` (or to migration ``bis``) and the data tables to the
        live contract; returns the version the database had before."""
        ziel = SCHEMA_VERSION if bis is None else min(bis, SCHEMA_VERSION)
        abgleich = ziel >= VERTRAG_AB and ziel == SCHEMA_VERSION
        fingerabdruck = vertrag_fingerabdruck(vertrag()) if abgleich else None
        with self.engine.connect() as conn:
            stand = self._stand(conn)
        if stand is not None and stand["version"] >= ziel and (not abgleich or stand.get("vertrag") == fingerabdruck):
            return stand["version"]  # up to date: no lock, so readers open the store during an import
        with self._transaction() as conn:
            stand = self._stand(conn)
            if stand is None:
                schema_info.create(conn)
                conn.execute(schema_info.insert().values(version=0))
                stand = {"version": 0}
            before = stand["version"]
            for number, _description in MIGRATIONS:
                if before < number <= ziel:
                    schritt(number)(conn)
                    conn.execute(schema_info.update().values(version=number))
            if abgleich and stand.get("vertrag") != fingerabdruck:
                vertrag_abgleichen(conn, vertrag())
        return before

    def _stand(self, conn: sa.Connection) -> dict | None:
        """``schema_info`` as a dict (``version``; ``vertrag`` from migration 7), None in an empty database."""
        if not self.engine.dialect.has_table(conn, "schema_info"):
            return None
        return dict(conn.execute(sa.text("SELECT * FROM schema_info")).mappings().one())

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(schema_info.c.version)).scalar_one()

    @contextmanager
    def _transaction(self, beim_warten: Callable[[str], None] | None = None) -> Iterator[sa.Connection]:
        """A writing transaction; writers are serialised (SQLite: ``BEGIN IMMEDIATE``, PostgreSQL: an
        advisory lock). A writer that finds the lock taken calls ``beim_warten(meldung)`` once and waits."""
        with self.engine.connect() as conn:
            conn.info["schreiben"] = True
            conn.info["beim_warten"] = beim_warten
            try:
                with conn.begin():
                    if not self.sqlite:
                        self._pg_sperre(conn, beim_warten)
                    yield conn
            finally:
                conn.info.pop("schreiben", None)
                conn.info.pop("beim_warten", None)

    def _sqlite_sperre(self, connection: sa.Connection, beim_warten: Callable[[str], None] | None) -> None:
        """``BEGIN IMMEDIATE`` in tries of :attr:`warten_versuch_s`, up to :attr:`warten_max_s` in all."""
        import sqlite3

        beginn = time.monotonic()
        gewartet = False
        try:
            while True:
                versuch = min(self.warten_versuch_s, max(0.0, self.warten_max_s - (time.monotonic() - beginn)))
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(versuch * 1000)}")
                try:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    return
                except sa.exc.OperationalError as error:
                    belegt = isinstance(error.orig, sqlite3.OperationalError) and (
                        "locked" in str(error.orig) or "busy" in str(error.orig))
                    if not belegt:
                        raise
                self._warten(beginn, gewartet, beim_warten)
                gewartet = True
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {_LESEN_TIMEOUT_MS}")

    def _pg_sperre(self, conn: sa.Connection, beim_warten: Callable[[str], None] | None) -> None:
        beginn = time.monotonic()
        gewartet = False
        while not conn.execute(sa.text(f"SELECT pg_try_advisory_xact_lock({_PG_SPERRE})")).scalar_one():
            self._warten(beginn, gewartet, beim_warten)
            gewartet = True
            time.sleep(min(self.warten_versuch_s, 0.5))

    def _warten(self, beginn: float, gewartet: bool, beim_warten: Callable[[str], None] | None) -> None:
        """After a failed try: say once that this writer waits; give up after :attr:`warten_max_s`."""
        if time.monotonic() - beginn >= self.warten_max_s:
            minuten = self.warten_max_s / 60
            zahl, einheit = (minuten, "Minute") if minuten >= 1 else (self.warten_max_s, "Sekunde")
            dauer = f"{zahl:g}".replace(".", ",") + f" {einheit}{'' if zahl == 1 else 'n'}"
            raise StoreError(f"Die Datenablage ist seit {dauer} von einem anderen Import belegt; nichts "
                             "gespeichert. Bitte später erneut versuchen (die Wartezeit setzt "
                             "SOZIALRAUM_WARTEN_MAX_S).")
        if not gewartet:
            _log.warning(WARTEN_MELDUNG)
            if beim_warten is not None:
                beim_warten(WARTEN_MELDUNG)

    # --- import ---------------------------------------------------------------------
    def importieren(self, kind: str, frame, datei: str, inhalt: bytes, benutzer: str | None = None,  # noqa: ANN001
                    fortschritt=None, modus: str = "ergaenzen",  # noqa: ANN001
                    beim_warten: Callable[[str], None] | None = None) -> Version:
        """Store a validated table (the frame :func:`readers.read_table` returns) as a new version.

        ``modus="ergaenzen"`` (default): for kinds with years the rows of the file's years replace
        those years, the other years of the current version stay; ``"ersetzen"``: only the file
        counts. The returned version's ``aenderung`` says which years are new, replaced, kept.
        All or nothing: on any error nothing of it is stored and the current version stays.
        ``fortschritt(done, total)`` is called after each batch of rows (a progress bar).
        ``beim_warten(meldung)`` is called once if another import holds the database and this one
        waits for it (:data:`WARTEN_MELDUNG`); after ``SOZIALRAUM_WARTEN_MAX_S`` seconds a StoreError.
        """
        if kind not in DATEN:
            raise StoreError(f"Unbekannte Art „{kind}“; erlaubt: {', '.join(KINDS)}")
        if modus not in MODI:
            raise StoreError(f"Unbekannter Modus „{modus}“; erlaubt: {', '.join(MODI)}")
        adbc = kind != "gebiete" and (not self.sqlite or self.datei is not None)
        # The SQLite writer process starts now, while this one prepares the rows (it imports pyarrow and
        # the driver meanwhile); it is ended below if the import stops before it writes.
        kind_prozess = self._schreiber_starten() if adbc and self.sqlite else None
        try:
            return self._importieren(kind, frame, datei, inhalt, benutzer, fortschritt, modus, beim_warten,
                                     adbc, kind_prozess)
        finally:
            if kind_prozess is not None:
                _beenden(kind_prozess)

    def _importieren(self, kind: str, frame, datei: str, inhalt: bytes, benutzer: str | None,  # noqa: ANN001
                     fortschritt, modus: str, beim_warten: Callable[[str], None] | None,  # noqa: ANN001
                     adbc: bool, kind_prozess) -> Version:  # noqa: ANN001
        sha256 = hashlib.sha256(inhalt).hexdigest()
        aktuell = self.aktuelle_version()
        vorher = aktuell.inhalt.get(kind) if aktuell is not None else None
        if vorher is not None and vorher["sha256"] == sha256 and (modus == "ergaenzen" or vorher["zeilen"] == len(frame)):
            raise Unveraendert(f"Die Datei ist dieselbe wie „{vorher['datei']}“ in Version {aktuell.id} (importiert "
                               f"am {vorher['zeit']:%d.%m.%Y %H:%M}): nichts gespeichert, keine neue Version.")
        alt = self.tabelle(kind, aktuell) if vorher is not None and kind in JAHRESARTEN else None
        zusammen = zusammenfuehren(kind, alt, frame, modus) if kind != "gebiete" else None
        if zusammen is not None:
            frame = zusammen.frame
            if zusammen.behaelt_alte_zeilen:
                frueher = [d for d in vorher["datei"].split(" + ") if d != datei]
                datei = " + ".join([datei, *frueher])
        aenderung = zusammen.text() if zusammen is not None else ("ersetzt den bisherigen Stand" if vorher else "")
        aktion = f"Import ({aenderung})" if aenderung else "Import"
        benutzer = benutzer or _benutzer()
        now = dt.datetime.now().replace(microsecond=0)
        if adbc:
            # Arrow all the way: the rows go in as Arrow tables (ADBC); the yearly counts are worked out
            # meanwhile and saved with them.
            kopf = {"art": kind, "tabelle": f"daten_{kind}", "datei": datei, "sha256": sha256, "benutzer": benutzer,
                    "aktion": aktion, "batch": ADBC_BATCH, "zeilen": len(frame)}

            def zahlen() -> tuple[bytes, int, bytes | None] | None:
                return _jahreszahlen_ipc(frame) if kind == "faelle" else None

            if self.sqlite:
                version_id = self._sqlite_kind(kind_prozess, kopf, now, frame, zahlen, fortschritt, beim_warten)
            else:
                version_id = self._postgres_adbc(kopf, now, frame, zahlen, fortschritt, beim_warten)
            return replace(self.version(version_id), aenderung=aenderung)
        rows = _rows_for_storage(kind, frame)
        names = list(rows)
        n_rows = len(rows[names[0]]) if names else 0
        with self._transaction(beim_warten) as conn:
            import_id = conn.execute(importe.insert().values(
                art=kind, datei=datei, sha256=sha256, zeilen=n_rows, zeit=now,
                benutzer=benutzer)).inserted_primary_key[0]
            table = DATEN[kind]
            vor = self._groesste_rowid(conn, table)
            batch = 20_000
            columns = [rows[name] for name in names]
            for start in range(0, n_rows, batch):
                stop = min(start + batch, n_rows)
                tuples = list(zip(itertools.repeat(import_id, stop - start), *(c[start:stop] for c in columns)))
                self._insert(conn, table, ["import_id", *names], tuples)
                if fortschritt is not None:
                    fortschritt(stop, n_rows)
            if self.sqlite:
                nach = self._groesste_rowid(conn, table)
                if nach - vor == n_rows:
                    conn.execute(importe.update().where(importe.c.id == import_id).values(zeile_von=vor + 1,
                                                                                          zeile_bis=nach))
            if kind == "gebiete" and frame.attrs.get("geobasis"):
                # The credit the geometry needs on a map (geo.geobasis), kept with this import.
                conn.execute(einstellungen.insert().values(name=f"{GEOBASIS}{import_id}", wert=frame.attrs["geobasis"],
                                                           zeit=now, benutzer=benutzer))
            previous = self._current_content(conn)
            previous[kind] = import_id
            return replace(self._new_version(conn, aktion, import_id, previous, benutzer, now), aenderung=aenderung)

    def _groesste_rowid(self, conn: sa.Connection, table: sa.Table) -> int:
        if not self.sqlite:
            return 0
        return conn.execute(sa.text(f'SELECT coalesce(max(rowid), 0) FROM "{table.name}"')).scalar_one()

    def _zeilen_von(self, conn: sa.Connection, table: sa.Table, import_id: int) -> sa.ColumnElement[bool]:
        """The condition that picks one import's rows from its data table.

        By ``import_id``; on SQLite narrowed to the import's rowid range (migration 10: no index over
        import_id), so that SQLite reads only those rows. The range is used only when it checks out (as
        many rowids as the import has rows, its first and last row belong to the import); the rows of
        an import are written in one go and never deleted, so a range that does not check out means
        the rows were renumbered (``VACUUM``): then all rows are scanned, and the result is the same.
        """
        bedingung = table.c.import_id == import_id
        if not self.sqlite:
            return bedingung  # PostgreSQL: the BRIN index over import_id
        von, bis, zeilen = conn.execute(sa.select(importe.c.zeile_von, importe.c.zeile_bis, importe.c.zeilen)
                                        .where(importe.c.id == import_id)).one()
        rowid = sa.literal_column(f'"{table.name}".rowid')
        if von is not None and bis - von + 1 == zeilen:
            if zeilen == 0:
                return sa.and_(rowid.between(von, bis), bedingung)
            enden = conn.execute(sa.select(table.c.import_id).where(rowid.in_([von, bis]))).scalars().all()
            if len(enden) == len({von, bis}) and all(e == import_id for e in enden):
                return sa.and_(rowid.between(von, bis), bedingung)
        _log.warning("Zeilenbereich von Import %s passt nicht (umnummeriert?): alle Zeilen von %s werden gelesen.",
                     import_id, table.name)
        return bedingung

    def _postgres_adbc(self, kopf: dict, now: dt.datetime, frame: pd.DataFrame,
                       zahlen: Callable[[], tuple[bytes, int, bytes | None] | None], fortschritt,  # noqa: ANN001
                       beim_warten: Callable[[str], None] | None) -> int:
        """One import through ADBC (binary COPY) in this process, after the writers' advisory lock, all or
        nothing. Two threads work beside the load (the driver does not hold the GIL while it loads): one
        converts the next batch of rows to Arrow, one counts the cases. Returns the new version's id."""
        from concurrent.futures import ThreadPoolExecutor

        import adbc_driver_postgresql.dbapi as pg_dbapi
        import pyarrow as pa

        spalten = _speicherspalten(kopf["art"], frame)

        def teil(start: int) -> pa.Table:  # COPY streams batches of PG_CHUNK rows (one big batch is 2x slower)
            table = _arrow_for_storage(kopf["art"], frame.iloc[start:start + ADBC_BATCH], sqlite=False, spalten=spalten)
            return pa.Table.from_batches(table.to_batches(max_chunksize=PG_CHUNK), schema=table.schema)

        uri = sa.engine.make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with pg_dbapi.connect(uri) as conn, ThreadPoolExecutor(1) as zaehler, ThreadPoolExecutor(1) as wandler:
            umgewandelt = [wandler.submit(teil, start) for start in range(0, len(frame), ADBC_BATCH)]
            with conn.cursor() as cursor:
                def sql(query: str, params: tuple = ()) -> list[tuple]:
                    cursor.execute(query, params or None)
                    return cursor.fetchall() if cursor.description else []

                def laden(tabelle: str, table) -> None:  # noqa: ANN001
                    cursor.adbc_ingest(tabelle, table, mode="append")

                beginn, gewartet = time.monotonic(), False
                while not sql(f"SELECT pg_try_advisory_xact_lock({_PG_SPERRE})")[0][0]:
                    self._warten(beginn, gewartet, beim_warten)
                    gewartet = True
                    time.sleep(min(self.warten_versuch_s, 0.5))
                gezaehlt = zaehler.submit(zahlen)
                teile = (future.result() for future in umgewandelt)
                try:
                    version_id = _schreiber()["importieren_adbc"](sql, laden, False, {**kopf, "zeit": now}, teile,
                                                                  gezaehlt.result,
                                                                  fortschritt or (lambda done, total: None))
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
        return version_id

    def _schreiber_starten(self):  # noqa: ANN202 - subprocess.Popen
        import subprocess
        import sys

        return subprocess.Popen([sys.executable, "-c", _SCHREIBER + "\nsys.exit(main())\n"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _sqlite_kind(self, child, kopf: dict, now: dt.datetime, frame: pd.DataFrame,  # noqa: ANN001
                     zahlen: Callable[[], tuple[bytes, int, bytes | None] | None], fortschritt,  # noqa: ANN001
                     beim_warten: Callable[[str], None] | None) -> int:
        """One import through ADBC in the writer process (:data:`_SCHREIBER`), all or nothing.

        Not in this process: the SQLite driver of ADBC brings its own copy of SQLite, and two copies of
        SQLite in one process do not see each other's file locks (they could write the same file at
        once, and one closing the file drops the other's locks). The child waits for the single writer
        lock in tries and says so (the waiting and its limit stay here); the rows are converted to Arrow
        meanwhile. Then they go over the pipe as an Arrow stream, a batch at a time (a thread feeds the
        pipe while the child loads), the cases are counted in a thread meanwhile, this thread passes the
        child's progress on. The child asks for the counts after the last row and for the word to commit
        at the end (a progress callback that raises stops the import); a child whose parent is gone stops
        without committing.
        After its answer the child copies the new pages into the database file (checkpoint) on its own.
        """
        import json
        import queue
        import threading
        from concurrent.futures import ThreadPoolExecutor

        import pyarrow as pa

        zeit = sa.DateTime().dialect_impl(self.engine.dialect).bind_processor(self.engine.dialect)(now)
        kopf = {**kopf, "zeit": zeit, "db": str(self.datei), "versuch_ms": max(1, int(self.warten_versuch_s * 1000))}
        child.stdin.write(json.dumps(kopf).encode() + b"\n")
        child.stdin.flush()
        # Converted while the child starts (it imports pyarrow and the driver) and waits for the lock.
        spalten = _speicherspalten(kopf["art"], frame)
        schema = _arrow_for_storage(kopf["art"], frame.iloc[:0], sqlite=True, spalten=spalten).schema
        stapel: queue.Queue = queue.Queue()
        for start in range(0, len(frame), ADBC_BATCH):
            stapel.put(_arrow_for_storage(kopf["art"], frame.iloc[start:start + ADBC_BATCH], sqlite=True,
                                          spalten=spalten))
        stapel.put(None)
        beginn, gewartet = time.monotonic(), False
        while True:  # the writer lock
            wort, _, rest = child.stdout.readline().decode().strip().partition(" ")
            if wort == "SPERRE":
                beginn = time.monotonic()
            elif wort == "BELEGT":
                self._warten(beginn, gewartet, beim_warten)
                gewartet = True
                child.stdin.write(b"WEITER\n")
                child.stdin.flush()
            elif wort == "BEREIT":
                break
            else:
                return self._schreiber_antwort(wort, rest)

        def senden() -> None:  # the pipe write waits for the child; the GIL is free meanwhile
            try:
                with pa.ipc.new_stream(child.stdin, schema) as writer:
                    while (batch := stapel.get()) is not None:
                        writer.write_table(batch)
                child.stdin.flush()
            except (BrokenPipeError, OSError):  # the child stopped: its answer says why
                pass

        sender = threading.Thread(target=senden, name="sozialraum-import", daemon=True)
        sender.start()
        with ThreadPoolExecutor(1, thread_name_prefix="sozialraum-zaehlen") as zaehler:
            gezaehlt = zaehler.submit(zahlen)  # counted while the child loads; this thread reports progress
            while True:
                wort, _, rest = child.stdout.readline().decode().strip().partition(" ")
                if wort == "FORTSCHRITT":
                    if fortschritt is not None:
                        done, total = (int(x) for x in rest.split())
                        fortschritt(done, total)
                elif wort == "ZAHLEN?":
                    inhalt, zeilen, dauern = gezaehlt.result() or (b"", 0, None)
                    dauern = dauern or b""
                    sender.join()
                    child.stdin.write(f"ZAHLEN {len(inhalt)} {zeilen} {len(dauern)}\n".encode() + inhalt + dauern)
                    child.stdin.flush()
                elif wort == "COMMIT?":
                    child.stdin.write(b"COMMIT\n")
                    child.stdin.flush()
                else:
                    sender.join()
                    return self._schreiber_antwort(wort, rest, child)

    @staticmethod
    def _schreiber_antwort(wort: str, rest: str, child=None) -> int:  # noqa: ANN001 - subprocess.Popen
        """The writer process's last answer: the new version's id, or a StoreError (nothing stored)."""
        import json

        if wort == "FERTIG" and child is not None:
            _nachlaufen_lassen(child)
            return int(rest)
        if wort == "FEHLER":
            raise StoreError(f"Der Import ist fehlgeschlagen; nichts gespeichert ({json.loads(rest)}).")
        raise StoreError("Der Schreibprozess der Datenablage ist unerwartet beendet; nichts gespeichert.")

    def _insert(self, conn: sa.Connection, table: sa.Table, names: list[str], tuples: list[tuple]) -> None:
        """Bulk insert: PostgreSQL's COPY, SQLite's executemany; both inside the import's transaction."""
        quoted = ", ".join(f'"{n}"' for n in names)
        if self.sqlite:
            conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})',
                                 tuples)
            return
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in tuples:
                    copy.write_row(row)

    def zuruecknehmen(self, auf_version: int, benutzer: str | None = None,
                      beim_warten: Callable[[str], None] | None = None) -> Version:
        """A new version whose content is that of ``auf_version`` (nothing is deleted)."""
        benutzer = benutzer or _benutzer()
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction(beim_warten) as conn:
            content = self._content(conn, auf_version)
            if content is None:
                raise StoreError(f"Version {auf_version} gibt es nicht.")
            return self._new_version(conn, f"Rücknahme auf Version {auf_version}", None, content, benutzer, now)

    def _new_version(self, conn: sa.Connection, aktion: str, import_id: int | None, content: dict[str, int],
                     benutzer: str, now: dt.datetime) -> Version:
        version_id = conn.execute(versionen.insert().values(
            zeit=now, benutzer=benutzer, aktion=aktion, import_id=import_id)).inserted_primary_key[0]
        if content:
            conn.execute(versionsinhalt.insert(), [{"version_id": version_id, "art": art, "import_id": iid}
                                                   for art, iid in content.items()])
        return self._version(conn, version_id)

    # --- reading ---------------------------------------------------------------------
    def aktuelle_versionsnummer(self) -> int | None:
        """The id of the current version (one small query: the dashboard asks on every click)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(versionen.c.id))).scalar()

    def aktuelle_version(self) -> Version | None:
        with self.engine.connect() as conn:
            latest = conn.execute(sa.select(sa.func.max(versionen.c.id))).scalar()
            return None if latest is None else self._version(conn, latest)

    def versionen(self) -> list[Version]:
        """All versions, newest first."""
        with self.engine.connect() as conn:
            ids = conn.execute(sa.select(versionen.c.id).order_by(versionen.c.id.desc())).scalars().all()
            return [self._version(conn, i) for i in ids]

    def version(self, version_id: int) -> Version:
        with self.engine.connect() as conn:
            if conn.execute(sa.select(versionen.c.id).where(versionen.c.id == version_id)).scalar() is None:
                raise StoreError(f"Version {version_id} gibt es nicht.")
            return self._version(conn, version_id)

    def _version(self, conn: sa.Connection, version_id: int) -> Version:
        head = conn.execute(sa.select(versionen).where(versionen.c.id == version_id)).mappings().one()
        rows = conn.execute(
            sa.select(versionsinhalt.c.art, importe).join(importe, importe.c.id == versionsinhalt.c.import_id)
            .where(versionsinhalt.c.version_id == version_id)).mappings().all()
        inhalt = {r["art"]: {"import_id": r["id"], "datei": r["datei"], "zeilen": r["zeilen"], "sha256": r["sha256"],
                             "zeit": r["zeit"], "benutzer": r["benutzer"]} for r in rows}
        return Version(head["id"], head["zeit"], head["benutzer"], head["aktion"], inhalt)

    def _content(self, conn: sa.Connection, version_id: int) -> dict[str, int] | None:
        if conn.execute(sa.select(versionen.c.id).where(versionen.c.id == version_id)).scalar() is None:
            return None
        rows = conn.execute(sa.select(versionsinhalt.c.art, versionsinhalt.c.import_id)
                            .where(versionsinhalt.c.version_id == version_id)).all()
        return {art: iid for art, iid in rows}

    def _current_content(self, conn: sa.Connection) -> dict[str, int]:
        latest = conn.execute(sa.select(sa.func.max(versionen.c.id))).scalar()
        return {} if latest is None else self._content(conn, latest)

    def _import_von(self, kind: str, version: Version | None) -> tuple[Version, int] | None:
        """The version (default: the current one) and the id of its import of ``kind``; None without one."""
        version = version or self.aktuelle_version()
        if version is None or kind not in version.inhalt:
            return None
        return version, version.inhalt[kind]["import_id"]

    def _gespeichert(self, spalte: str, version: Version | None) -> tuple[Version, bytes | None] | None:
        """What the version's case import saved beside its rows (``daten``: the yearly counts, ``dauern``: the
        grouped durations), None in a version without cases; the bytes are None for an older import."""
        if (gefunden := self._import_von("faelle", version)) is None:
            return None
        version, import_id = gefunden
        z = faelle_jahreszahlen
        with self.engine.connect() as conn:
            daten = conn.execute(sa.select(z.c[spalte]).where(z.c.import_id == import_id)).scalar()
        return version, (bytes(daten) if daten is not None else None)

    def tabelle(self, kind: str, version: Version | None = None, spalten: tuple[str, ...] | None = None,
                ) -> pd.DataFrame | None:
        """The rows of ``kind`` in ``version`` (default: the current one) as the readers' frame (only the
        columns ``spalten``, when given)."""
        if (gefunden := self._import_von(kind, version)) is None:
            return None
        version, import_id = gefunden
        table = DATEN[kind]
        columns = [c for c in table.columns if c.name != "import_id" and (spalten is None or c.name in spalten)]
        with self.engine.connect() as conn:
            query = sa.select(*columns).where(self._zeilen_von(conn, table, import_id))
            frame = self._arrow_lesen(query, version.inhalt[kind]["zeilen"])
            if frame is None:
                frame = pd.read_sql(query, conn)
        return _restore_types(kind, frame)

    def _arrow_lesen(self, query: sa.Select, zeilen: int) -> pd.DataFrame | None:
        """The rows of ``query`` fetched as Arrow (ADBC), or None where that does not pay or is not possible.

        PostgreSQL: the driver in this process. SQLite: a file with at least :data:`ARROW_LESEN_AB` rows,
        in a reader process (the driver's own SQLite must not open the file in this process, see
        :meth:`_sqlite_kind`), one batch, so that the driver sees every value when it infers the types;
        a failing reader is logged and the caller reads the old way. Literal values only (ids, rowids).
        """
        import pyarrow as pa

        sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
        if not self.sqlite:
            import adbc_driver_postgresql.dbapi as pg_dbapi

            uri = sa.engine.make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            with pg_dbapi.connect(uri) as conn, conn.cursor() as cursor:
                cursor.execute(sql)
                return _als_frame(query, cursor.fetch_arrow_table())
        if self.datei is None or zeilen < ARROW_LESEN_AB:
            return None
        import subprocess
        import sys

        lauf = subprocess.run([sys.executable, "-c", _LESER, str(self.datei), str(zeilen)], input=sql.encode(),
                              capture_output=True, check=False)
        if lauf.returncode != 0:
            _log.warning("Lesen über Arrow fehlgeschlagen, gelesen wird über SQLAlchemy: %s",
                         lauf.stderr.decode(errors="replace")[-500:])
            return None
        return _als_frame(query, pa.ipc.open_stream(pa.py_buffer(lauf.stdout)).read_all())

    def unterschied(self, von: int, bis: int) -> pd.DataFrame:
        """What changed between two versions, per kind: file, rows before and after, rows added, removed
        and changed, with up to five examples of changed values.

        Rows are matched by their key (:data:`SCHLUESSEL`, e.g. year, area and age group of the
        population); where a key is not unique, whole rows are compared (a changed value then counts
        as one row removed and one added).
        """
        a, b = self.version(von), self.version(bis)
        out = []
        for kind in KINDS:
            before, after = a.inhalt.get(kind), b.inhalt.get(kind)
            if before is None and after is None:
                continue
            if before is not None and after is not None and before["import_id"] == after["import_id"]:
                out.append({"art": kind, "datei_vorher": before["datei"], "datei_nachher": after["datei"],
                            "zeilen_vorher": before["zeilen"], "zeilen_nachher": after["zeilen"],
                            "hinzugefuegt": 0, "entfernt": 0, "geaendert": 0, "beispiele": ""})
                continue
            old = self.tabelle(kind, a) if before else None
            new = self.tabelle(kind, b) if after else None
            added, removed, changed, beispiele = _wertunterschied(kind, old, new)
            out.append({"art": kind, "datei_vorher": before["datei"] if before else None,
                        "datei_nachher": after["datei"] if after else None,
                        "zeilen_vorher": before["zeilen"] if before else 0, "zeilen_nachher": after["zeilen"] if after else 0,
                        "hinzugefuegt": added, "entfernt": removed, "geaendert": changed,
                        "beispiele": " · ".join(beispiele)})
        return pd.DataFrame(out, columns=UNTERSCHIED_SPALTEN)

    # --- aggregation in the database -------------------------------------------------------
    def fallzahlen(self, version: Version | None = None) -> pd.DataFrame | None:
        """Case rows counted per year: ``jahr, raum_id, hilfeart, basis, setting, begonnen, beendet,
        andauernd`` (the official counting: andauernd at 31.12., beendet in j).

        Read from the counts saved with the import (``faelle_jahreszahlen``, counted by the engine's
        rule when it was saved); an import saved before those were kept is counted by the database
        (:meth:`fallzahlen_gruppiert`), with the same result.
        """
        if (gespeichert := self._gespeichert("daten", version)) is None:
            return None
        version, daten = gespeichert
        if daten is None:
            return self.fallzahlen_gruppiert(version)
        return _jahreszahlen_lesen(daten)

    def fallzahlen_gruppiert(self, version: Version | None = None) -> pd.DataFrame | None:
        """:meth:`fallzahlen` counted by the database from the case rows (imports saved before migration 9).

        The database groups the rows twice, by the year of Beginn and by the year of Ende; what
        is still running at 31.12.j is everything begun up to j minus everything ended up to j
        (a cumulative sum over the few thousand groups, not the rows).
        """
        if (gefunden := self._import_von("faelle", version)) is None:
            return None
        version, import_id = gefunden
        f = DATEN["faelle"]
        keys = [f.c.raum_id, f.c.hilfeart, f.c.basis, f.c.setting]

        def per_year(date_column: sa.Column, label: str) -> sa.Select:
            year = sa.extract("year", date_column)
            return (sa.select(year.label("jahr"), *keys, sa.func.count().label(label))
                    .where(zeilen, date_column.is_not(None)).group_by(year, *keys))

        with self.engine.connect() as conn:
            zeilen = self._zeilen_von(conn, f, import_id)
            begun = pd.read_sql(per_year(f.c.beginn, "begonnen"), conn)
            ended = pd.read_sql(per_year(f.c.ende, "beendet"), conn)
        key_names = _JAHRESZAHLEN_SCHLUESSEL
        if begun.empty:
            return None
        frame = begun.merge(ended, on=["jahr", *key_names], how="outer")
        frame[key_names] = frame[key_names].astype(object).where(frame[key_names].notna(), _LEER)
        first, last = int(frame["jahr"].min()), int(frame["jahr"].max())
        groups = frame[key_names].drop_duplicates()
        grid = groups.merge(pd.DataFrame({"jahr": range(first, last + 1)}), how="cross")
        frame = grid.merge(frame, on=[*key_names, "jahr"], how="left").fillna({"begonnen": 0, "beendet": 0})
        frame = frame.sort_values([*key_names, "jahr"], kind="stable")
        running = frame.groupby(key_names, sort=False)[["begonnen", "beendet"]].cumsum()
        frame["andauernd"] = running["begonnen"] - running["beendet"]
        frame = frame[(frame[["begonnen", "beendet", "andauernd"]] != 0).any(axis=1)].reset_index(drop=True)
        frame[key_names] = frame[key_names].where(frame[key_names] != _LEER, None)
        return _fallzahlen_fertig(frame)

    def dauern(self, version: Version | None = None) -> pd.DataFrame | None:
        """Durations of the ended cases, grouped: ``jahr`` (of Ende), ``raum_id, hilfeart, basis, setting,
        tage`` (Ende − Beginn in days) and ``anzahl`` (cases).

        Exact means and medians at every level follow from these counts; no case row leaves the database.
        Read from the grouping saved with the import (migration 11); an import saved before is grouped by
        the database (:meth:`dauern_gruppiert`), with the same rows.
        """
        if (gespeichert := self._gespeichert("dauern", version)) is None:
            return None
        version, daten = gespeichert
        if daten is not None:
            return _dauern_lesen(daten)
        return self.dauern_gruppiert(version)

    def dauern_gruppiert(self, version: Version | None = None) -> pd.DataFrame | None:
        """:meth:`dauern` grouped by the database from the case rows (imports saved before migration 11)."""
        if (gefunden := self._import_von("faelle", version)) is None:
            return None
        version, import_id = gefunden
        f = DATEN["faelle"]
        if self.sqlite:
            tage = sa.cast(sa.func.julianday(f.c.ende) - sa.func.julianday(f.c.beginn), sa.Integer)
        else:
            tage = f.c.ende - f.c.beginn  # PostgreSQL: date - date is a number of days
        year = sa.extract("year", f.c.ende)
        keys = [f.c.raum_id, f.c.hilfeart, f.c.basis, f.c.setting]
        with self.engine.connect() as conn:
            query = (sa.select(year.label("jahr"), *keys, tage.label("tage"), sa.func.count().label("anzahl"))
                     .where(self._zeilen_von(conn, f, import_id), f.c.ende.is_not(None),
                            f.c.beginn.is_not(None))
                     .group_by(year, *keys, tage))
            frame = pd.read_sql(query, conn)
        frame["jahr"] = frame["jahr"].astype("int64")
        frame["tage"] = frame["tage"].astype("int64")
        frame["anzahl"] = frame["anzahl"].astype("int64")
        for column in ("raum_id", "hilfeart", "setting"):
            frame[column] = frame[column].astype("category")
        return frame

    def letztes_datum(self, version: Version | None = None) -> dt.date | None:
        """The latest Beginn or Ende of the cases (the data's Stand)."""
        if (gefunden := self._import_von("faelle", version)) is None:
            return None
        version, import_id = gefunden
        f = DATEN["faelle"]
        with self.engine.connect() as conn:
            dates = conn.execute(sa.select(sa.func.max(f.c.beginn), sa.func.max(f.c.ende))
                                 .where(self._zeilen_von(conn, f, import_id))).one()
        found = [_as_date(d) for d in dates if d is not None]
        return max(found) if found else None

    # --- column mappings ----------------------------------------------------------------
    def zuordnung_speichern(self, art: str, name: str, zuordnung: dict[str, str], benutzer: str | None = None) -> None:
        """Keep a column mapping under ``name`` (replacing one of the same name) for the next upload,
        with who saved it (default: the operating-system account, marked as such) and when."""
        import json

        with self._transaction() as conn:
            conn.execute(spaltenzuordnungen.delete().where(
                (spaltenzuordnungen.c.art == art) & (spaltenzuordnungen.c.name == name)))
            conn.execute(spaltenzuordnungen.insert().values(
                art=art, name=name, zuordnung=json.dumps(zuordnung, ensure_ascii=False),
                zeit=dt.datetime.now().replace(microsecond=0), benutzer=benutzer or _benutzer()))

    def zuordnungsprofile(self, art: str | None = None) -> list[Zuordnungsprofil]:
        """The saved column mappings (of one kind, or all) with who saved them when, by kind and name."""
        import json

        query = sa.select(spaltenzuordnungen).order_by(spaltenzuordnungen.c.art, spaltenzuordnungen.c.name)
        if art is not None:
            query = query.where(spaltenzuordnungen.c.art == art)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [Zuordnungsprofil(r["art"], r["name"], json.loads(r["zuordnung"]), r["zeit"], r["benutzer"])
                for r in rows]

    def zuordnungen(self, art: str) -> dict[str, dict[str, str]]:
        """The saved column mappings of a kind, by name."""
        import json

        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(spaltenzuordnungen.c.name, spaltenzuordnungen.c.zuordnung)
                                .where(spaltenzuordnungen.c.art == art).order_by(spaltenzuordnungen.c.name)).all()
        return {name: json.loads(text) for name, text in rows}

    # --- settings of the Kreis ------------------------------------------------------------------
    def einstellung(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(einstellungen.c.wert).where(einstellungen.c.name == name)).scalar()

    def einstellung_setzen(self, name: str, wert: str, benutzer: str | None = None) -> None:
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction() as conn:
            conn.execute(einstellungen.delete().where(einstellungen.c.name == name))
            conn.execute(einstellungen.insert().values(name=name, wert=wert, zeit=now, benutzer=benutzer or _benutzer()))

    def einstellungen_schluessel(self) -> str:
        """All settings in one string (one query): part of the dashboard's cache key."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(einstellungen.c.name, einstellungen.c.wert).order_by(einstellungen.c.name)).all()
        return "|".join(f"{name}={wert}" for name, wert in rows)

    def geobasis(self, import_id: int) -> str:
        """The credit an imported geometry needs on a map ("© GeoBasis-DE / BKG"); empty when none is known."""
        return self.einstellung(f"{GEOBASIS}{import_id}") or ""

    def kreisname(self) -> str | None:
        """The Kreis's name as stored with the data (from an import or entered on the page)."""
        return self.einstellung("kreisname")

    def klasseneinteilung(self):  # noqa: ANN201 - bedarfsindex.Klasseneinteilung | None
        """The Kreis's Bedarfsindex classes as stored (``klassengrenzen``, ``klassennamen``); None: the default."""
        from .bedarfsindex import Klasseneinteilung

        grenzen = self.einstellung("klassengrenzen")
        if not grenzen:
            return None
        try:
            return Klasseneinteilung.aus_text(grenzen, self.einstellung("klassennamen"))
        except ValueError:
            return None  # only valid settings are stored (klasseneinteilung_setzen checks them)

    def klasseneinteilung_setzen(self, einteilung, benutzer: str | None = None) -> None:  # noqa: ANN001
        """Store the Bedarfsindex classes; ``None`` or the default removes the setting."""
        from .bedarfsindex import Klasseneinteilung

        if einteilung is None or einteilung == Klasseneinteilung():
            with self._transaction() as conn:
                conn.execute(einstellungen.delete().where(einstellungen.c.name.in_(["klassengrenzen", "klassennamen"])))
            return
        self.einstellung_setzen("klassengrenzen", "; ".join(f"{g:g}".replace(".", ",") for g in einteilung.grenzen),
                                benutzer)
        self.einstellung_setzen("klassennamen", "; ".join(einteilung.namen), benutzer)

    # --- the public view's pattern per version ----------------------------------------------
    def sperrmuster(self, version_id: int) -> dict:
        """The stored suppression patterns of a version by procedure (``sperren``, ``runden``)."""
        from .oeffentlich import Sperrmuster

        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(sperrmuster_tabelle.c.verfahren, sperrmuster_tabelle.c.daten)
                                .where(sperrmuster_tabelle.c.version_id == version_id)).all()
        return {verfahren: Sperrmuster.aus_bytes(bytes(daten)) for verfahren, daten in rows}

    def sperrmuster_speichern(self, version_id: int, muster) -> None:  # noqa: ANN001 - oeffentlich.Sperrmuster
        """Keep a version's pattern (a second writer with the same pattern changes nothing)."""
        daten = muster.als_bytes()
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction() as conn:
            exists = conn.execute(sa.select(sperrmuster_tabelle.c.version_id).where(
                (sperrmuster_tabelle.c.version_id == version_id)
                & (sperrmuster_tabelle.c.verfahren == muster.verfahren))).first()
            if exists is None:
                conn.execute(sperrmuster_tabelle.insert().values(version_id=version_id, verfahren=muster.verfahren,
                                                                  daten=daten, zeit=now))

    def dispose(self) -> None:
        self.engine.dispose()



ADBC_BATCH = 250_000  # rows per ADBC ingest; the progress callback is called after each
PG_CHUNK = 16_384  # rows per Arrow batch sent to PostgreSQL's COPY: the driver streams them (one big batch is 2x slower)

# The ADBC writer of one import. It needs only pyarrow and the driver's cursor, so that the SQLite import
# runs it in a child process that starts quickly (``python -c``, see Store._sqlite_kind); the PostgreSQL
# import runs the same function in this process (:func:`_schreiber`).
_SCHREIBER = r"""
import json
import sys


def importieren_adbc(sql, laden, sqlite, kopf, teile, zahlen, fortschritt):
    # Write one import inside the caller's transaction; returns the new version's id.
    # sql(query, params) -> rows and laden(table, arrow_table) run on one ADBC connection; teile: the rows as
    # Arrow tables without import_id, kopf["zeilen"] in all; zahlen(): the yearly counts as (Arrow IPC bytes,
    # rows, durations as Arrow IPC bytes) or None, asked for after the rows are in (counted meanwhile).
    import pyarrow as pa

    def werte(n):
        return ", ".join("?" if sqlite else f"${i}" for i in range(1, n + 1))

    tabelle, n = kopf["tabelle"], kopf["zeilen"]
    import_id = sql(f"INSERT INTO importe (art, datei, sha256, zeilen, zeit, benutzer) VALUES ({werte(6)}) "
                    "RETURNING id", (kopf["art"], kopf["datei"], kopf["sha256"], n, kopf["zeit"],
                                     kopf["benutzer"]))[0][0]
    if sqlite:  # the new rows get the rowids after the largest one (the writer lock is held)
        vor = sql(f'SELECT coalesce(max(rowid), 0) FROM "{tabelle}"')[0][0]
    fertig = 0
    for teil in teile:
        ids = pa.nulls(teil.num_rows, pa.int64() if sqlite else pa.int32()).fill_null(import_id)
        laden(tabelle, teil.add_column(0, "import_id", ids))
        fertig += teil.num_rows
        fortschritt(fertig, n)
    if fertig != n:
        raise RuntimeError(f"{fertig} statt {n} Zeilen erhalten")
    if sqlite:
        nach = sql(f'SELECT coalesce(max(rowid), 0) FROM "{tabelle}"')[0][0]
        if nach - vor != n:
            raise RuntimeError(f"Zeilenbereich {vor + 1}..{nach} passt nicht zu {n} Zeilen")
        sql("UPDATE importe SET zeile_von = ?, zeile_bis = ? WHERE id = ?", (vor + 1, nach, import_id))
    gezaehlt = zahlen()
    if gezaehlt:
        sql(f"INSERT INTO faelle_jahreszahlen (import_id, zeilen, daten, dauern) VALUES ({werte(4)})",
            (import_id, gezaehlt[1], gezaehlt[0], gezaehlt[2]))
    letzte = sql("SELECT max(id) FROM versionen")[0][0]
    inhalt = {}
    if letzte is not None:
        inhalt = dict(sql(f"SELECT art, import_id FROM versionsinhalt WHERE version_id = {werte(1)}", (letzte,)))
    inhalt[kopf["art"]] = import_id
    version_id = sql(f"INSERT INTO versionen (zeit, benutzer, aktion, import_id) VALUES ({werte(4)}) RETURNING id",
                     (kopf["zeit"], kopf["benutzer"], kopf["aktion"], import_id))[0][0]
    for art, iid in inhalt.items():
        sql(f"INSERT INTO versionsinhalt (version_id, art, import_id) VALUES ({werte(3)})", (version_id, art, iid))
    return version_id


def vorlesen(ein):
    # The batches of the Arrow stream on ``ein`` as tables, read ahead in a thread: the next batch comes over
    # the pipe while the driver writes this one (it does not hold the GIL). The stream's end, or its error,
    # reaches the caller in order; nothing is read from ``ein`` after the stream.
    import queue
    import threading

    import pyarrow as pa

    schlange = queue.Queue(maxsize=2)

    def lesen():
        try:
            for batch in pa.ipc.open_stream(ein):
                schlange.put(("teil", batch))
            schlange.put(("ende", None))
        except BaseException as error:  # noqa: BLE001 - passed on to the caller
            schlange.put(("fehler", error))

    threading.Thread(target=lesen, name="vorlesen", daemon=True).start()
    while True:
        art, wert = schlange.get()
        if art == "ende":
            return
        if art == "fehler":
            raise wert
        yield pa.Table.from_batches([wert])


def main():
    # The SQLite writer process. stdin: a JSON head line; once the write lock is held ("BEREIT"), the rows as
    # an Arrow IPC stream (one batch per ADBC ingest); asked "ZAHLEN?", "ZAHLEN <bytes> <rows> <bytes>", the
    # counts' and the durations' bytes; asked "COMMIT?", "COMMIT". Answers on stdout. The driver's low-level API: the DB-API
    # module would import pandas.
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite
    import pyarrow as pa

    ein, aus = sys.stdin.buffer, sys.stdout.buffer

    def sagen(text):
        aus.write(text.encode() + b"\n")
        aus.flush()

    def weiter():
        return ein.readline().strip() == b"WEITER"

    kopf = json.loads(ein.readline())
    db = adbc_driver_sqlite.connect(kopf["db"])
    conn = adbc.AdbcConnection(db)

    def sql(query, params=()):
        stmt = adbc.AdbcStatement(conn)
        try:
            stmt.set_sql_query(query)
            if params:
                stmt.bind(pa.record_batch([pa.array([p]) for p in params], names=[f"p{i}" for i in range(len(params))]))
            stream, _ = stmt.execute_query()
            return [tuple(row.values()) for row in pa.RecordBatchReader._import_from_c(stream.address).read_all().to_pylist()]
        finally:
            stmt.close()

    def laden(tabelle, table):
        stmt = adbc.AdbcStatement(conn)
        try:
            stmt.set_options(**{adbc.INGEST_OPTION_TARGET_TABLE: tabelle,
                                adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_APPEND})
            stmt.bind_stream(table)
            stmt.execute_update()
        finally:
            stmt.close()

    def zahlen():
        sagen("ZAHLEN?")  # all rows are in: the parent sends the counts (worked out meanwhile)
        zeile = ein.readline().split()
        if len(zeile) != 4 or zeile[0] != b"ZAHLEN":
            raise SystemExit(1)  # the parent is gone: nothing is committed
        groesse, zeilen, groesse_dauern = int(zeile[1]), int(zeile[2]), int(zeile[3])
        inhalt = ein.read(groesse) if groesse else b""
        dauern = ein.read(groesse_dauern) if groesse_dauern else b""
        if len(inhalt) != groesse or len(dauern) != groesse_dauern:
            raise SystemExit(1)
        return (inhalt, zeilen, dauern or None) if groesse else None

    try:
        # No per-row foreign-key check of import_id: the rows get the id of the import row this same
        # transaction has just written (the check costs as much as a third of the insert). No checkpoint
        # within the commit: it follows the answer (below).
        sql("PRAGMA foreign_keys=OFF")
        sql("PRAGMA wal_autocheckpoint=0")
        sql(f"PRAGMA busy_timeout = {int(kopf['versuch_ms'])}")
        sagen("SPERRE")  # the tries for the write lock begin (the parent measures the waiting from here)
        while True:
            try:
                sql("BEGIN IMMEDIATE")
                break
            except adbc.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            sagen("BELEGT")
            if not weiter():
                return 1
        sagen("BEREIT")  # the rows come while they go in; the parent counts the cases meanwhile
        teile = vorlesen(ein)
        try:
            version_id = importieren_adbc(sql, laden, True, kopf, teile, zahlen,
                                          lambda fertig, gesamt: sagen(f"FORTSCHRITT {fertig} {gesamt}"))
            sagen("COMMIT?")  # the parent has the last word (its progress callback may stop the import)
            if ein.readline().strip() != b"COMMIT":
                raise SystemExit(1)
        except BaseException:
            sql("ROLLBACK")
            raise
        sql("COMMIT")
        sagen(f"FERTIG {version_id}")
        # Committed and durable (in the WAL): the parent goes on. Copying the new pages into the database file
        # is done here, after the answer (readers are not blocked by it).
        sql("PRAGMA wal_checkpoint(PASSIVE)")
        return 0
    except Exception as error:
        sagen("FEHLER " + json.dumps(f"{type(error).__name__}: {error}"))
        return 1
    finally:
        conn.close()
        db.close()
"""


def _als_frame(query: sa.Select, table) -> pd.DataFrame:  # noqa: ANN001 - pyarrow.Table
    """An Arrow result as a frame; dates SQLite keeps as ISO text become dates in Arrow already."""
    import pyarrow as pa
    import pyarrow.compute as pc

    leer = {sa.Date: pa.date32(), sa.Integer: pa.int64(), sa.Float: pa.float64(), sa.LargeBinary: pa.binary()}
    for i, column in enumerate(query.selected_columns):
        if table.column(i).null_count == table.num_rows:  # no value at all (the driver guesses a type)
            typ = next((t for art, t in leer.items() if isinstance(column.type, art)), pa.null())
            table = table.set_column(i, table.field(i).name, pa.nulls(table.num_rows, typ))  # text: None, as read before
        elif isinstance(column.type, sa.Date) and pa.types.is_string(table.column(i).type):
            try:
                table = table.set_column(i, table.field(i).name, pc.cast(table.column(i), pa.date32()))
            except pa.ArrowInvalid:
                pass  # not ISO text: pandas reads it below
    return table.to_pandas(date_as_object=False)


ARROW_LESEN_AB = 50_000  # SQLite: from this many rows a table is read as Arrow in a reader process (start 0.2 s)

# The reader process of a big SQLite table: the query on stdin, the rows as one Arrow IPC stream on stdout.
_LESER = r"""
import sys

import adbc_driver_manager as adbc
import adbc_driver_sqlite
import pyarrow as pa

db = adbc_driver_sqlite.connect(sys.argv[1])
conn = adbc.AdbcConnection(db)
stmt = adbc.AdbcStatement(conn)
# One batch of all rows: the driver infers each column's type from the batch (a NULL-only start would
# otherwise be read as a number).
stmt.set_options(**{"adbc.sqlite.query.batch_rows": str(max(int(sys.argv[2]), 1024))})
stmt.set_sql_query(sys.stdin.read())
stream, _ = stmt.execute_query()
reader = pa.RecordBatchReader._import_from_c(stream.address)
with pa.ipc.new_stream(sys.stdout.buffer, reader.schema) as writer:
    for batch in reader:
        writer.write_batch(batch)
stmt.close()
conn.close()
db.close()
"""


def _nachlaufen_lassen(child) -> None:  # noqa: ANN001 - subprocess.Popen
    """After the writer's commit: let it finish its checkpoint on its own (reaped by a thread)."""
    import threading

    child.nachlauf = True
    try:
        child.stdin.close()
    except OSError:
        pass
    threading.Thread(target=child.wait, name="sozialraum-import-ende", daemon=True).start()


def _beenden(child) -> None:  # noqa: ANN001 - subprocess.Popen
    """End the writer process if it still runs (before its commit: SQLite drops what it wrote)."""
    if getattr(child, "nachlauf", False):
        return
    if child.poll() is None:
        child.kill()
        child.wait()
    for stream in (child.stdin, child.stdout):
        try:
            stream.close()
        except OSError:
            pass


@functools.cache
def _schreiber() -> dict:
    """The functions of :data:`_SCHREIBER` for use in this process."""
    namespace: dict = {}
    exec(compile(_SCHREIBER, "<sozialraum_analytics.store._SCHREIBER>", "exec"), namespace)  # noqa: S102
    return namespace


# --- frames in and out --------------------------------------------------------------------
def _rows_for_storage(kind: str, frame) -> dict[str, list]:  # noqa: ANN001
    """Column lists of plain Python values (None for missing), in the stored types.

    Dates go in as ISO text (``2023-12-31``): SQLite stores them so, PostgreSQL's COPY reads them.
    """
    if kind == "gebiete":
        import shapely

        return {"raum_id": frame["raum_id"].astype(str).tolist(), "name": frame["name"].astype(str).tolist(),
                "geometrie": list(shapely.to_wkb(frame.geometry.to_numpy()))}
    out: dict[str, list] = {}
    n = len(frame)
    for name, kind_type in _columns(kind).items():
        if name not in frame:
            out[name] = [None] * n
            continue
        column = frame[name]
        missing = column.isna().to_numpy()
        if kind_type == DATE:
            values = pd.to_datetime(column).dt.strftime("%Y-%m-%d").astype(object).to_numpy()
        elif kind_type in (INT, YEAR):
            values = column.astype("Float64").fillna(0).astype("int64").astype(object).to_numpy()
        elif kind_type == NUMBER:
            values = column.astype("float64").astype(object).to_numpy()
        else:
            values = column.astype(object).to_numpy()
            values = np.array([v if isinstance(v, str) else str(v) for v in values], dtype=object) if n else values
        values = values.copy()
        values[missing] = None
        out[name] = values.tolist()
    return out


def _speicherspalten(kind: str, frame: pd.DataFrame) -> list[str]:
    """The contract's columns of ``kind`` the frame fills (a column nobody filled is left out: it stays NULL)."""
    return [name for name in _columns(kind) if name in frame and not frame[name].isna().all()]


def _arrow_for_storage(kind: str, frame: pd.DataFrame, *, sqlite: bool, spalten: list[str] | None = None):  # noqa: ANN202
    """The rows as one Arrow table in the stored types, the same values :func:`_rows_for_storage` gives.

    Dates are ``date32`` (for SQLite cast to ISO text ``2023-12-31``, as it stored them before), whole numbers
    ``int64`` (SQLite) or ``int32`` (PostgreSQL's ``integer``, for the binary COPY). ``spalten``: the
    columns (:func:`_speicherspalten` of the whole frame, so that the slices of one import agree).
    """
    import pyarrow as pa

    ganz = pa.int64() if sqlite else pa.int32()
    columns = _columns(kind)
    arrays, names = [], []
    for name in spalten if spalten is not None else _speicherspalten(kind, frame):
        kind_type = columns[name]
        column = frame[name]
        missing = column.isna().to_numpy()
        if kind_type == DATE:
            values = pd.to_datetime(column).to_numpy(dtype="datetime64[D]")
            array = pa.array(values, type=pa.date32(), mask=missing)
            if sqlite:  # ISO text, as SQLite keeps dates; cast here, the driver's own conversion is slower
                array = array.cast(pa.string())
        elif kind_type in (INT, YEAR):
            values = column.astype("Float64").fillna(0).astype("int64").to_numpy()
            array = pa.array(values, type=pa.int64(), mask=missing).cast(ganz)
        elif kind_type == NUMBER:
            array = pa.array(column.astype("float64").to_numpy(), type=pa.float64(), mask=missing)
        elif isinstance(column.dtype, pd.CategoricalDtype):
            categories = [c if isinstance(c, str) else str(c) for c in column.cat.categories]
            codes = column.cat.codes.to_numpy().astype(np.int32)
            array = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0),
                                                   pa.array(categories, pa.string())).cast(pa.string())
        elif isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
            array = pa.array(column.array).cast(pa.string())  # the reader's Arrow strings, not copied to objects
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
        else:
            values = column.astype(object).to_numpy()
            try:
                array = pa.array(values, type=pa.string(), mask=missing)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                array = pa.array([None if m else (v if isinstance(v, str) else str(v)) for v, m in zip(values, missing)],
                                 type=pa.string())
        arrays.append(array)
        names.append(name)
    return pa.table(arrays, names=names) if names else pa.table({})


_LEER = "\x00"  # a missing key while counting (the database groups NULL as a value of its own)
_JAHRESZAHLEN_SCHLUESSEL = ["raum_id", "hilfeart", "basis", "setting"]


def _jahreszahlen(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The yearly counts :meth:`Store.fallzahlen` returns, worked out from the case rows when they are saved.

    Counted by the engine's one rule, :func:`counting.count_cases_per_year` (begonnen: Beginn in j;
    beendet: Ende in j; andauernd at 31.12.j), grouped by what the store groups by (year, raum_id,
    hilfeart, basis, setting; a missing key is a group of its own), for the years from the first to
    the last date; categorical keys (a missing one is NaN), rows with all three counts 0 left out.
    None when the rows hold something the rule and the database's grouping would count differently
    (an Ende without Beginn, an Ende before the Beginn): the database counts such an import as before.
    """
    from .counting import count_cases_per_year

    if "beginn" not in frame or not len(frame):
        return None
    beginn = pd.to_datetime(frame["beginn"]).astype("datetime64[s]")
    ende = (pd.to_datetime(frame["ende"]).astype("datetime64[s]") if "ende" in frame
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]"))
    if (beginn.isna() & ende.notna()).any() or (ende < beginn).any():
        return None
    rows = beginn.notna().to_numpy()
    if not rows.any():
        return None

    def key(name: str) -> pd.Series:
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        values = values[rows] if not rows.all() else values
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object).astype("category")
        categories = [c if isinstance(c, str) else str(c) for c in values.cat.categories]
        if categories != list(values.cat.categories):
            values = values.cat.rename_categories(categories)
        if name in ("raum_id", "hilfeart") and values.isna().any():  # the rule leaves rows without them out
            values = values.cat.add_categories([_LEER]).fillna(_LEER)
        return values

    beginn, ende = beginn[rows], ende[rows]
    jahre = [int(d.year) for d in (beginn.min(), beginn.max(), ende.min(), ende.max()) if pd.notna(d)]
    # The counting function groups by raum_id, hilfeart, setting_gruppe and bereich; the store's basis
    # and setting take the places of the last two (the rule itself looks only at Beginn and Ende).
    faelle = pd.DataFrame({"raum_id": key("raum_id"), "hilfeart": key("hilfeart"), "setting_gruppe": key("basis"),
                           "bereich": key("setting"), "beginn": beginn, "ende": ende})
    counts = count_cases_per_year(faelle, range(min(jahre), max(jahre) + 1))
    counts = counts[(counts[["begonnen", "beendet", "andauernd"]].to_numpy() != 0).any(axis=1)]
    out = pd.DataFrame({"jahr": counts["jahr"].to_numpy(np.int32)})
    for name, column in zip(_JAHRESZAHLEN_SCHLUESSEL, ("raum_id", "hilfeart", "setting_gruppe", "bereich")):
        values = counts[column].reset_index(drop=True)
        if _LEER in values.cat.categories:
            values = values.cat.remove_categories([_LEER])
        out[name] = values
    for column in ("begonnen", "beendet", "andauernd"):
        out[column] = counts[column].to_numpy(np.int64)
    return out


_FERTIG = b"sozialraum.fallzahlen"  # schema metadata: the counts are saved as Store.fallzahlen returns them


def _jahreszahlen_ipc(frame: pd.DataFrame) -> tuple[bytes, int, bytes | None] | None:
    """What a case import saves beside its rows: the yearly counts as :meth:`Store.fallzahlen` returns
    them (:func:`_fallzahlen_fertig` of :func:`_jahreszahlen`) as one zstd-compressed Arrow IPC stream (keys
    dictionary-encoded), their number of rows, and the grouped durations (:func:`_dauern`) as a stream;
    None when the database must count (see :func:`_jahreszahlen`)."""
    counts = _jahreszahlen(frame)
    if counts is None:
        return None
    counts = _fallzahlen_fertig(counts)
    counts["basis"] = counts["basis"].astype("category")
    dauern = _dauern(frame)
    return _ipc(counts, {_FERTIG: b"1"}), len(counts), (_ipc(dauern, {}) if dauern is not None else None)


def _ipc(frame: pd.DataFrame, metadata: dict[bytes, bytes]) -> bytes:
    """A frame as one zstd-compressed Arrow IPC stream."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(metadata or None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _dauern(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The durations :meth:`Store.dauern` returns, grouped from the case rows when they are saved.

    As the database groups them: the ended cases (Beginn and Ende given) by the year of Ende, raum_id,
    hilfeart, basis, setting (a missing key is a group of its own) and ``tage`` = Ende − Beginn in days,
    with their number (``anzahl``); keys as categories of the values that occur (basis as text).
    """
    if "beginn" not in frame or "ende" not in frame:
        return None
    from .counting import calendar_year, combine_codes

    beginn = frame["beginn"].to_numpy(dtype="datetime64[D]")
    ende = frame["ende"].to_numpy(dtype="datetime64[D]")
    rows = ~(np.isnat(beginn) | np.isnat(ende))
    alle = bool(rows.all())
    tage = (ende - beginn).astype(np.int64) if alle else (ende[rows] - beginn[rows]).astype(np.int64)
    jahr = calendar_year(frame["ende"])
    jahr = jahr if alle else jahr[rows]
    erstes_jahr, kuerzeste = (int(jahr.min()), int(tage.min())) if len(jahr) else (0, 0)
    spalten, weiten = [jahr - erstes_jahr], [int(jahr.max(initial=erstes_jahr)) - erstes_jahr + 1]
    kategorien: dict[str, list[str]] = {}
    for name in _JAHRESZAHLEN_SCHLUESSEL:
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object).astype("category")
        codes = values.cat.codes.to_numpy().astype(np.int64)  # -1: missing
        codes = codes if alle else codes[rows]
        texte = [c if isinstance(c, str) else str(c) for c in values.cat.categories]
        vorhanden = np.flatnonzero(np.bincount(codes + 1, minlength=len(texte) + 1)[1:])
        kategorien[name] = sorted(texte[i] for i in vorhanden.tolist())  # the values that occur, in order
        position = {text: i for i, text in enumerate(kategorien[name])}
        lookup = np.array([position.get(t, -1) for t in texte] + [-1], dtype=np.int64)
        spalten.append(lookup[codes])
        weiten.append(len(kategorien[name]))
    spalten.append(tage - kuerzeste)
    weiten.append(int(tage.max(initial=kuerzeste)) - kuerzeste + 1)
    if np.prod([w + 1 for w in weiten], dtype=np.float64) >= 2.0**62:
        return None  # cannot be numbered in one integer: the database groups them
    gruppe, je_spalte = combine_codes(spalten, weiten)
    out = pd.DataFrame({"jahr": je_spalte[0] + erstes_jahr})
    for name, codes in zip(_JAHRESZAHLEN_SCHLUESSEL, je_spalte[1:5]):
        if name == "basis":
            out[name] = pd.Series(np.array([*kategorien[name], None], dtype=object)[codes], dtype=object)
        else:
            out[name] = pd.Categorical.from_codes(codes, categories=pd.Index(kategorien[name], dtype="str"))
    out["tage"] = je_spalte[5] + kuerzeste
    out["anzahl"] = np.bincount(gruppe, minlength=len(out)).astype(np.int64)
    return out


def _dauern_lesen(daten: bytes) -> pd.DataFrame:
    import pyarrow as pa

    frame = pa.ipc.open_stream(pa.py_buffer(daten)).read_all().to_pandas()
    frame["basis"] = frame["basis"].astype(object).where(frame["basis"].notna(), None)
    return frame


def _jahreszahlen_lesen(daten: bytes) -> pd.DataFrame:
    """Saved yearly counts in the form and types of :meth:`Store.fallzahlen` (saved before that form was
    kept: put into it here)."""
    import pyarrow as pa

    table = pa.ipc.open_stream(pa.py_buffer(daten)).read_all()
    frame = table.to_pandas()
    if not (table.schema.metadata or {}).get(_FERTIG):
        return _fallzahlen_fertig(frame)
    frame["jahr"] = pd.array(frame["jahr"].to_numpy(np.int32), dtype="Int32")
    basis = frame["basis"]
    frame["basis"] = pd.Series(np.array(basis.cat.categories, dtype=object)[basis.cat.codes.to_numpy()], dtype=object)
    return frame


def _fallzahlen_fertig(frame: pd.DataFrame) -> pd.DataFrame:
    """Yearly counts (``jahr``, the keys, begonnen, beendet, andauernd; no all-zero rows) in the order
    and types :meth:`Store.fallzahlen` returns: by the keys and the year, a missing key as ``""`` (as
    the database grouping has always given it: pandas turned its NUL placeholder into an empty string).

    Worked on category codes (a million cases give some 600,000 count rows): each key's categories are
    sorted once, the rows ordered by the codes.
    """
    codes, keys = [], {}
    for name in _JAHRESZAHLEN_SCHLUESSEL:
        values = frame[name]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object).astype("category")
        texts = ["" if c == _LEER else (c if isinstance(c, str) else str(c)) for c in values.cat.categories]
        own = values.cat.codes.to_numpy()
        # Only the categories that occur (-1: a missing key, shown as "").
        vorhanden = np.flatnonzero(np.bincount(own.astype(np.int64) + 1, minlength=len(texts) + 1)) - 1
        kategorien = sorted({texts[i] if i >= 0 else "" for i in vorhanden.tolist()})
        position = {text: i for i, text in enumerate(kategorien)}
        lookup = np.array([position.get(t, 0) for t in texts] + [position.get("", 0)], dtype=np.int64)
        new = lookup[own]  # code -1 (missing) takes the last entry: ""
        keys[name] = (new, kategorien)
        codes.append(new)
    jahr = frame["jahr"].to_numpy(np.int64)
    jahr_code = jahr - (jahr.min() if len(jahr) else 0)
    # One packed key (mixed radix: each key's code, then the year) sorts like the columns in turn.
    packed, weite = np.zeros(len(jahr), dtype=np.int64), 1
    for column_codes, (_, kategorien) in zip([*codes, jahr_code], [*keys.values(), (None, range(int(jahr_code.max(initial=0)) + 1))]):
        packed, weite = packed * len(kategorien) + column_codes, weite * len(kategorien)
    order = np.argsort(packed) if weite < 2**62 else np.lexsort([jahr, *reversed(codes)])  # one row per key
    out = pd.DataFrame({"jahr": pd.array(jahr[order].astype(np.int32), dtype="Int32")})
    for name, (new, kategorien) in keys.items():
        if name == "basis":
            out[name] = pd.Series(np.array(kategorien, dtype=object)[new[order]], dtype=object)
        else:
            out[name] = pd.Categorical.from_codes(new[order], categories=pd.Index(kategorien))
    for column in ("begonnen", "beendet", "andauernd"):
        out[column] = frame[column].to_numpy(np.int64)[order]
    return out


def _restore_types(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    if kind == "gebiete":
        import geopandas as gpd
        import shapely

        return gpd.GeoDataFrame({"raum_id": frame["raum_id"], "name": frame["name"]},
                                geometry=shapely.from_wkb(frame["geometrie"].to_numpy()), crs=4326)
    columns = _columns(kind)
    for name, kind_type in columns.items():
        if name not in frame:
            continue
        if frame[name].isna().all() and name not in {c.name for c in TABLES[kind].columns if c.required} \
                and name not in SCHLUESSEL.get(kind, ()):
            # An optional column nobody filled is left out, as the readers leave it out; key columns stay
            # (population "insgesamt" has no upper age: alter_bis empty, but there).
            frame = frame.drop(columns=name)
            continue
        if kind_type == DATE:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
        elif kind_type in (INT, YEAR):
            frame[name] = frame[name].astype("Int32")
        elif kind_type == NUMBER:
            frame[name] = frame[name].astype("float64")
        elif name in _CATEGORIES:
            frame[name] = frame[name].astype("category")
        else:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    frame["zeile"] = np.arange(2, len(frame) + 2)
    return frame


UNTERSCHIED_SPALTEN = ["art", "datei_vorher", "datei_nachher", "zeilen_vorher", "zeilen_nachher", "hinzugefuegt",
                       "entfernt", "geaendert", "beispiele"]
# What identifies a row of each kind, for telling a changed value from a new row.
SCHLUESSEL = {"zuordnung": ("raum_id", "gueltig_ab"), "gebiete": ("raum_id",),
              "bevoelkerung": ("jahr", "raum_id", "alter_von", "alter_bis"), "faelle": ("fall_id",),
              "bevoelkerungsprognose": ("jahr", "raum_id", "variante", "alter_von", "alter_bis"),
              "fallzahlen": ("jahr", "raum_id", "hilfeart", "setting"), "kosten": ("jahr", "raum_id", "hilfeart", "setting"),
              "indikatoren": ("jahr", "raum_id", "indikator"), "angebote": ("angebot_id",),
              "vergleichswerte": ("jahr", "bezug", "kennzahl", "hilfeart")}


def _als_text(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: frame[c].astype(object).map(lambda v: "" if pd.isna(v) else
                                                        (f"{v:g}" if isinstance(v, float) else str(v)))
                         for c in frame.columns}, index=frame.index)


def _wertunterschied(kind: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> tuple[int, int, int, list[str]]:
    """Rows added, removed, changed (same key, other values) and examples of the changes."""
    if old is None or new is None or kind == "gebiete":
        added, removed = _row_difference(kind, old, new)
        return added, removed, 0, []
    old = old.drop(columns=["zeile"], errors="ignore")
    new = new.drop(columns=["zeile"], errors="ignore")
    keys = [k for k in SCHLUESSEL.get(kind, ()) if k in old.columns and k in new.columns]
    a, b = _als_text(old), _als_text(new)
    if not keys or a.duplicated(keys).any() or b.duplicated(keys).any():
        added, removed = _row_difference(kind, old, new)
        return added, removed, 0, []
    werte = [c for c in a.columns if c in b.columns and c not in keys and not c.endswith("_grund")]
    both = a.merge(b, on=keys, how="outer", suffixes=("_alt", "_neu"), indicator=True)
    added = int((both["_merge"] == "right_only").sum())
    removed = int((both["_merge"] == "left_only").sum())
    beide = both[both["_merge"] == "both"]
    anders = np.zeros(len(beide), dtype=bool)
    for c in werte:
        anders |= (beide[f"{c}_alt"] != beide[f"{c}_neu"]).to_numpy()
    geaendert = beide[anders]
    beispiele = []
    for _, row in geaendert.head(5).iterrows():
        wo = ", ".join(str(row[k]) for k in keys if row[k] != "")
        was = "; ".join(f"{c}: {row[f'{c}_alt'] or '–'} → {row[f'{c}_neu'] or '–'}" for c in werte
                        if row[f"{c}_alt"] != row[f"{c}_neu"])
        beispiele.append(f"{wo}: {was}")
    return added, removed, int(anders.sum()), beispiele


def _row_difference(kind: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> tuple[int, int]:
    def keys(frame: pd.DataFrame | None) -> pd.Series:
        if frame is None:
            return pd.Series(dtype=object)
        if kind == "gebiete":
            frame = pd.DataFrame({"raum_id": frame["raum_id"], "name": frame["name"], "wkb": frame.geometry.to_wkb()})
        frame = frame.drop(columns=["zeile"], errors="ignore")
        text = pd.DataFrame({c: frame[c].astype(object).map(lambda v: "\x00" if pd.isna(v) else str(v))
                             for c in sorted(frame.columns)})
        return pd.util.hash_pandas_object(text, index=False).value_counts()

    a, b = keys(old), keys(new)
    both = a.index.union(b.index)
    a, b = a.reindex(both, fill_value=0), b.reindex(both, fill_value=0)
    return int((b - a).clip(lower=0).sum()), int((a - b).clip(lower=0).sum())


def _as_date(value) -> dt.date:  # noqa: ANN001 - SQLite returns text, PostgreSQL a date
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _benutzer() -> str:
    """The operating-system account, marked as such: not a person who signed in to the dashboard."""
    try:
        return f"{getpass.getuser()} (Betriebssystemkonto)"
    except (KeyError, OSError):
        return "unbekannt"


def _warten_max_s() -> float:
    """``SOZIALRAUM_WARTEN_MAX_S``; a bad value keeps the store closed (StoreError with the setting's message)."""
    einstellung = server_einstellungen()
    fehler = einstellung.fehler_zu("SOZIALRAUM_WARTEN_MAX_S")
    if fehler:
        raise StoreError(fehler)
    return einstellung.warten_max_s


def _datei_anlegen(path: Path) -> None:
    """The SQLite file's folder (0700 if this creates it) and the file itself (0600), before SQLite opens it."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            folder.chmod(0o700)  # whatever the umask
        except OSError:
            pass
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # SQLite takes an empty file as new
        except FileExistsError:
            pass  # another process made it at the same moment
    _rechte_festziehen(path)


def _rechte_festziehen(path: Path) -> None:
    """The database and its -wal/-shm siblings: readable and writable by their owner only.

    A file of another owner (a shared installation) is left as it is: only its owner may change it.
    """
    for datei in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if stat.S_IMODE(datei.stat().st_mode) & 0o077:
                datei.chmod(0o600)
                _log.info("Dateirechte von %s auf 0600 gesetzt (sie enthält Einzelfalldaten).", datei)
        except OSError:  # gone in between, or not ours
            continue
