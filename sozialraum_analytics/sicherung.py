"""Backup and restore of the store and the accounts: one archive file, consistent while the dashboard runs.

The archive (a ZIP file, mode 0600: it holds case-level data and password hashes) contains

- ``manifest.json``: format, schema version of the store, when, which database (``sqlite`` or
  ``postgresql``), counts of versions, imports and milestones, the SHA-256 of the database part;
- the database: ``datenbank.sqlite`` (a copy made with SQLite's backup API: one read transaction,
  so a consistent state even while an import writes; WAL-safe) or ``datenbank.pgdump``
  (``pg_dump --format=custom`` of the URL's database, in the same snapshot as the counts);
- ``konten.txt``, the accounts file (:func:`konten.kontendatei`), if there is one.

Restoring reads the manifest first and refuses a backup from a newer schema than this program
knows, a backup of the other kind of database, and a store that already holds data (unless
``ueberschreiben``). SQLite is restored through the backup API into the store's file (running
dashboards see the restored state at their next query; no stale WAL file is left behind);
PostgreSQL in one transaction (``pg_restore`` piped into ``psql --single-transaction``), so a failed
restore leaves the store as it was. Then the store is opened, which migrates an older schema.

The command line::

    python -m sozialraum_analytics sichern DATEI
    python -m sozialraum_analytics wiederherstellen DATEI
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from . import __version__
from .einstellungen import einstellungen
from .store import SCHEMA_VERSION, Store, default_url

FORMAT = 1
MANIFEST = "manifest.json"
KONTEN = "konten.txt"
DATENBANK = {"sqlite": "datenbank.sqlite", "postgresql": "datenbank.pgdump"}
# What the manifest counts (tables that an older schema lacks count 0).
ZAEHLUNG = {"versionen": "versionen", "importe": "importe", "meilensteine": "meilensteine",
            "meilenstein_staende": "meilenstein_historie"}
_DIALEKT_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class SicherungFehler(Exception):
    """A German message: why a backup or restore was refused or failed (nothing was changed)."""


@dataclass(frozen=True)
class Bericht:
    """What a backup holds or a restore brought back; :attr:`text` says it in German."""

    aktion: str  # "gesichert" or "wiederhergestellt"
    datei: Path
    dialekt: str  # "sqlite" or "postgresql"
    schema_version: int  # of the backup
    erstellt: dt.datetime  # when the backup was taken (aware, UTC)
    versionen: int
    importe: int
    meilensteine: int
    konten: int | None  # accounts in the backup; None: it holds no accounts file
    groesse: int = 0  # bytes of the archive
    schema_jetzt: int | None = None  # after a restore: the store's schema (migrated)
    ziel: str = ""  # the store (file path or database URL without password)

    @property
    def text(self) -> str:
        konten = ("keine Kontendatei" if self.konten is None
                  else "1 Konto" if self.konten == 1 else f"{self.konten} Konten")
        stand = f"{self.erstellt.astimezone():%d.%m.%Y %H:%M} Uhr"
        inhalt = (f"{self.versionen} Datenversionen, {self.importe} Importe, {self.meilensteine} Meilensteine, {konten}; "
                  f"Schema-Version {self.schema_version}, {_DIALEKT_NAME.get(self.dialekt, self.dialekt)}")
        if self.aktion == "gesichert":
            return (f"Gesichert nach {self.datei} ({_groesse(self.groesse)}, nur für den Eigentümer lesbar): {inhalt}. "
                    f"Stand {stand}.")
        text = f"Wiederhergestellt aus {self.datei} (Stand {stand}) in {self.ziel}: {inhalt}."
        if self.schema_jetzt is not None and self.schema_jetzt != self.schema_version:
            text += f" Das Schema wurde von Version {self.schema_version} auf {self.schema_jetzt} aktualisiert."
        return text


def _groesse(n: int) -> str:
    for einheit in ("Bytes", "KB", "MB", "GB"):
        if n < 1024 or einheit == "GB":
            return f"{n} {einheit}" if einheit == "Bytes" else f"{n:.1f} {einheit}".replace(".", ",")
        n /= 1024
    return f"{n} Bytes"  # pragma: no cover


# --- the store's URL ------------------------------------------------------------------------------
def _dialekt(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    if name not in DATENBANK:
        raise SicherungFehler(f"Datenbank „{name}“ wird nicht unterstützt: nur SQLite und PostgreSQL lassen sich sichern.")
    return name


def _sqlite_pfad(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        raise SicherungFehler("Eine Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(database)


def _ohne_passwort(url: str) -> str:
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        return str(_sqlite_pfad(url))
    return u.render_as_string(hide_password=True)


def _counts(conn: sa.Connection) -> tuple[int, dict[str, int]]:
    """Schema version and the manifest's counts, read in the connection's transaction (snapshot)."""
    tables = set(sa.inspect(conn).get_table_names())
    if "schema_info" not in tables:
        raise SicherungFehler("Die Datenbank enthält keinen Datenbestand von Sozialraum-Analytics (keine Schema-Version).")
    schema = conn.execute(sa.text("SELECT version FROM schema_info")).scalar_one()
    counts = {key: (conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() if table in tables else 0)
              for key, table in ZAEHLUNG.items()}
    return int(schema), {k: int(v) for k, v in counts.items()}


def _belegt(engine: sa.Engine) -> bool:
    """Whether a store holds anything (any row in a table other than ``schema_info``)."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in inspector.get_table_names():
            if table == "schema_info":
                continue
            if conn.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                return True
    return False


