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

Two imports at once are serialised by a lock on the version table (PostgreSQL) or the
database's single writer (SQLite, ``BEGIN IMMEDIATE``), so neither loses the other's table.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .jahresstand import JAHRESARTEN, MODI, zusammenfuehren
from .tables import DATE, HILFEART, ID, INT, KEY, NUMBER, SETTING, TABLES, TEXT, YEAR

KINDS = ("zuordnung", "gebiete", "bevoelkerung", "faelle", "fallzahlen", "kosten", "indikatoren", "angebote")
# Columns the readers derive beyond the contract's: the help a §41 continues, the age range.
_DERIVED = {"faelle": {"basis": TEXT}, "fallzahlen": {"basis": TEXT}, "kosten": {"basis": TEXT},
            "bevoelkerung": {"alter_von": NUMBER, "alter_bis": NUMBER}}
_SQL_TYPES = {KEY: sa.Text, TEXT: sa.Text, ID: sa.Text, HILFEART: sa.Text, SETTING: sa.Text, "richtung": sa.Text,
              INT: sa.Integer, YEAR: sa.Integer, NUMBER: sa.Float, DATE: sa.Date}
_CATEGORIES = ("raum_id", "sozialraum_id", "hilfeart", "setting")


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
    sa.Column("art", sa.String(20), nullable=False),
    sa.Column("datei", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("zeilen", sa.Integer, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
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
    sa.Column("art", sa.String(20), primary_key=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False),
)
DATEN = {kind: sa.Table(f"daten_{kind}", metadata,
                        sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False, index=True),
                        *[sa.Column(name, _SQL_TYPES[kind_type]) for name, kind_type in _columns(kind).items()])
         for kind in KINDS if kind != "gebiete"}
DATEN["gebiete"] = sa.Table("daten_gebiete", metadata,
                            sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False, index=True),
                            sa.Column("raum_id", sa.Text), sa.Column("name", sa.Text),
                            sa.Column("geometrie", sa.LargeBinary))

