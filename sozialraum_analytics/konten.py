"""Local accounts of the planners: a file of names and salted password hashes the admin manages.

One line per account, ``name:scrypt$n$r$p$salt$hash`` (salt and hash in hex). scrypt from the
standard library with N=2^17, r=8, p=1 (128 MiB of memory per check), 16 random bytes of salt per
account; the comparison takes the same time whether the name exists or not. Hashes of older
versions (N=2^14) are still accepted and rehashed at the next successful login. The file is
``SOZIALRAUM_KONTEN`` or ``konten.txt`` beside the database (``SOZIALRAUM_ABLAGE``); it is created
with the CLI::

    python -m sozialraum_analytics konto anlegen NAME      # asks for the password twice
    python -m sozialraum_analytics konto entfernen NAME
    python -m sozialraum_analytics konto liste

Logins go through :func:`anmelden`: after ``FREIE_VERSUCHE`` wrong passwords in a row for one name
(known or not, so names cannot be probed) further attempts are refused without checking the
password until a growing delay has passed (1 s, 2 s, 4 s … at most 15 minutes); a success resets
the count. The state lives in the server process. Successes and failures are logged (logger
``sozialraum_analytics.konten``) with the account name, never the password.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .einstellungen import einstellungen

N, R, P = 2**17, 8, 1
MAXMEM = 256 * 1024 * 1024  # scrypt needs 128 * r * N bytes = 128 MiB at N=2^17, r=8
MIN_LAENGE = 10
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")

FREIE_VERSUCHE = 5  # wrong passwords in a row before the login waits
MAX_WARTEZEIT = 15 * 60  # seconds
VERGESSEN_NACH = 24 * 3600  # a run of failures is forgotten after a day without one
MAX_ZAEHLER = 10_000  # names with failures kept in memory at most

LOG = logging.getLogger(__name__)

uhr: Callable[[], float] = time.monotonic
"""The clock of the throttling (seconds); tests replace it instead of sleeping."""

# At most two logins checked at once: each check takes 128 MiB and a good part of a second.
_RECHNEN = threading.BoundedSemaphore(2)
_SCHREIBEN = threading.Lock()


class KontoFehler(ValueError):
    """A German message for the admin or the login form."""


def kontendatei() -> Path:
    """``SOZIALRAUM_KONTEN``, else ``konten.txt`` in ``SOZIALRAUM_ABLAGE`` (default ~/.sozialraum-analytics)."""
    return einstellungen().konten


def _hash(passwort: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passwort.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=32)


def hash_erzeugen(passwort: str, salt: bytes | None = None) -> str:
    """A new hash with the current parameters (``salt``: keep an account's salt when only upgrading)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_hash(passwort, salt, N, R, P).hex()}"


def _teile(gespeichert: str) -> tuple[int, int, int, bytes, bytes]:
    verfahren, n, r, p, salt, digest = gespeichert.split("$")
    if verfahren != "scrypt":
        raise ValueError(verfahren)
    return int(n), int(r), int(p), bytes.fromhex(salt), bytes.fromhex(digest)


def hash_pruefen(passwort: str, gespeichert: str) -> bool:
    try:
        n, r, p, salt, digest = _teile(gespeichert)
        return hmac.compare_digest(_hash(passwort, salt, n, r, p), digest)
    except ValueError:
        return False


def veraltet(gespeichert: str) -> bool:
    """Whether a stored hash uses weaker parameters than today's (rehashed at the next login)."""
    try:
        n, r, p, _, _ = _teile(gespeichert)
    except ValueError:
        return False
    return (n, r, p) != (N, R, P)


def kennung(gespeichert: str | None) -> str | None:
    """A short fingerprint of an account's salt: changes when the password is set anew, not on an upgrade.

    A session remembers it at login and ends when the account's entry no longer has it.
    """
    if gespeichert is None:
        return None
    try:
        salt = _teile(gespeichert)[3]
    except ValueError:
        return None
    return hashlib.sha256(salt).hexdigest()[:16]


def lesen(datei: Path | None = None) -> dict[str, str]:
    datei = datei or kontendatei()
    if not datei.exists():
        return {}
    konten = {}
    for zeile in datei.read_text(encoding="utf-8").splitlines():
        zeile = zeile.strip()
        if zeile and not zeile.startswith("#") and ":" in zeile:
            name, gespeichert = zeile.split(":", 1)
            konten[name] = gespeichert
    return konten


_KENNUNGEN: dict[Path, tuple[tuple[int, int, int], dict[str, str | None]]] = {}


def kennungen(datei: Path | None = None) -> dict[str, str | None]:
    """Name → :func:`kennung` of every account, re-read only when the file changed (cheap for every page run)."""
    datei = datei or kontendatei()
    try:
        info = datei.stat()
    except OSError:
        return {}
    stempel = (info.st_mtime_ns, info.st_size, info.st_ino)
    gemerkt = _KENNUNGEN.get(datei)
    if gemerkt is not None and gemerkt[0] == stempel:
        return gemerkt[1]
    werte = {name: kennung(gespeichert) for name, gespeichert in lesen(datei).items()}
    _KENNUNGEN[datei] = (stempel, werte)
    return werte


def _schreiben(konten: dict[str, str], datei: Path) -> None:
    """Replace the file atomically (temporary file beside it, mode 0600, then rename)."""
    datei.parent.mkdir(parents=True, exist_ok=True)
    text = "# Konten von Sozialraum-Analytics: Name:Passwort-Hash (scrypt, mit Salz). Nur per CLI ändern.\n"
    text += "".join(f"{name}:{wert}\n" for name, wert in sorted(konten.items()))
    fd, temp = tempfile.mkstemp(prefix=f".{datei.name}.", suffix=".tmp", dir=datei.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, datei)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def anlegen(name: str, passwort: str, datei: Path | None = None, ersetzen: bool = False) -> None:
    """Create (or with ``ersetzen`` change the password of) an account."""
    datei = datei or kontendatei()
    if not NAME.match(name):
        raise KontoFehler("Der Kontoname darf nur Buchstaben, Ziffern und . _ @ - enthalten (höchstens 64 Zeichen).")
    if len(passwort) < MIN_LAENGE:
        raise KontoFehler(f"Das Passwort muss mindestens {MIN_LAENGE} Zeichen lang sein.")
    if name in lesen(datei) and not ersetzen:
        raise KontoFehler(f"Das Konto „{name}“ gibt es schon (zum Ändern: --ersetzen).")
    neu = hash_erzeugen(passwort)
    with _SCHREIBEN:
        konten = lesen(datei)
        if name in konten and not ersetzen:
            raise KontoFehler(f"Das Konto „{name}“ gibt es schon (zum Ändern: --ersetzen).")
        konten[name] = neu
        _schreiben(konten, datei)


def entfernen(name: str, datei: Path | None = None) -> None:
    """Remove an account; its open sessions end at their next page run (see ``ui.angemeldet_als``)."""
    datei = datei or kontendatei()
    with _SCHREIBEN:
        konten = lesen(datei)
        if name not in konten:
            raise KontoFehler(f"Das Konto „{name}“ gibt es nicht.")
        del konten[name]
        _schreiben(konten, datei)


@cache
def _dummy_fuer(n: int, r: int, p: int) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${r}${p}${salt.hex()}${_hash(secrets.token_hex(16), salt, n, r, p).hex()}"


def _dummy() -> str:
    """A hash of a random password with today's parameters: checked for unknown names (same work)."""
    return _dummy_fuer(N, R, P)


def pruefen(name: str, passwort: str, datei: Path | None = None) -> bool:
    """Whether name and password match an account (same work whether the name exists or not).

    No throttling, no logging, no upgrade: the login uses :func:`anmelden`.
    """
    gespeichert = lesen(datei).get(name)
    ok = hash_pruefen(passwort, gespeichert or _dummy())
    return ok and gespeichert is not None


def _aufwerten(name: str, passwort: str, alt: str, datei: Path) -> None:
    """Rehash an old hash with today's parameters (same salt), if the entry is still the one just checked."""
    neu = hash_erzeugen(passwort, _teile(alt)[3])
    with _SCHREIBEN:
        konten = lesen(datei)
        if konten.get(name) != alt:
            return  # changed meanwhile (CLI): leave it
        konten[name] = neu
        _schreiben(konten, datei)
    LOG.info("Passwort-Hash des Kontos %r auf scrypt N=2^%d aufgewertet", name, N.bit_length() - 1)


# --- throttling of wrong passwords ------------------------------------------------------------


@dataclass
class _Fehler:
    anzahl: int = 0
    zuletzt: float = 0.0
    gesperrt_bis: float = 0.0


_FEHLER: dict[str, _Fehler] = {}
_FEHLER_SPERRE = threading.Lock()


def wartezeit(anzahl: int) -> float:
    """Seconds the login waits after ``anzahl`` wrong passwords in a row: 0 up to 4, then 1, 2, 4 … ≤ 15 min."""
    if anzahl < FREIE_VERSUCHE:
        return 0.0
    return float(min(2 ** min(anzahl - FREIE_VERSUCHE, 20), MAX_WARTEZEIT))


def dauer_text(sekunden: float) -> str:
    """``8 Sekunden``, ``1 Sekunde``, ``3 Minuten`` (rounded up)."""
    sekunden = max(1, math.ceil(sekunden))
    if sekunden < 60:
        return "1 Sekunde" if sekunden == 1 else f"{sekunden} Sekunden"
    minuten = math.ceil(sekunden / 60)
    return "1 Minute" if minuten == 1 else f"{minuten} Minuten"


def _schluessel(name: str) -> str:
    return name[:100]


def _aufraeumen(jetzt: float) -> None:
    """Forget old runs of failures; keep memory bounded when many different names are tried."""
    for schluessel in [s for s, f in _FEHLER.items() if jetzt - f.zuletzt > VERGESSEN_NACH]:
        del _FEHLER[schluessel]
    if len(_FEHLER) > MAX_ZAEHLER:
        for schluessel in sorted((s for s, f in _FEHLER.items() if f.gesperrt_bis <= jetzt),
                                 key=lambda s: _FEHLER[s].zuletzt)[: len(_FEHLER) - MAX_ZAEHLER]:
            del _FEHLER[schluessel]


def _gesperrt(schluessel: str, jetzt: float) -> float:
    """Seconds still to wait for this name (0: may try)."""
    fehler = _FEHLER.get(schluessel)
    if fehler is None:
        return 0.0
    if jetzt - fehler.zuletzt > VERGESSEN_NACH:
        del _FEHLER[schluessel]
        return 0.0
    return max(0.0, fehler.gesperrt_bis - jetzt)


def zuruecksetzen() -> None:
    """Forget all failures (tests; a server restart does the same)."""
    with _FEHLER_SPERRE:
        _FEHLER.clear()


@dataclass(frozen=True)
class Anmeldung:
    """The outcome of a login: ``ok``, else a German ``meldung`` for the form (and the wait in seconds)."""

    ok: bool
    meldung: str = ""
    warten: float = 0.0
    kennung: str | None = None

    def __bool__(self) -> bool:
        return self.ok


FALSCH = "Benutzername oder Passwort ist falsch."


def _zu_viele(sekunden: float) -> str:
    return f"Zu viele falsche Passwörter für dieses Konto. Bitte in {dauer_text(sekunden)} erneut versuchen."


def anmelden(name: str, passwort: str, datei: Path | None = None, herkunft: str | None = None) -> Anmeldung:
    """Check a login with throttling and logging; upgrades an old hash after a success.

    ``herkunft``: the client's address, only for the log.
    """
    datei = datei or kontendatei()
    schluessel = _schluessel(name)
    von = f" von {herkunft}" if herkunft else ""
    with _RECHNEN:  # the wait is checked again once it is this attempt's turn (no burst slips through)
        with _FEHLER_SPERRE:
            warten = _gesperrt(schluessel, uhr())
        if warten > 0:
            LOG.warning("Anmeldung abgelehnt (Wartezeit nach falschen Passwörtern, noch %.0f s): Konto %r%s",
                        warten, name, von)
            return Anmeldung(False, _zu_viele(warten), warten)
        gespeichert = lesen(datei).get(name)
        ok = hash_pruefen(passwort, gespeichert or _dummy()) and gespeichert is not None
        with _FEHLER_SPERRE:
            jetzt = uhr()
            if ok:
                _FEHLER.pop(schluessel, None)
            else:
                fehler = _FEHLER.setdefault(schluessel, _Fehler())
                fehler.anzahl += 1
                fehler.zuletzt = jetzt
                warten = wartezeit(fehler.anzahl)
                fehler.gesperrt_bis = jetzt + warten
                anzahl = fehler.anzahl
                _aufraeumen(jetzt)
    if not ok:
        bekannt = "" if gespeichert is not None else " (unbekanntes Konto)"
        LOG.warning("Anmeldung fehlgeschlagen: Konto %r%s%s, %d. Fehlversuch in Folge", name, bekannt, von, anzahl)
        if warten > 0:
            return Anmeldung(False, f"{FALSCH} {_zu_viele(warten)}", warten)
        return Anmeldung(False, FALSCH)

    LOG.info("Anmeldung erfolgreich: Konto %r%s", name, von)
    if veraltet(gespeichert):
        try:
            _aufwerten(name, passwort, gespeichert, datei)
        except OSError:
            LOG.exception("Passwort-Hash des Kontos %r nicht aufgewertet", name)
    return Anmeldung(True, kennung=kennung(gespeichert))