# --- PostgreSQL's tools ---------------------------------------------------------------------------
def _pg_programm(name: str, major: int | None = None) -> str:
    """``pg_dump``/``pg_restore``/``psql``: of the server's major version if installed, else the newest.

    ``SOZIALRAUM_PG_BIN`` (a folder) comes first; then Debian's ``/usr/lib/postgresql/*/bin``; then PATH.
    """
    override = einstellungen().pg_bin
    if override and (override / name).exists():
        return str(override / name)

    def version(path: str) -> int:
        try:
            return int(Path(path).parents[1].name.split(".")[0])
        except ValueError:
            return 0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    passend = [p for p in found if major is not None and version(p) == major]
    if passend or found:
        return (passend or found)[0]
    which = shutil.which(name)
    if which:
        return which
    raise SicherungFehler(f"Das PostgreSQL-Programm {name} fehlt. Bitte die PostgreSQL-Clientprogramme installieren "
                          "(Debian/Ubuntu: postgresql-client) oder SOZIALRAUM_PG_BIN auf deren Ordner setzen.")


def _pg_ziel(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URI (no password in it: it would show in the process list) and the environment."""
    u = sa.engine.make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _ausfuehren(args: list[str], env: dict[str, str], was: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SicherungFehler(f"{was} ist fehlgeschlagen: {(result.stderr or result.stdout).strip()}")


def _server_major(conn: sa.Connection) -> int:
    return int(conn.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000


# --- files ----------------------------------------------------------------------------------------
@contextlib.contextmanager
def _tempdatei(ordner: Path, suffix: str) -> Iterator[Path]:
    """A temporary file (mode 0600) in ``ordner``, removed afterwards unless it was moved away."""
    ordner.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".sozialraum-", suffix=suffix, dir=ordner)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _konten_zahl(text: str) -> int:
    from .konten import lesen

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / KONTEN
        path.write_text(text, encoding="utf-8")
        return len(lesen(path))


def _kontendatei(konten: Path | None) -> Path:
    from .konten import kontendatei

    return konten if konten is not None else kontendatei()


def _sicher_schreiben(ziel: Path, daten: bytes) -> None:
    """Write a file with mode 0600, atomically (a temporary file beside it, then renamed)."""
    with _tempdatei(ziel.parent, ".tmp") as temp:
        temp.write_bytes(daten)
        os.chmod(temp, 0o600)
        os.replace(temp, ziel)


# --- backup ---------------------------------------------------------------------------------------
def sichern(ziel: Path, url: str | None = None, *, konten: Path | None = None, ueberschreiben: bool = False) -> Bericht:
    """Back up the store at ``url`` (default: :func:`store.default_url`) and the accounts file into ``ziel``.

    ``ziel`` a folder: a file ``sozialraum-sicherung-JJJJMMTT-HHMMSS.zip`` in it. An existing file is
    only replaced with ``ueberschreiben`` (so a mixed-up command never destroys a backup).
    ``konten``: the accounts file (default :func:`konten.kontendatei`). Raises :class:`SicherungFehler`.
    """
    url = url or default_url()
    dialekt = _dialekt(url)
    erstellt = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ziel = Path(ziel).expanduser()
    if ziel.is_dir():
        ziel = ziel / f"sozialraum-sicherung-{erstellt:%Y%m%d-%H%M%S}.zip"
    if ziel.exists() and not ueberschreiben:
        raise SicherungFehler(f"Die Datei {ziel} gibt es schon. Bitte einen anderen Namen wählen "
                              "(oder ausdrücklich überschreiben; Befehlszeile: --ueberschreiben).")
    kontenpfad = _kontendatei(konten)
    with _tempdatei(ziel.parent, ".db") as kopie, _tempdatei(ziel.parent, ".zip") as archiv:
        if dialekt == "sqlite":
            schema, counts, extra = _sqlite_sichern(_sqlite_pfad(url), kopie)
        else:
            schema, counts, extra = _pg_sichern(url, kopie)
        kontentext = kontenpfad.read_text(encoding="utf-8") if kontenpfad.is_file() else None
        manifest = {"format": FORMAT, "programm": f"sozialraum-analytics {__version__}", "schema_version": schema,
                    "erstellt": erstellt.isoformat(), "dialekt": dialekt, "datenbank": DATENBANK[dialekt],
                    "sha256": _sha256(kopie), "anzahl": counts, **extra,
                    "konten": None if kontentext is None else {"datei": KONTEN, "anzahl": _konten_zahl(kontentext)}}
        kompression = zipfile.ZIP_STORED if dialekt == "postgresql" else zipfile.ZIP_DEFLATED  # pg_dump compresses
        with zipfile.ZipFile(archiv, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            zf.write(kopie, DATENBANK[dialekt], compress_type=kompression)
            if kontentext is not None:
                zf.writestr(KONTEN, kontentext)
        with archiv.open("rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(archiv, 0o600)
        os.replace(archiv, ziel)
    return _bericht("gesichert", ziel, manifest, groesse=ziel.stat().st_size)


def _sqlite_sichern(quelle: Path, kopie: Path) -> tuple[int, dict[str, int], dict]:
    """Copy with the backup API in one step (one read transaction: a consistent state, writers go on)."""
    if not quelle.is_file():
        raise SicherungFehler(f"Unter {quelle} liegt keine Datenbank.")
    src = sqlite3.connect(quelle, timeout=60)
    dst = sqlite3.connect(kopie)
    try:
        src.backup(dst)
    except sqlite3.Error as error:
        raise SicherungFehler(f"Die Datenbank {quelle} lässt sich nicht sichern: {error}") from error
    finally:
        dst.close()
        src.close()
    engine = sa.create_engine(f"sqlite:///{kopie}")
    try:
        with engine.connect() as conn:
            schema, counts = _counts(conn)
    finally:
        engine.dispose()
    return schema, counts, {}


def _pg_sichern(url: str, kopie: Path) -> tuple[int, dict[str, int], dict]:
    """``pg_dump`` in the snapshot of a repeatable-read transaction that also counts (same state)."""
    engine = sa.create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            schema, counts = _counts(conn)
            major = _server_major(conn)
            server = conn.execute(sa.text("SHOW server_version")).scalar_one()
            uri, env = _pg_ziel(url)
            _ausfuehren([_pg_programm("pg_dump", major), "--format=custom", f"--snapshot={snapshot}", "--file", str(kopie),
                         "--dbname", uri], env, "pg_dump")
            conn.rollback()
    except sa.exc.OperationalError as error:
        raise SicherungFehler(f"Die Datenbank ist nicht erreichbar: {error.orig}") from error
    finally:
        engine.dispose()
    return schema, counts, {"server": server}


# --- restore --------------------------------------------------------------------------------------
def lesen(quelle: Path) -> Bericht:
    """What a backup file holds (its manifest), without restoring anything."""
    return _bericht("gesichert", Path(quelle), _manifest(Path(quelle)))


def _manifest(quelle: Path) -> dict:
    if not quelle.is_file():
        raise SicherungFehler(f"Die Sicherungsdatei {quelle} gibt es nicht.")
    try:
        with zipfile.ZipFile(quelle) as zf:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            names = set(zf.namelist())
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SicherungFehler(f"{quelle} ist keine Sicherung von Sozialraum-Analytics (kein lesbares Manifest).") from error
    try:
        format_, schema, dialekt = int(manifest["format"]), int(manifest["schema_version"]), manifest["dialekt"]
        datenbank = manifest["datenbank"]
    except (KeyError, TypeError, ValueError) as error:
        raise SicherungFehler(f"Das Manifest der Sicherung {quelle} ist unvollständig.") from error
    if format_ > FORMAT:
        raise SicherungFehler(f"Die Sicherung hat das Format {format_}, dieses Programm kennt nur Format {FORMAT}. "
                              "Bitte Sozialraum-Analytics aktualisieren.")
    if schema > SCHEMA_VERSION:
        raise SicherungFehler(f"Die Sicherung stammt aus einer neueren Programmversion: Schema-Version {schema}, dieses "
                              f"Programm kennt höchstens Schema-Version {SCHEMA_VERSION}. Bitte zuerst "
                              "Sozialraum-Analytics aktualisieren, dann wiederherstellen.")
    if dialekt not in DATENBANK or datenbank != DATENBANK[dialekt] or datenbank not in names:
        raise SicherungFehler(f"Die Sicherung {quelle} enthält keine Datenbank, die sich wiederherstellen lässt.")
    if manifest.get("konten") and KONTEN not in names:
        raise SicherungFehler(f"Der Sicherung {quelle} fehlt die Kontendatei, die ihr Manifest nennt.")
    return manifest


def _bericht(aktion: str, datei: Path, manifest: dict, **extra) -> Bericht:  # noqa: ANN003
    counts = manifest.get("anzahl", {})
    konten = manifest.get("konten")
    return Bericht(aktion=aktion, datei=datei, dialekt=manifest["dialekt"], schema_version=int(manifest["schema_version"]),
                   erstellt=dt.datetime.fromisoformat(manifest["erstellt"]), versionen=counts.get("versionen", 0),
                   importe=counts.get("importe", 0), meilensteine=counts.get("meilensteine", 0),
                   konten=None if konten is None else int(konten["anzahl"]), **extra)


def wiederherstellen(quelle: Path, url: str | None = None, *, ueberschreiben: bool = False,
                     konten: Path | None = None) -> Bericht:
    """Restore a backup into the store at ``url`` (default: :func:`store.default_url`) and the accounts file.

    Refused (:class:`SicherungFehler`, nothing changed): a backup from a newer schema, of the other
    kind of database, a damaged file, and a store or accounts file that already hold data unless
    ``ueberschreiben``. Afterwards the store is opened (an older schema is migrated) and its counts
    are checked against the manifest.
    """
    quelle = Path(quelle).expanduser()
    url = url or default_url()
    dialekt = _dialekt(url)
    manifest = _manifest(quelle)
    if manifest["dialekt"] != dialekt:
        raise SicherungFehler(f"Die Sicherung stammt aus {_DIALEKT_NAME[manifest['dialekt']]}, der Datenbestand liegt in "
                              f"{_DIALEKT_NAME[dialekt]}. Eine Sicherung lässt sich nur in dieselbe Art von Datenbank "
                              "wiederherstellen.")
    kontenpfad = _kontendatei(konten)
    with zipfile.ZipFile(quelle) as zf:
        kontentext = zf.read(KONTEN).decode("utf-8") if manifest.get("konten") else None
    if not ueberschreiben:
        _leer_pruefen(url, dialekt, kontenpfad if kontentext is not None else None)
    ordner = _sqlite_pfad(url).parent if dialekt == "sqlite" else Path(tempfile.gettempdir())
    with _tempdatei(ordner, ".db") as kopie:
        with zipfile.ZipFile(quelle) as zf, zf.open(manifest["datenbank"]) as src, kopie.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        if manifest.get("sha256") and _sha256(kopie) != manifest["sha256"]:
            raise SicherungFehler(f"Die Sicherung {quelle} ist beschädigt (Prüfsumme der Datenbank stimmt nicht).")
        if dialekt == "sqlite":
            _sqlite_wiederherstellen(kopie, _sqlite_pfad(url))
        else:
            _pg_wiederherstellen(kopie, url)
    store = Store(url)  # migrates an older schema
    try:
        schema_jetzt = store.schema_version()
        with store.engine.connect() as conn:
            _schema, counts = _counts(conn)
    finally:
        store.dispose()
    erwartet = manifest.get("anzahl", {})
    abweichend = [f"{k}: {counts.get(k)} statt {v}" for k, v in erwartet.items() if counts.get(k) != v]
    if abweichend:
        raise SicherungFehler("Nach dem Wiederherstellen stimmen die Zahlen nicht mit der Sicherung überein ("
                              + "; ".join(abweichend) + "). Bitte die Sicherung prüfen.")
    if kontentext is not None:
        _sicher_schreiben(kontenpfad, kontentext.encode("utf-8"))
    return _bericht("wiederhergestellt", quelle, manifest, groesse=quelle.stat().st_size, schema_jetzt=schema_jetzt,
                    ziel=_ohne_passwort(url))


def _leer_pruefen(url: str, dialekt: str, kontenpfad: Path | None) -> None:
    belegt = False
    if dialekt == "sqlite":
        pfad = _sqlite_pfad(url)
        if pfad.exists() and pfad.stat().st_size > 0:
            engine = sa.create_engine(f"sqlite:///{pfad}")
            try:
                belegt = _belegt(engine)
            except sa.exc.DatabaseError as error:
                raise SicherungFehler(f"{pfad} ist keine lesbare Datenbank: {error.orig}") from error
            finally:
                engine.dispose()
    else:
        engine = sa.create_engine(url)
        try:
            belegt = _belegt(engine)
        except sa.exc.OperationalError as error:
            raise SicherungFehler(f"Die Datenbank ist nicht erreichbar: {error.orig}") from error
        finally:
            engine.dispose()
    if belegt:
        raise SicherungFehler(f"Der Datenbestand {_ohne_passwort(url)} enthält schon Daten. Das Wiederherstellen würde "
                              "ihn ersetzen: nur mit ausdrücklichem Überschreiben (Befehlszeile: --ueberschreiben).")
    if kontenpfad is not None and kontenpfad.is_file():
        from .konten import lesen as konten_lesen

        if konten_lesen(kontenpfad):
            raise SicherungFehler(f"Die Kontendatei {kontenpfad} enthält schon Konten. Das Wiederherstellen würde sie "
                                  "ersetzen: nur mit ausdrücklichem Überschreiben (Befehlszeile: --ueberschreiben).")


def _sqlite_wiederherstellen(kopie: Path, ziel: Path) -> None:
    """Check the copy, then write it into the store's file with the backup API.

    The backup API replaces the content page by page under the target's write lock: dashboards
    that have the file open see the restored state at their next query, and no old WAL file
    can later be replayed over it (as it could after renaming a new file into place).
    """
    src = sqlite3.connect(kopie)
    try:
        ok = src.execute("PRAGMA quick_check").fetchone()[0]
        schema = src.execute("SELECT max(version) FROM schema_info").fetchone()[0]
    except sqlite3.DatabaseError as error:
        src.close()
        raise SicherungFehler(f"Die Datenbank in der Sicherung ist beschädigt: {error}") from error
    if ok != "ok":
        src.close()
        raise SicherungFehler(f"Die Datenbank in der Sicherung ist beschädigt: {ok}")
    if schema is None or schema > SCHEMA_VERSION:  # the manifest said otherwise: trust the database
        src.close()
        raise SicherungFehler(f"Die Datenbank in der Sicherung hat Schema-Version {schema}, dieses Programm kennt "
                              f"höchstens Schema-Version {SCHEMA_VERSION}. Bitte zuerst Sozialraum-Analytics aktualisieren.")
    ziel.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    neu = not ziel.exists()
    dst = sqlite3.connect(ziel, timeout=60)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise SicherungFehler(f"Die Datenbank {ziel} lässt sich nicht überschreiben: {error}") from error
    finally:
        dst.close()
        src.close()
    if neu:
        os.chmod(ziel, 0o600)


def _pg_wiederherstellen(kopie: Path, url: str) -> None:
    """``pg_restore --clean --if-exists`` as SQL into ``psql --single-transaction``: all or nothing.

    The store's own tables are dropped first in the same transaction, so that tables of a newer
    schema than the backup's do not stay behind (the migration will create them again).
    """
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            major = _server_major(conn)
    except sa.exc.OperationalError as error:
        raise SicherungFehler(f"Die Datenbank ist nicht erreichbar: {error.orig}") from error
    finally:
        engine.dispose()
    uri, env = _pg_ziel(url)
    tables = ["schema_info", *_tabellen_des_programms()]
    vorab = "".join(f'DROP TABLE IF EXISTS "{t}" CASCADE;\n' for t in tables)
    ordner = Path(tempfile.gettempdir())
    # First the whole script (a damaged dump fails here, before anything is changed), then one transaction.
    with _tempdatei(ordner, ".sql") as vorab_datei, _tempdatei(ordner, ".sql") as skript:
        vorab_datei.write_text(vorab, encoding="utf-8")
        _ausfuehren([_pg_programm("pg_restore", major), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                     "--file", str(skript), str(kopie)], env, "pg_restore (nichts geändert)")
        _ausfuehren([_pg_programm("psql", major), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
                     "--single-transaction", "--file", str(vorab_datei), "--file", str(skript), "--dbname", uri],
                    env, "Das Wiederherstellen (nichts geändert)")


def _tabellen_des_programms() -> list[str]:
    """The tables a store of this program has (those of a new, empty store, every migration applied)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'leer.db'}")
        try:
            return sorted(sa.inspect(store.engine).get_table_names())
        finally:
            store.dispose()