spaltenzuordnungen = sa.Table(
    "spaltenzuordnungen", metadata,
    sa.Column("art", sa.String(20), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("zuordnung", sa.Text, nullable=False),  # JSON: {"Spalte der Datei": "kanonischer Name"}
    sa.Column("zeit", sa.DateTime, nullable=False),
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

# Settings of the Kreis that belong to the data, not to a server (the Kreis name), with who set them.
einstellungen = sa.Table(
    "einstellungen", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("wert", sa.Text, nullable=False),
    sa.Column("zeit", sa.DateTime, nullable=False),
    sa.Column("benutzer", sa.Text, nullable=False),
)

# Schema migrations, applied in order; the schema_info table records how far a database is.
# A new column or table is a new entry here, never an edit of an old one.
MIGRATIONS: list[tuple[int, str]] = [
    (1, "Grundschema: Importe, Versionen, Versionsinhalt, eine Datentabelle je Art"),
    (2, "Gespeicherte Spaltenzuordnungen für Dateien mit unbekannten Spaltennamen"),
    (3, "Meilensteine der Steuerungsgruppe mit ihrer Geschichte"),
    (4, "Sperrmuster der öffentlichen Ansicht je Datenversion"),
    (5, "Einstellungen des Kreises (Name)"),
    (6, "Fallzahlen: Spalte Hilfen insgesamt (inanspruchnahme) für Tabellen ohne begonnene/beendete Hilfen"),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


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
    value = os.environ.get("SOZIALRAUM_ABLAGE", "").strip()
    return Path(value).expanduser() if value else Path.home() / ".sozialraum-analytics"


def default_url() -> str:
    """``SOZIALRAUM_DB`` as given (database URL or file path), else ``sozialraum.db`` in :func:`ablage`."""
    value = os.environ.get("SOZIALRAUM_DB", "").strip()
    if value and "://" in value:
        return value
    path = Path(value).expanduser() if value else ablage() / "sozialraum.db"
    return f"sqlite:///{path.resolve()}"


class Store:
    """A versioned store on one database URL; the schema is migrated on open."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.sqlite = self.url.startswith("sqlite")
        if self.sqlite:
            path = self.url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = sa.create_engine(self.url, connect_args={"timeout": 60, "isolation_level": None})

            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(connection, _record) -> None:  # noqa: ANN001
                cursor = connection.cursor()
                # Readers keep reading the last committed version while an import writes (WAL).
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            @sa.event.listens_for(self.engine, "begin")
            def _begin(connection) -> None:  # noqa: ANN001
                # A writing transaction takes the single writer lock at its start, not at its first
                # write (so two imports queue instead of failing); readers never wait for it (WAL).
                connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("schreiben") else "BEGIN")
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        self.migrate()

    # --- schema ---------------------------------------------------------------------
    def migrate(self) -> int:
        """Bring the schema to :data:`SCHEMA_VERSION`; returns the version it had before."""
        with self.engine.connect() as conn:
            if self.engine.dialect.has_table(conn, "schema_info"):
                current = conn.execute(sa.select(schema_info.c.version)).scalar_one()
                if current >= SCHEMA_VERSION:
                    return current  # up to date: no lock, so readers open the store during an import
        with self._transaction() as conn:
            if not self.engine.dialect.has_table(conn, "schema_info"):
                schema_info.create(conn)
                conn.execute(schema_info.insert().values(version=0))
            before = conn.execute(sa.select(schema_info.c.version)).scalar_one()
            for number, _description in MIGRATIONS:
                if number > before:
                    _MIGRATION_STEPS[number](conn)
                    conn.execute(schema_info.update().values(version=number))
        return before

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(schema_info.c.version)).scalar_one()

    @contextmanager
    def _transaction(self) -> Iterator[sa.Connection]:
        """A writing transaction; writers are serialised (PostgreSQL: an advisory lock)."""
        with self.engine.connect() as conn:
            conn.info["schreiben"] = True
            try:
                with conn.begin():
                    if not self.sqlite:
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(78123)"))
                    yield conn
            finally:
                conn.info.pop("schreiben", None)

    # --- import ---------------------------------------------------------------------
    def importieren(self, kind: str, frame, datei: str, inhalt: bytes, benutzer: str | None = None,  # noqa: ANN001
                    fortschritt=None, modus: str = "ergaenzen") -> Version:  # noqa: ANN001
        """Store a validated table (the frame :func:`readers.read_table` returns) as a new version.

        ``modus="ergaenzen"`` (default): for kinds with years the rows of the file's years replace
        those years, the other years of the current version stay; ``"ersetzen"``: only the file
        counts. The returned version's ``aenderung`` says which years are new, replaced, kept.
        All or nothing: on any error nothing of it is stored and the current version stays.
        ``fortschritt(done, total)`` is called after each batch of rows (a progress bar).
        """
        if kind not in DATEN:
            raise StoreError(f"Unbekannte Art „{kind}“; erlaubt: {', '.join(KINDS)}")
        if modus not in MODI:
            raise StoreError(f"Unbekannter Modus „{modus}“; erlaubt: {', '.join(MODI)}")
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
        rows = _rows_for_storage(kind, frame)
        names = list(rows)
        n_rows = len(rows[names[0]]) if names else 0
        benutzer = benutzer or _benutzer()
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction() as conn:
            import_id = conn.execute(importe.insert().values(
                art=kind, datei=datei, sha256=sha256, zeilen=n_rows, zeit=now,
                benutzer=benutzer)).inserted_primary_key[0]
            table = DATEN[kind]
            batch = 20_000
            columns = [rows[name] for name in names]
            for start in range(0, n_rows, batch):
                stop = min(start + batch, n_rows)
                tuples = list(zip(itertools.repeat(import_id, stop - start), *(c[start:stop] for c in columns)))
                self._insert(conn, table, ["import_id", *names], tuples)
                if fortschritt is not None:
                    fortschritt(stop, n_rows)
            previous = self._current_content(conn)
            previous[kind] = import_id
            aktion = f"Import ({aenderung})" if aenderung else "Import"
            return replace(self._new_version(conn, aktion, import_id, previous, benutzer, now), aenderung=aenderung)

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

    def zuruecknehmen(self, auf_version: int, benutzer: str | None = None) -> Version:
        """A new version whose content is that of ``auf_version`` (nothing is deleted)."""
        benutzer = benutzer or _benutzer()
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction() as conn:
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

    def tabelle(self, kind: str, version: Version | None = None) -> pd.DataFrame | None:
        """The rows of ``kind`` in ``version`` (default: the current one) as the readers' frame."""
        version = version or self.aktuelle_version()
        if version is None or kind not in version.inhalt:
            return None
        import_id = version.inhalt[kind]["import_id"]
        table = DATEN[kind]
        columns = [c for c in table.columns if c.name != "import_id"]
        with self.engine.connect() as conn:
            frame = pd.read_sql(sa.select(*columns).where(table.c.import_id == import_id), conn)
        return _restore_types(kind, frame)

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
        """Case rows counted per year by the database: ``jahr, raum_id, hilfeart, basis, setting,
        begonnen, beendet, andauernd`` (the official counting: andauernd at 31.12., beendet in j).

        The database groups the rows twice, by the year of Beginn and by the year of Ende; what
        is still running at 31.12.j is everything begun up to j minus everything ended up to j
        (a cumulative sum over the few thousand groups, not the rows).
        """
        version = version or self.aktuelle_version()
        if version is None or "faelle" not in version.inhalt:
            return None
        import_id = version.inhalt["faelle"]["import_id"]
        f = DATEN["faelle"]
        keys = [f.c.raum_id, f.c.hilfeart, f.c.basis, f.c.setting]

        def per_year(date_column: sa.Column, label: str) -> sa.Select:
            year = sa.extract("year", date_column)
            return (sa.select(year.label("jahr"), *keys, sa.func.count().label(label))
                    .where(f.c.import_id == import_id, date_column.is_not(None)).group_by(year, *keys))

        with self.engine.connect() as conn:
            begun = pd.read_sql(per_year(f.c.beginn, "begonnen"), conn)
            ended = pd.read_sql(per_year(f.c.ende, "beendet"), conn)
        key_names = ["raum_id", "hilfeart", "basis", "setting"]
        if begun.empty:
            return None
        frame = begun.merge(ended, on=["jahr", *key_names], how="outer")
        frame[key_names] = frame[key_names].astype(object).where(frame[key_names].notna(), "\x00")
        first, last = int(frame["jahr"].min()), int(frame["jahr"].max())
        groups = frame[key_names].drop_duplicates()
        grid = groups.merge(pd.DataFrame({"jahr": range(first, last + 1)}), how="cross")
        frame = grid.merge(frame, on=[*key_names, "jahr"], how="left").fillna({"begonnen": 0, "beendet": 0})
        frame = frame.sort_values([*key_names, "jahr"], kind="stable")
        running = frame.groupby(key_names, sort=False)[["begonnen", "beendet"]].cumsum()
        frame["andauernd"] = running["begonnen"] - running["beendet"]
        frame = frame[(frame[["begonnen", "beendet", "andauernd"]] != 0).any(axis=1)].reset_index(drop=True)
        frame[key_names] = frame[key_names].where(frame[key_names] != "\x00", None)
        for column in ("begonnen", "beendet", "andauernd"):
            frame[column] = frame[column].astype("int64")
        frame["jahr"] = frame["jahr"].astype("Int32")
        for column in ("raum_id", "hilfeart", "setting"):
            frame[column] = frame[column].astype("category")
        return frame[["jahr", *key_names, "begonnen", "beendet", "andauernd"]]

    def dauern(self, version: Version | None = None) -> pd.DataFrame | None:
        """Durations of the ended cases, grouped by the database: ``jahr`` (of Ende), ``raum_id,
        hilfeart, basis, setting, tage`` (Ende − Beginn in days) and ``anzahl`` (cases).

        Exact means and medians at every level follow from these counts; no case row leaves the database.
        """
        version = version or self.aktuelle_version()
        if version is None or "faelle" not in version.inhalt:
            return None
        f = DATEN["faelle"]
        if self.sqlite:
            tage = sa.cast(sa.func.julianday(f.c.ende) - sa.func.julianday(f.c.beginn), sa.Integer)
        else:
            tage = f.c.ende - f.c.beginn  # PostgreSQL: date - date is a number of days
        year = sa.extract("year", f.c.ende)
        keys = [f.c.raum_id, f.c.hilfeart, f.c.basis, f.c.setting]
        query = (sa.select(year.label("jahr"), *keys, tage.label("tage"), sa.func.count().label("anzahl"))
                 .where(f.c.import_id == version.inhalt["faelle"]["import_id"], f.c.ende.is_not(None),
                        f.c.beginn.is_not(None))
                 .group_by(year, *keys, tage))
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["jahr"] = frame["jahr"].astype("int64")
        frame["tage"] = frame["tage"].astype("int64")
        frame["anzahl"] = frame["anzahl"].astype("int64")
        for column in ("raum_id", "hilfeart", "setting"):
            frame[column] = frame[column].astype("category")
        return frame

    def letztes_datum(self, version: Version | None = None) -> dt.date | None:
        """The latest Beginn or Ende of the cases (the data's Stand)."""
        version = version or self.aktuelle_version()
        if version is None or "faelle" not in version.inhalt:
            return None
        f = DATEN["faelle"]
        with self.engine.connect() as conn:
            dates = conn.execute(sa.select(sa.func.max(f.c.beginn), sa.func.max(f.c.ende))
                                 .where(f.c.import_id == version.inhalt["faelle"]["import_id"])).one()
        found = [_as_date(d) for d in dates if d is not None]
        return max(found) if found else None

    # --- column mappings ----------------------------------------------------------------
    def zuordnung_speichern(self, art: str, name: str, zuordnung: dict[str, str]) -> None:
        """Keep a column mapping under ``name`` (replacing one of the same name) for the next upload."""
        import json

        with self._transaction() as conn:
            conn.execute(spaltenzuordnungen.delete().where(
                (spaltenzuordnungen.c.art == art) & (spaltenzuordnungen.c.name == name)))
            conn.execute(spaltenzuordnungen.insert().values(
                art=art, name=name, zuordnung=json.dumps(zuordnung, ensure_ascii=False),
                zeit=dt.datetime.now().replace(microsecond=0)))

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


def _create_schema(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[importe, versionen, versionsinhalt, *DATEN.values()])
    # (Later tables are created by their own migration, so that step 1 stays what it was.)


def _add_column_mappings(conn: sa.Connection) -> None:
    spaltenzuordnungen.create(conn)


def _add_milestones(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[meilensteine, meilenstein_historie])


def _add_suppression_patterns(conn: sa.Connection) -> None:
    sperrmuster_tabelle.create(conn)


def _add_settings(conn: sa.Connection) -> None:
    einstellungen.create(conn)


def _add_fallzahlen_insgesamt(conn: sa.Connection) -> None:
    # A database made by step 1 of this code already has the columns (step 1 builds from DATEN).
    vorhanden = {c["name"] for c in sa.inspect(conn).get_columns("daten_fallzahlen")}
    for name, typ in (("inanspruchnahme", "INTEGER"), ("inanspruchnahme_grund", "TEXT")):
        if name not in vorhanden:
            conn.execute(sa.text(f"ALTER TABLE daten_fallzahlen ADD COLUMN {name} {typ}"))


_MIGRATION_STEPS = {1: _create_schema, 2: _add_column_mappings, 3: _add_milestones, 4: _add_suppression_patterns,
                    5: _add_settings, 6: _add_fallzahlen_insgesamt}


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
              "fallzahlen": ("jahr", "raum_id", "hilfeart", "setting"), "kosten": ("jahr", "raum_id", "hilfeart", "setting"),
              "indikatoren": ("jahr", "raum_id", "indikator"), "angebote": ("angebot_id",)}


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
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"
