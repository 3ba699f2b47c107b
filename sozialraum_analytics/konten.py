"""Local accounts of the planners: a file of names and salted password hashes the admin manages.

One line per account, ``name:scrypt$n$r$p$salt$hash`` (salt and hash in hex). scrypt from the
standard library, 16 random bytes of salt per account; the comparison takes the same time whether
the name exists or not. The file is ``SOZIALRAUM_KONTEN`` or ``konten.txt`` beside the database
(``SOZIALRAUM_ABLAGE``); it is created with the CLI::

    python -m sozialraum_analytics konto anlegen NAME      # asks for the password twice
    python -m sozialraum_analytics konto entfernen NAME
    python -m sozialraum_analytics konto liste
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

N, R, P = 2**14, 8, 1
MIN_LAENGE = 10
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


class KontoFehler(ValueError):
    """A German message for the admin or the login form."""


def kontendatei() -> Path:
    """``SOZIALRAUM_KONTEN``, else ``konten.txt`` in ``SOZIALRAUM_ABLAGE`` (default ~/.sozialraum-analytics)."""
    if os.environ.get("SOZIALRAUM_KONTEN"):
        return Path(os.environ["SOZIALRAUM_KONTEN"]).expanduser()
    ablage = os.environ.get("SOZIALRAUM_ABLAGE") or Path.home() / ".sozialraum-analytics"
    return Path(ablage).expanduser() / "konten.txt"


def _hash(passwort: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return hashlib.scrypt(passwort.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_erzeugen(passwort: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_hash(passwort, salt).hex()}"


def hash_pruefen(passwort: str, gespeichert: str) -> bool:
    try:
        verfahren, n, r, p, salt, digest = gespeichert.split("$")
        if verfahren != "scrypt":
            return False
        return hmac.compare_digest(_hash(passwort, bytes.fromhex(salt), int(n), int(r), int(p)), bytes.fromhex(digest))
    except ValueError:
        return False


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


def _schreiben(konten: dict[str, str], datei: Path) -> None:
    datei.parent.mkdir(parents=True, exist_ok=True)
    temp = datei.with_suffix(".tmp")
    text = "# Konten von Sozialraum-Analytics: Name:Passwort-Hash (scrypt, mit Salz). Nur per CLI ändern.\n"
    text += "".join(f"{name}:{wert}\n" for name, wert in sorted(konten.items()))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temp, datei)


def anlegen(name: str, passwort: str, datei: Path | None = None, ersetzen: bool = False) -> None:
    """Create (or with ``ersetzen`` change the password of) an account."""
    datei = datei or kontendatei()
    if not NAME.match(name):
        raise KontoFehler("Der Kontoname darf nur Buchstaben, Ziffern und . _ @ - enthalten (höchstens 64 Zeichen).")
    if len(passwort) < MIN_LAENGE:
        raise KontoFehler(f"Das Passwort muss mindestens {MIN_LAENGE} Zeichen lang sein.")
    konten = lesen(datei)
    if name in konten and not ersetzen:
        raise KontoFehler(f"Das Konto „{name}“ gibt es schon (zum Ändern: --ersetzen).")
    konten[name] = hash_erzeugen(passwort)
    _schreiben(konten, datei)


def entfernen(name: str, datei: Path | None = None) -> None:
    datei = datei or kontendatei()
    konten = lesen(datei)
    if name not in konten:
        raise KontoFehler(f"Das Konto „{name}“ gibt es nicht.")
    del konten[name]
    _schreiben(konten, datei)


_DUMMY = hash_erzeugen(secrets.token_hex(16))


def pruefen(name: str, passwort: str, datei: Path | None = None) -> bool:
    """Whether name and password match an account (same work whether the name exists or not)."""
    gespeichert = lesen(datei).get(name)
    ok = hash_pruefen(passwort, gespeichert or _DUMMY)
    return ok and gespeichert is not None
