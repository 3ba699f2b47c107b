"""Schema migrations with frozen DDL, and the data contract growing under an existing database (issue 15).

Against the embedded SQLite and a real PostgreSQL server: a database left at any earlier migration
and then opened by this release has the same schema as one built fresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from sozialraum_analytics import tables
from sozialraum_analytics.migrationen import MIGRATIONS, SCHEMA_VERSION, vertrag_abgleichen
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store, daten_tabelle, metadata, vertrag

from .conftest import KLEINKREIS, neue_pg_datenbank

_counter = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def neue_url(request, tmp_path: Path) -> Callable[[], str]:
    """A factory of empty databases on one backend."""
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'm{next(_counter)}.db'}"
    base = request.getfixturevalue("pg_url")
    return lambda: neue_pg_datenbank(base, "m")


def schema(engine: sa.Engine) -> dict[str, dict]:
    """Tables with their columns (type, nullable), primary key, indexes and foreign keys."""
    inspector = sa.inspect(engine)
    out = {}
    for table in sorted(inspector.get_table_names()):
        out[table] = {
            "spalten": {c["name"]: (str(c["type"]).upper(), c["nullable"]) for c in inspector.get_columns(table)},
            "schluessel": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
            "indizes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in inspector.get_indexes(table)),
            "fremdschluessel": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                       tuple(f["referred_columns"])) for f in inspector.get_foreign_keys(table)),
        }
    return out


def schema_info(engine: sa.Engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT * FROM schema_info")).mappings().one())


def kosten(mit_kostenstelle: bool = False):  # noqa: ANN201
    path = KLEINKREIS / "kosten.csv"
    frame = read_table(path, "kosten").frame
    raw = path.read_bytes()
    if mit_kostenstelle:
        frame = frame.assign(kostenstelle=[f"KST-{i}" for i in range(len(frame))])
        raw += b"\n# mit Kostenstelle"
    return frame, raw


def mit_kostenstelle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contract as a later release has it: the Ausgaben get an optional Kostenstelle."""
    spec = tables.TABLES["kosten"]
    neu = tables.ColumnSpec("kostenstelle", tables.TEXT, False, ("Kostenstelle", "KST"), "eine Kostenstelle")
    monkeypatch.setitem(tables.TABLES, "kosten", dataclasses.replace(spec, columns=(*spec.columns, neu)))


