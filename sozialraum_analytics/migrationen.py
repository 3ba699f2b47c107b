"""Schema migrations of the data store, each one's DDL frozen as it was written.

A database records in ``schema_info.version`` how far it is. Every step below owns its table
definitions (its own ``MetaData``, the columns written out): a later change of the data contract
(``tables.TABLES``) never changes what an old step creates, so a database migrated step by step and
a database built fresh end up with the same schema.

Two kinds of change:

- a new table, a new column of a bookkeeping table, a changed type: a new numbered step here, never
  an edit of an old one;
- a new optional column of a contract table (``daten_<art>``): nothing to write here.
  :func:`vertrag_abgleichen` runs at open after the numbered steps, compares the live contract with
  the database, adds the missing nullable columns (``ALTER TABLE … ADD COLUMN``) and records each in
  ``vertragsspalten``; a fingerprint of the contract in ``schema_info.vertrag`` keeps this to one
  query when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Mapping

import sqlalchemy as sa

_log = logging.getLogger(__name__)

# The numbered steps; the store migrates up to the last one. Descriptions are German (they are
# shown to administrators); a new step is appended, an old one is never changed.
MIGRATIONS: list[tuple[int, str]] = [
    (1, "Grundschema: Importe, Versionen, Versionsinhalt, eine Datentabelle je Art"),
    (2, "Gespeicherte Spaltenzuordnungen für Dateien mit unbekannten Spaltennamen"),
    (3, "Meilensteine der Steuerungsgruppe mit ihrer Geschichte"),
    (4, "Sperrmuster der öffentlichen Ansicht je Datenversion"),
    (5, "Einstellungen des Kreises (Name)"),
    (6, "Fallzahlen: Spalte Hilfen insgesamt (inanspruchnahme) für Tabellen ohne begonnene/beendete Hilfen"),
    (7, "Abgleich mit dem Datenvertrag: neue Spalten der Datentabellen werden beim Öffnen ergänzt und vermerkt"),
    (8, "Spaltenzuordnungen: wer sie gespeichert hat (benutzer)"),
    (9, "Jahreszahlen der Fälle (begonnen, beendet, andauernd), beim Import gezählt und mit ihm gespeichert"),
    (10, "Zeilen je Import ohne B-Baum und Fremdschlüssel: Zeilenbereich (SQLite) bzw. BRIN-Index (PostgreSQL)"),
    (11, "Dauern der beendeten Fälle (Tage je Gruppe), beim Import gezählt und mit den Jahreszahlen gespeichert"),
    (12, "Bevölkerungsvorausberechnung als eigene Art (Tabelle daten_bevoelkerungsprognose, Art-Spalten 40 Zeichen)"),
    (13, "Vergleichswerte anderer Gebiete (Land, Bund, ähnliche Kreise) als eigene Datenart"),
    (14, "Fälle: Spalten der Fallstruktur (Personen-ID, Hauptgrund, Grund der Beendigung)"),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
# From this step on the database has the bookkeeping of the contract check.
VERTRAG_AB = 7


def _importe_stub(md: sa.MetaData) -> sa.Table:
    """The referenced key only, so that a later step can name ``importe.id`` in a foreign key."""
    return sa.Table("importe", md, sa.Column("id", sa.Integer, primary_key=True))


def _versionen_stub(md: sa.MetaData) -> sa.Table:
    return sa.Table("versionen", md, sa.Column("id", sa.Integer, primary_key=True))


def _daten(md: sa.MetaData, name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(name, md, sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False,
                                        index=True), *columns)


def _text(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.Text) for n in names]


def _schritt_1_grundschema(conn: sa.Connection) -> None:
    # As step 1 created it on the day the steps were frozen (the contract of that day). Databases made
    # by step 1 of earlier releases lack some of these columns: step 6 and the contract check add them.
    md = sa.MetaData()
    sa.Table("importe", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("art", sa.String(20), nullable=False),
             sa.Column("datei", sa.Text, nullable=False),
             sa.Column("sha256", sa.String(64), nullable=False),
             sa.Column("zeilen", sa.Integer, nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False),
             sa.Column("benutzer", sa.Text, nullable=False))
    sa.Table("versionen", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("zeit", sa.DateTime, nullable=False),
             sa.Column("benutzer", sa.Text, nullable=False),
             sa.Column("aktion", sa.Text, nullable=False),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=True))
    sa.Table("versionsinhalt", md,
             sa.Column("version_id", sa.Integer, sa.ForeignKey("versionen.id"), primary_key=True),
             sa.Column("art", sa.String(20), primary_key=True),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), nullable=False))
    _daten(md, "daten_zuordnung", *_text("raum_id", "name", "sozialraum_id", "sozialraum_name"),
           sa.Column("gueltig_ab", sa.Date))
    _daten(md, "daten_bevoelkerung",
           sa.Column("jahr", sa.Integer), *_text("raum_id", "altersgruppe"),
           sa.Column("alter_von", sa.Float), *_text("alter_von_grund"),
           sa.Column("alter_bis", sa.Float), *_text("alter_bis_grund"),
           sa.Column("alter", sa.Integer), *_text("alter_grund"),
           sa.Column("anzahl", sa.Float), *_text("anzahl_grund"))
    _daten(md, "daten_faelle",
           *_text("fall_id", "raum_id", "hilfeart", "setting"),
           sa.Column("beginn", sa.Date), sa.Column("ende", sa.Date),
           sa.Column("geburtsjahr", sa.Integer), sa.Column("alter", sa.Integer),
           *_text("alter_grund", "geschlecht", "basis"))
    _daten(md, "daten_fallzahlen",
           sa.Column("jahr", sa.Integer), *_text("raum_id", "hilfeart", "setting"),
           sa.Column("begonnen", sa.Integer), *_text("begonnen_grund"),
           sa.Column("beendet", sa.Integer), *_text("beendet_grund"),
           sa.Column("andauernd", sa.Integer), *_text("andauernd_grund"),
           sa.Column("inanspruchnahme", sa.Integer), *_text("inanspruchnahme_grund"),
           sa.Column("ausgaben", sa.Float), *_text("ausgaben_grund", "basis"))
    _daten(md, "daten_kosten",
           sa.Column("jahr", sa.Integer), *_text("raum_id", "hilfeart", "setting"),
           sa.Column("betrag", sa.Float), *_text("betrag_grund", "basis"))
    _daten(md, "daten_indikatoren",
           sa.Column("jahr", sa.Integer), *_text("raum_id", "indikator"),
           sa.Column("wert", sa.Float), *_text("wert_grund", "einheit", "richtung"))
    _daten(md, "daten_angebote",
           *_text("angebot_id", "name", "typ", "traeger", "raum_id"),
           sa.Column("plaetze", sa.Integer), *_text("plaetze_grund"),
           sa.Column("alter_von", sa.Integer), *_text("alter_von_grund"),
           sa.Column("alter_bis", sa.Integer), *_text("alter_bis_grund"),
           sa.Column("lat", sa.Float), *_text("lat_grund"),
           sa.Column("lon", sa.Float), *_text("lon_grund"),
           sa.Column("seit", sa.Date), sa.Column("bis", sa.Date))
    _daten(md, "daten_gebiete", *_text("raum_id", "name"), sa.Column("geometrie", sa.LargeBinary))
    md.create_all(conn)


def _schritt_2_spaltenzuordnungen(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table("spaltenzuordnungen", md,
             sa.Column("art", sa.String(20), primary_key=True),
             sa.Column("name", sa.Text, primary_key=True),
             sa.Column("zuordnung", sa.Text, nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False)).create(conn)


def _meilenstein_spalten() -> list[sa.Column]:
    return [sa.Column("titel", sa.Text, nullable=False),
            sa.Column("raum_id", sa.Text),
            sa.Column("faellig", sa.Date, nullable=False),
            sa.Column("status", sa.String(30), nullable=False),
            sa.Column("verantwortlich", sa.Text),
            sa.Column("notiz", sa.Text)]


def _schritt_3_meilensteine(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table("meilensteine", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             *_meilenstein_spalten(),
             sa.Column("stand", sa.Integer, nullable=False),
             sa.Column("geloescht", sa.Boolean, nullable=False))
    sa.Table("meilenstein_historie", md,
             sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("meilenstein_id", sa.Integer, sa.ForeignKey("meilensteine.id"), nullable=False, index=True),
             sa.Column("stand", sa.Integer, nullable=False),
             sa.Column("aktion", sa.String(20), nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False),
             sa.Column("benutzer", sa.Text, nullable=False),
             *_meilenstein_spalten())
    md.create_all(conn)


def _schritt_4_sperrmuster(conn: sa.Connection) -> None:
    md = sa.MetaData()
    _versionen_stub(md)
    sa.Table("sperrmuster", md,
             sa.Column("version_id", sa.Integer, sa.ForeignKey("versionen.id"), primary_key=True),
             sa.Column("verfahren", sa.String(20), primary_key=True),
             sa.Column("daten", sa.LargeBinary, nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False)).create(conn)


def _schritt_5_einstellungen(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table("einstellungen", md,
             sa.Column("name", sa.String(40), primary_key=True),
             sa.Column("wert", sa.Text, nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False),
             sa.Column("benutzer", sa.Text, nullable=False)).create(conn)


def _schritt_6_fallzahlen_insgesamt(conn: sa.Connection) -> None:
    # Step 1 of this release already has the columns; step 1 of the releases before did not.
    _spalten_ergaenzen(conn, "daten_fallzahlen", {"inanspruchnahme": sa.Integer(), "inanspruchnahme_grund": sa.Text()})


def _schritt_7_vertragsabgleich(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table("vertragsspalten", md,
             sa.Column("tabelle", sa.String(60), primary_key=True),
             sa.Column("spalte", sa.String(100), primary_key=True),
             sa.Column("typ", sa.Text, nullable=False),
             sa.Column("zeit", sa.DateTime, nullable=False)).create(conn)
    _spalten_ergaenzen(conn, "schema_info", {"vertrag": sa.Text()})


def _schritt_8_zuordnung_benutzer(conn: sa.Connection) -> None:
    # Who saved a mapping; profiles saved before stay without a name (NULL). "zeit" is there since step 2.
    _spalten_ergaenzen(conn, "spaltenzuordnungen", {"benutzer": sa.Text()})


def _schritt_9_jahreszahlen(conn: sa.Connection) -> None:
    # The yearly counts of a case import, worked out when it is saved, kept with it as one Arrow IPC
    # stream (a few hundred thousand rows for a million cases: one value to write and read, not rows);
    # imports saved before keep being counted by the database.
    md = sa.MetaData()
    _importe_stub(md)
    sa.Table("faelle_jahreszahlen", md,
             sa.Column("import_id", sa.Integer, sa.ForeignKey("importe.id"), primary_key=True),
             sa.Column("zeilen", sa.Integer, nullable=False),
             sa.Column("daten", sa.LargeBinary, nullable=False)).create(conn)


def _daten_aktuell(conn: sa.Connection, md: sa.MetaData, name: str, *columns: sa.Column) -> sa.Table:
    """A data table as step 10 leaves them: ``import_id`` without foreign key and B-tree; on PostgreSQL a
    BRIN index over it (the rows of one import lie together on disk)."""
    table = sa.Table(name, md, sa.Column("import_id", sa.Integer, nullable=False), *columns)
    if conn.dialect.name == "postgresql":
        sa.Index(_brin_name(name), table.c.import_id, postgresql_using="brin")
    return table


def _brin_name(tabelle: str) -> str:
    return f"brin_{tabelle}_import_id"


def _schritt_10_zeilenbereiche(conn: sa.Connection) -> None:
    # A B-tree over import_id and the foreign key cost as much as the bulk load itself (a million cases:
    # +0.6 s on SQLite, +6 s on PostgreSQL, where each row's key was looked up). The rows of one import
    # are written in one go and never deleted, so they lie together: SQLite finds them by their rowid
    # range (kept in importe, checked at each read), PostgreSQL by a BRIN index (a few pages, kept up
    # while loading). The foreign key stays on SQLite (dropping it means rebuilding the tables); the
    # writer does not check it, it writes the id of the import row of the same transaction.
    _spalten_ergaenzen(conn, "importe", {"zeile_von": sa.BigInteger(), "zeile_bis": sa.BigInteger()})
    inspector = sa.inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for tabelle in sorted(t for t in inspector.get_table_names() if t.startswith("daten_")):
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text(
                f"UPDATE importe SET zeile_von = b.von, zeile_bis = b.bis FROM (SELECT import_id, min(rowid) AS von, "
                f"max(rowid) AS bis FROM {quote(tabelle)} GROUP BY import_id) AS b WHERE importe.id = b.import_id"))
        else:
            for fk in inspector.get_foreign_keys(tabelle):
                if fk["constrained_columns"] == ["import_id"] and fk.get("name"):
                    conn.execute(sa.text(f"ALTER TABLE {quote(tabelle)} DROP CONSTRAINT {quote(fk['name'])}"))
        for index in inspector.get_indexes(tabelle):
            if index["column_names"] == ["import_id"]:
                conn.execute(sa.text(f"DROP INDEX {quote(index['name'])}"))
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"CREATE INDEX {quote(_brin_name(tabelle))} ON {quote(tabelle)} USING brin (import_id)"))


def _schritt_11_dauern(conn: sa.Connection) -> None:
    # The durations grouped as Store.dauern returns them, worked out with the yearly counts when a case
    # import is saved (the database's grouping of a million cases took 8 s on SQLite); one Arrow IPC stream.
    _spalten_ergaenzen(conn, "faelle_jahreszahlen", {"dauern": sa.LargeBinary()})


def _schritt_12_vorausberechnung(conn: sa.Connection) -> None:
    # The kind "bevoelkerungsprognose" has 21 letters: the kind columns grow from 20 to 40 characters. PostgreSQL
    # checks a varchar's length; SQLite does not (and cannot change a column's type), so there they keep their
    # declared VARCHAR(20), in a database built fresh as in a migrated one.
    if conn.dialect.name == "postgresql":
        for tabelle in ("importe", "versionsinhalt", "spaltenzuordnungen"):
            conn.execute(sa.text(f"ALTER TABLE {tabelle} ALTER COLUMN art TYPE VARCHAR(40)"))
    # The contract of the new kind on the day it was added (as the contract check would create it).
    _daten_aktuell(conn, sa.MetaData(), "daten_bevoelkerungsprognose",
                   sa.Column("jahr", sa.Integer), *_text("raum_id", "altersgruppe"),
                   sa.Column("alter_von", sa.Float), *_text("alter_von_grund"),
                   sa.Column("alter_bis", sa.Float), *_text("alter_bis_grund"),
                   sa.Column("alter", sa.Integer), *_text("alter_grund"),
                   sa.Column("anzahl", sa.Float), *_text("anzahl_grund", "variante", "quelle")).create(conn)


def _schritt_13_vergleichswerte(conn: sa.Connection) -> None:
    # The data kind vergleichswerte (issue 17.2): published values of other regions, a data table as step 10
    # leaves them (import_id without foreign key; BRIN on PostgreSQL).
    _daten_aktuell(conn, sa.MetaData(), "daten_vergleichswerte",
                   sa.Column("jahr", sa.Integer), *_text("bezug", "kennzahl", "hilfeart"),
                   sa.Column("wert", sa.Float), *_text("wert_grund", "quelle")).create(conn, checkfirst=True)


def _schritt_14_fallstruktur(conn: sa.Connection) -> None:
    # The case structure's optional columns of the case file (fallstruktur.py), as text; a database the
    # contract check gave them already keeps them (only missing columns are added).
    _spalten_ergaenzen(conn, "daten_faelle", {"person_id": sa.Text(), "hauptgrund": sa.Text(),
                                              "beendigungsgrund": sa.Text()})


_SCHRITTE: dict[int, Callable[[sa.Connection], None]] = {
    1: _schritt_1_grundschema, 2: _schritt_2_spaltenzuordnungen, 3: _schritt_3_meilensteine,
    4: _schritt_4_sperrmuster, 5: _schritt_5_einstellungen, 6: _schritt_6_fallzahlen_insgesamt,
    7: _schritt_7_vertragsabgleich, 8: _schritt_8_zuordnung_benutzer,
    9: _schritt_9_jahreszahlen, 10: _schritt_10_zeilenbereiche, 11: _schritt_11_dauern,
    12: _schritt_12_vorausberechnung,
    13: _schritt_13_vergleichswerte,
    14: _schritt_14_fallstruktur,
}


def schritt(number: int) -> Callable[[sa.Connection], None]:
    """The DDL of migration ``number``."""
    return _SCHRITTE[number]


def _spalten_ergaenzen(conn: sa.Connection, tabelle: str, spalten: Mapping[str, sa.types.TypeEngine]) -> list[str]:
    """Add the nullable columns a table lacks; returns their names."""
    vorhanden = {c["name"] for c in sa.inspect(conn).get_columns(tabelle)}
    quote = conn.dialect.identifier_preparer.quote
    neu = []
    for name, typ in spalten.items():
        if name not in vorhanden:
            conn.execute(sa.text(f"ALTER TABLE {quote(tabelle)} ADD COLUMN {quote(name)} "
                                 f"{typ.compile(dialect=conn.dialect)}"))
            neu.append(name)
    return neu


# --- the live contract against the database ------------------------------------------------------
def vertrag_fingerabdruck(vertrag: Mapping[str, Mapping[str, sa.types.TypeEngine]]) -> str:
    """A hash of the contract's tables, columns and types (changes when a column is added)."""
    text = "\n".join(f"{tabelle}.{name}:{typ!r}" for tabelle in sorted(vertrag)
                     for name, typ in sorted(vertrag[tabelle].items()))
    return hashlib.sha256(text.encode()).hexdigest()


