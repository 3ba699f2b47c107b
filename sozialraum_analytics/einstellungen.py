"""The settings of a server or a command line run: every ``SOZIALRAUM_*`` environment variable, in one place.

:func:`einstellungen` reads them once per distinct environment (a changed variable applies at the next
call, as tests with ``monkeypatch.setenv`` expect) and returns a frozen :class:`Einstellungen`. Numbers
take a German decimal comma (``0,5``). A bad number falls back to its default, except
``SOZIALRAUM_WARTEN_MAX_S``: the store refuses to open with the German message kept in
:attr:`Einstellungen.fehler`. README.md, section "Einstellungen", lists them all (tests/test_doku.py).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

STANDARD_ABLAGE = "~/.sozialraum-analytics"
STANDARD_KREISNAME = "Kreis"
STANDARD_MAX_MB = 200
STANDARD_MAX_ENTPACKT_MB = 100
STANDARD_MAX_ZEILEN = 5_000_000
STANDARD_WARTEN_MAX_S = 1800.0
STANDARD_SITZUNG_MINUTEN = 60.0
STANDARD_KACHELN_QUELLE = "Kartenkacheln"
GEHEIMHALTUNGSVERFAHREN = ("sperren", "runden")  # oeffentlich.VERFAHREN; the first is the default


def _env(name: str):  # noqa: ANN202 - dataclasses.Field
    """The metadata of a field: the environment variable it comes from."""
    return {"env": name}


@dataclass(frozen=True)
class Einstellungen:
    """The settings, parsed; each field names its environment variable (``metadata["env"]``)."""

    # Folder of the embedded database, the account file and fehler.log (default ~/.sozialraum-analytics).
    ablage: Path = field(default=Path(STANDARD_ABLAGE).expanduser(), metadata=_env("SOZIALRAUM_ABLAGE"))
    # The store: a database URL (postgresql+psycopg://…) or a SQLite file path; None: sozialraum.db in ablage.
    db: str | None = field(default=None, metadata=_env("SOZIALRAUM_DB"))
    # A folder of files shown instead of the store (see dataset.datenquelle); None: store, else the demo Kreis.
    daten: Path | None = field(default=None, metadata=_env("SOZIALRAUM_DATEN"))
    # Key prefix of the Kreis (AGS, e.g. 08317): a folder's files keep only the areas of this Kreis.
    kreis: str | None = field(default=None, metadata=_env("SOZIALRAUM_KREIS"))
    # Name of the Kreis for a folder (the store keeps its own name with the data).
    kreisname: str = field(default=STANDARD_KREISNAME, metadata=_env("SOZIALRAUM_KREISNAME"))
    # The account file of the planning view: as set, else konten.txt in ablage.
    konten: Path = field(default=Path(STANDARD_ABLAGE).expanduser() / "konten.txt",
                         metadata=_env("SOZIALRAUM_KONTEN"))
    # Largest file (MB, fractions allowed) for the upload page, the command line and folder loads.
    max_mb: float = field(default=STANDARD_MAX_MB, metadata=_env("SOZIALRAUM_MAX_MB"))
    # What a zip may unpack to, in total (MB); never more than max_mb (readers.grenzen).
    max_entpackt_mb: float = field(default=STANDARD_MAX_ENTPACKT_MB, metadata=_env("SOZIALRAUM_MAX_ENTPACKT_MB"))
    # Most rows of one file.
    max_zeilen: int = field(default=STANDARD_MAX_ZEILEN, metadata=_env("SOZIALRAUM_MAX_ZEILEN"))
    # How long a writer waits for another one's import (seconds).
    warten_max_s: float = field(default=STANDARD_WARTEN_MAX_S, metadata=_env("SOZIALRAUM_WARTEN_MAX_S"))
    # Tile server of the map's background (URL with {z}/{x}/{y}); None: no background.
    kacheln: str | None = field(default=None, metadata=_env("SOZIALRAUM_KACHELN"))
    # Attribution of those tiles.
    kacheln_quelle: str = field(default=STANDARD_KACHELN_QUELLE, metadata=_env("SOZIALRAUM_KACHELN_QUELLE"))
    # Folder of pg_dump, pg_restore and psql (backups of a PostgreSQL store); None: searched.
    pg_bin: Path | None = field(default=None, metadata=_env("SOZIALRAUM_PG_BIN"))
    # The public view's confidentiality: "sperren" (default) or "runden".
    geheimhaltung: str = field(default=GEHEIMHALTUNGSVERFAHREN[0], metadata=_env("SOZIALRAUM_GEHEIMHALTUNG"))
    # Minutes without activity after which a planning session ends; None: never (the setting 0).
    sitzung_minuten: float | None = field(default=STANDARD_SITZUNG_MINUTEN,
                                          metadata=_env("SOZIALRAUM_SITZUNG_MINUTEN"))
    # Settings whose bad value has no fallback: (variable, German message); see :meth:`fehler_zu`.
    fehler: tuple[tuple[str, str], ...] = ()

    def fehler_zu(self, name: str) -> str | None:
        """The German message about the bad value of the variable ``name``, or None."""
        return dict(self.fehler).get(name)


def variablen() -> dict[str, str]:
    """Field name -> environment variable, for every setting."""
    return {f.name: f.metadata["env"] for f in fields(Einstellungen) if "env" in f.metadata}


_VARIABLEN = tuple(variablen().values())


def einstellungen() -> Einstellungen:
    """The settings of the current environment, built once per distinct set of values."""
    return _bauen(tuple(os.environ.get(name) for name in _VARIABLEN), os.environ.get("HOME"))


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _zahl(value: str | None) -> float | None:
    """``0,5`` or ``0.5`` as a number; None when unset or not a number."""
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _positiv(value: str | None, default: float) -> float:
    """A positive, finite number; the default when unset or invalid (as the limits always did)."""
    number = _zahl(value)
    return number if number is not None and math.isfinite(number) and number > 0 else default


@lru_cache(maxsize=32)
def _bauen(werte: tuple[str | None, ...], home: str | None) -> Einstellungen:  # noqa: ARG001 - home: Path.home()
    roh = dict(zip(_VARIABLEN, werte))
    fehler: list[tuple[str, str]] = []
    ablage = Path(_text(roh["SOZIALRAUM_ABLAGE"]) or STANDARD_ABLAGE).expanduser()
    konten = _text(roh["SOZIALRAUM_KONTEN"])
    daten = _text(roh["SOZIALRAUM_DATEN"])
    pg_bin = _text(roh["SOZIALRAUM_PG_BIN"])

    warten = _text(roh["SOZIALRAUM_WARTEN_MAX_S"])
    warten_max_s = STANDARD_WARTEN_MAX_S
    if warten is not None:
        seconds = _zahl(warten)
        if seconds is not None and seconds >= 0:
            warten_max_s = seconds
        else:
            fehler.append(("SOZIALRAUM_WARTEN_MAX_S",
                           f"SOZIALRAUM_WARTEN_MAX_S muss eine Zahl von Sekunden sein (etwa 1800), nicht „{warten}“."))

    sitzung = _zahl(roh["SOZIALRAUM_SITZUNG_MINUTEN"])
    if sitzung is None:
        sitzung = STANDARD_SITZUNG_MINUTEN
    geheimhaltung = (roh["SOZIALRAUM_GEHEIMHALTUNG"] or GEHEIMHALTUNGSVERFAHREN[0]).strip().lower()

    return Einstellungen(
        ablage=ablage,
        db=_text(roh["SOZIALRAUM_DB"]),
        daten=Path(daten).expanduser() if daten else None,
        kreis=_text(roh["SOZIALRAUM_KREIS"]),
        kreisname=_text(roh["SOZIALRAUM_KREISNAME"]) or STANDARD_KREISNAME,
        konten=Path(konten).expanduser() if konten else ablage / "konten.txt",
        max_mb=_positiv(roh["SOZIALRAUM_MAX_MB"], STANDARD_MAX_MB),
        max_entpackt_mb=_positiv(roh["SOZIALRAUM_MAX_ENTPACKT_MB"], STANDARD_MAX_ENTPACKT_MB),
        max_zeilen=int(_positiv(roh["SOZIALRAUM_MAX_ZEILEN"], STANDARD_MAX_ZEILEN)),
        warten_max_s=warten_max_s,
        kacheln=_text(roh["SOZIALRAUM_KACHELN"]),
        kacheln_quelle=_text(roh["SOZIALRAUM_KACHELN_QUELLE"]) or STANDARD_KACHELN_QUELLE,
        pg_bin=Path(pg_bin) if pg_bin else None,
        geheimhaltung=geheimhaltung if geheimhaltung in GEHEIMHALTUNGSVERFAHREN else GEHEIMHALTUNGSVERFAHREN[0],
        sitzung_minuten=sitzung if sitzung > 0 else None,
        fehler=tuple(fehler),
    )