# --- every earlier version ends where a fresh database starts ---------------------------------------
def test_the_numbering_is_kept_and_complete() -> None:
    assert [n for n, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert SCHEMA_VERSION == 14
    assert MIGRATIONS[13][1].startswith("Fälle: Spalten der Fallstruktur")
    assert MIGRATIONS[5][1].startswith("Fallzahlen: Spalte Hilfen insgesamt")


def test_every_earlier_version_migrates_to_the_fresh_schema(neue_url: Callable[[], str]) -> None:
    fresh = Store(neue_url())
    expected, expected_info = schema(fresh.engine), schema_info(fresh.engine)
    with fresh.engine.connect() as conn:  # the frozen steps already give today's contract: nothing added
        assert conn.execute(sa.text("SELECT count(*) FROM vertragsspalten")).scalar_one() == 0
    fresh.dispose()
    assert expected_info["version"] == SCHEMA_VERSION
    for bis in range(SCHEMA_VERSION):
        url = neue_url()
        old = Store(url, migrieren=False)
        assert old.migrate(bis=bis) == 0
        assert old.schema_version() == bis
        # The contract check comes with migration 7 and runs only when migrating to the end.
        assert schema_info(old.engine).get("vertrag") is None
        old.dispose()
        again = Store(url)
        assert schema(again.engine) == expected, f"von Version {bis}"
        assert schema_info(again.engine) == expected_info, f"von Version {bis}"
        again.dispose()


def test_the_query_tables_match_the_migrated_schema(neue_url: Callable[[], str]) -> None:
    """What the store's queries name exists in the database, with the same nullability."""
    store = Store(neue_url())
    stored = schema(store.engine)
    for table in metadata.sorted_tables:
        spalten = stored[table.name]["spalten"]
        for column in table.columns:
            assert column.name in spalten, f"{table.name}.{column.name}"
            assert spalten[column.name][1] == column.nullable, f"{table.name}.{column.name}"
    for kind in ("zuordnung", "gebiete", "bevoelkerung", "bevoelkerungsprognose", "faelle", "fallzahlen", "kosten",
                 "indikatoren", "angebote", "vergleichswerte"):
        table = daten_tabelle(kind)
        assert {c.name for c in table.columns} == set(stored[table.name]["spalten"]), kind
    store.dispose()


def test_an_old_step_1_database_gets_the_columns_added_since(neue_url: Callable[[], str]) -> None:
    """A database of an earlier release whose step 1 knew fewer columns (no Hilfen insgesamt, no basis)."""
    url = neue_url()
    old = Store(url, migrieren=False)
    old.migrate(bis=5)
    with old.engine.begin() as conn:
        for table, column in (("daten_fallzahlen", "inanspruchnahme_grund"), ("daten_fallzahlen", "inanspruchnahme"),
                              ("daten_kosten", "basis")):
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    old.dispose()
    store = Store(url)
    fresh = Store(neue_url())
    assert schema(store.engine) == schema(fresh.engine)
    with store.engine.connect() as conn:
        added = conn.execute(sa.text("SELECT tabelle, spalte, typ FROM vertragsspalten")).all()
    assert [(t, s) for t, s, _ in added] == [("daten_kosten", "basis")]  # step 6 adds the other two
    frame, raw = kosten()
    store.importieren("kosten", frame, "kosten.csv", raw, benutzer="test")
    assert len(store.tabelle("kosten")) == len(frame)
    store.dispose()
    fresh.dispose()


# --- a column added to the contract -------------------------------------------------------------------
@pytest.mark.parametrize("angelegt_bei", [6, SCHEMA_VERSION])
def test_a_new_contract_column_is_added_to_an_existing_database(neue_url: Callable[[], str],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                angelegt_bei: int) -> None:
    """Issue 15: "table daten_kosten has no column named kostenstelle" after the contract grew."""
    url = neue_url()
    before = Store(url, migrieren=False)
    before.migrate(bis=angelegt_bei)
    frame, raw = kosten()
    if angelegt_bei == SCHEMA_VERSION:
        before.importieren("kosten", frame, "kosten.csv", raw, benutzer="test")
    before.dispose()

    mit_kostenstelle(monkeypatch)
    store = Store(url)
    spalten = {c["name"]: c for c in sa.inspect(store.engine).get_columns("daten_kosten")}
    assert "kostenstelle" in spalten and spalten["kostenstelle"]["nullable"]
    with store.engine.connect() as conn:
        vermerk = conn.execute(sa.text("SELECT tabelle, spalte, typ FROM vertragsspalten")).all()
    assert [(t, s, typ.upper()) for t, s, typ in vermerk] == [("daten_kosten", "kostenstelle", "TEXT")]

    neu, raw_neu = kosten(mit_kostenstelle=True)
    version = store.importieren("kosten", neu, "kosten_kst.csv", raw_neu, benutzer="test", modus="ersetzen")
    back = store.tabelle("kosten")
    assert back["kostenstelle"].tolist() == [f"KST-{i}" for i in range(len(neu))]
    # A file without the new column still imports (the column stays empty and is left out when read).
    ohne = store.importieren("kosten", frame, "kosten.csv", raw + b"\n", benutzer="test", modus="ersetzen")
    assert "kostenstelle" not in store.tabelle("kosten") and ohne.id == version.id + 1
    assert store.tabelle("kosten", version)["kostenstelle"].iloc[0] == "KST-0"
    store.dispose()

    # Opened again: nothing more to do, no second record.
    again = Store(url)
    assert again.migrate() == SCHEMA_VERSION
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM vertragsspalten")).scalar_one() == 1
    again.dispose()


def test_the_contract_file_reader_and_store_agree_on_the_new_column(neue_url: Callable[[], str],
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    url = neue_url()
    Store(url).dispose()
    mit_kostenstelle(monkeypatch)
    path = tmp_path / "kosten.csv"
    path.write_text("Jahr;Gemeindeschlüssel;Hilfeart;Betrag;Kostenstelle\n2023;08111001;§ 34;150.000,00;4711\n",
                    encoding="utf-8")
    result = read_table(path, "kosten")
    assert result.ok and "kostenstelle" in result.frame
    store = Store(url)
    store.importieren("kosten", result.frame, path.name, path.read_bytes())
    assert store.tabelle("kosten")["kostenstelle"].tolist() == ["4711"]
    store.dispose()


def test_a_new_contract_table_is_created(neue_url: Callable[[], str]) -> None:
    store = Store(neue_url())
    with store._transaction() as conn:
        added = vertrag_abgleichen(conn, {**vertrag(), "daten_neu": {"jahr": sa.Integer(), "wert": sa.Float()}})
    assert added == ["daten_neu.jahr", "daten_neu.wert"]
    stored = schema(store.engine)["daten_neu"]
    assert set(stored["spalten"]) == {"import_id", "jahr", "wert"} and not stored["spalten"]["import_id"][1]
    # As step 10 leaves the data tables: no foreign key, no B-tree; PostgreSQL a BRIN index over import_id.
    assert stored["fremdschluessel"] == []
    assert stored["indizes"] == ([("brin_daten_neu_import_id", ("import_id",), False)] if not store.sqlite else [])
    store.dispose()


# --- step 10: the rows of an import without a B-tree ------------------------------------------------
def _import_zeilen(engine: sa.Engine) -> dict[int, tuple]:
    with engine.connect() as conn:
        return {i: (v, b, z) for i, v, b, z in conn.execute(sa.text("SELECT id, zeile_von, zeile_bis, zeilen FROM importe"))}


def test_step_10_keeps_every_import_readable(neue_url: Callable[[], str]) -> None:
    """Imports saved at schema 9 (B-tree and foreign key) read the same after step 10; SQLite has the rowid
    ranges of the old imports, PostgreSQL a BRIN index instead of the B-tree and no foreign key."""
    url = neue_url()
    old = Store(url, migrieren=False)
    old.migrate(bis=9)
    frame, raw = kosten()
    with old._transaction() as conn:  # two imports as schema 9 stored them (rows tagged with import_id)
        for import_id, teil in ((1, frame.iloc[:3]), (2, frame)):
            conn.execute(sa.text("INSERT INTO importe (id, art, datei, sha256, zeilen, zeit, benutzer) VALUES "
                                 "(:i, 'kosten', 'kosten.csv', :s, :n, :t, 'alt')"),
                         {"i": import_id, "s": str(import_id) * 64, "n": len(teil), "t": dt.datetime(2025, 1, 1)})
            conn.execute(sa.text("INSERT INTO daten_kosten (import_id, jahr, raum_id, hilfeart, betrag) "
                                 "VALUES (:i, :j, :r, :h, :b)"),
                         [{"i": import_id, "j": int(r.jahr), "r": r.raum_id, "h": r.hilfeart, "b": float(r.betrag)}
                          for r in teil.itertuples()])
            conn.execute(sa.text("INSERT INTO versionen (id, zeit, benutzer, aktion, import_id) "
                                 "VALUES (:i, :t, 'alt', 'Import', :i)"), {"i": import_id, "t": dt.datetime(2025, 1, 1)})
            conn.execute(sa.text("INSERT INTO versionsinhalt (version_id, art, import_id) VALUES (:i, 'kosten', :i)"),
                         {"i": import_id})
    old.dispose()
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    stored = schema(store.engine)["daten_kosten"]
    if store.sqlite:
        assert _import_zeilen(store.engine) == {1: (1, 3, 3), 2: (4, 3 + len(frame), len(frame))}
        assert stored["indizes"] == []
    else:
        assert stored["indizes"] == [("brin_daten_kosten_import_id", ("import_id",), False)]
        assert stored["fremdschluessel"] == []
    for version_id, n in ((1, 3), (2, len(frame))):
        back = store.tabelle("kosten", store.version(version_id))
        assert len(back) == n
        assert back["betrag"].tolist() == frame["betrag"].iloc[:n].tolist()
    store.dispose()


# --- who saved a column mapping --------------------------------------------------------------------
def test_column_mapping_profiles_record_who_and_when(neue_url: Callable[[], str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url = neue_url()
    old = Store(url, migrieren=False)
    old.migrate(bis=7)
    with old.engine.begin() as conn:  # a profile saved before migration 8: no name recorded
        conn.execute(sa.text("INSERT INTO spaltenzuordnungen (art, name, zuordnung, zeit) "
                             "VALUES ('kosten', 'Alt', '{\"KST\": \"kostenstelle\"}', '2024-01-02 03:04:05')"))
    old.dispose()
    monkeypatch.setattr("getpass.getuser", lambda: "jhp")
    store = Store(url)
    store.zuordnung_speichern("faelle", "Fachverfahren", {"Aktenzeichen": "fall_id"}, benutzer="anna")
    store.zuordnung_speichern("faelle", "Ohne Namen", {"Hilfe": "hilfeart"})
    profile = {(p.art, p.name): p for p in store.zuordnungsprofile()}
    assert list(profile) == [("faelle", "Fachverfahren"), ("faelle", "Ohne Namen"), ("kosten", "Alt")]
    assert profile[("faelle", "Fachverfahren")].benutzer == "anna"
    assert profile[("faelle", "Fachverfahren")].zuordnung == {"Aktenzeichen": "fall_id"}
    assert profile[("faelle", "Ohne Namen")].benutzer == "jhp (Betriebssystemkonto)"
    assert profile[("kosten", "Alt")].benutzer is None
    assert str(profile[("kosten", "Alt")].zeit).startswith("2024-01-02 03:04:05")
    assert [p.name for p in store.zuordnungsprofile("kosten")] == ["Alt"]
    assert store.zuordnungen("faelle") == {"Fachverfahren": {"Aktenzeichen": "fall_id"},
                                           "Ohne Namen": {"Hilfe": "hilfeart"}}
    store.dispose()


# --- step 12: the population projection, a kind with a longer name -----------------------------------------
def test_step_12_stores_the_population_projection(neue_url: Callable[[], str]) -> None:
    """"bevoelkerungsprognose" has 21 letters and PostgreSQL's kind columns had 20: a database of step 11 takes the
    new kind after step 12 (its rows, a saved column mapping), on SQLite and PostgreSQL alike."""
    from sozialraum_analytics.lesen import datei_lesen

    from .conftest import FIXTURES

    url = neue_url()
    old = Store(url, migrieren=False)
    old.migrate(bis=11)
    assert not sa.inspect(old.engine).has_table("daten_bevoelkerungsprognose")
    old.dispose()
    store = Store(url)
    gelesen = datei_lesen(FIXTURES / "amtlich" / "12421-01-01-4_musterkreis.csv", variante="G2L2W2")
    version = store.importieren("bevoelkerungsprognose", gelesen.frame, "12421-01-01-4.csv", b"12421", benutzer="test")
    assert version.inhalt["bevoelkerungsprognose"]["zeilen"] == 42
    back = store.tabelle("bevoelkerungsprognose")
    assert set(back["variante"]) == {"Geburtenrate, LE und WS moderat (G2L2W2)"}
    # All seven groups: 350 + 350 + 500 + 500 + 450 + 200 + 750 = 3.100 in 2024, 100 more each year ("10 bis unter 15").
    assert back.groupby("jahr")["anzahl"].sum().tolist() == [3100 + 100 * i for i in range(6)]
    store.zuordnung_speichern("bevoelkerungsprognose", "Landesamt", {"Einwohner": "anzahl"}, benutzer="test")
    assert store.zuordnungen("bevoelkerungsprognose") == {"Landesamt": {"Einwohner": "anzahl"}}
    if not store.sqlite:
        spalten = {c["name"]: c["type"] for c in sa.inspect(store.engine).get_columns("importe")}
        assert spalten["art"].length == 40
    store.dispose()