def vertrag_abgleichen(conn: sa.Connection, vertrag: Mapping[str, Mapping[str, sa.types.TypeEngine]]) -> list[str]:
    """Bring the data tables up to the live contract (``{"daten_kosten": {"betrag": Float(), …}}``).

    A missing column is added as nullable, a missing table is created; each addition is recorded in
    ``vertragsspalten``. Columns the contract no longer has stay (the rows of old imports keep them);
    a changed type needs a numbered migration. Returns ``tabelle.spalte`` of what was added.
    """
    inspector = sa.inspect(conn)
    vorhandene_tabellen = set(inspector.get_table_names())
    now = dt.datetime.now().replace(microsecond=0)
    neu: list[tuple[str, str, str]] = []
    for tabelle, spalten in vertrag.items():
        if tabelle not in vorhandene_tabellen:
            _daten_aktuell(conn, sa.MetaData(), tabelle, *[sa.Column(name, typ) for name, typ in spalten.items()]
                           ).create(conn)
            neu += [(tabelle, name, str(typ.compile(dialect=conn.dialect))) for name, typ in spalten.items()]
            continue
        for name in _spalten_ergaenzen(conn, tabelle, spalten):
            neu.append((tabelle, name, str(spalten[name].compile(dialect=conn.dialect))))
    if neu:
        vermerk = sa.table("vertragsspalten", sa.column("tabelle", sa.Text), sa.column("spalte", sa.Text),
                           sa.column("typ", sa.Text), sa.column("zeit", sa.DateTime))
        conn.execute(vermerk.insert(), [{"tabelle": t, "spalte": s, "typ": typ, "zeit": now} for t, s, typ in neu])
        for tabelle, spalte, typ in neu:
            _log.info("Datenvertrag: Spalte %s (%s) in der Tabelle %s ergänzt.", spalte, typ, tabelle)
    conn.execute(sa.text("UPDATE schema_info SET vertrag = :vertrag"), {"vertrag": vertrag_fingerabdruck(vertrag)})
    return [f"{t}.{s}" for t, s, _ in neu]
