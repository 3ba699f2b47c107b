"""What a planner does with the data store beyond one file: start from the demo files, name the Kreis.

The store itself (:mod:`store`) keeps versions; here are the steps the import page and the command
line share, so that both do the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from .dataset import DEMO_DIR, DEMO_KREIS_NAME

# The demo Kreis's files by kind: a first import may start from them.
DEMO_DATEIEN = {"zuordnung": "zuordnung.csv", "gebiete": "gebiete.geojson", "bevoelkerung": "bevoelkerung.csv",
                "faelle": "faelle.csv", "kosten": "kosten.csv", "indikatoren": "indikatoren.csv",
                "angebote": "angebote.csv"}


def lesen(path: Path, art: str, kreis: str | None = None):  # noqa: ANN201 - (frame, report)
    """One file checked as ``art``: the frame to store (None on errors) and the report."""
    if art == "gebiete":
        from .geo import read_gebiete

        return read_gebiete(path, kreis_prefix=kreis)
    from .hochladen import lies_tabelle

    result = lies_tabelle(path, art, kreis=kreis, display_name=path.name)
    return result.frame, result.report


def demo_importieren(store, ohne: str | None = None, benutzer: str | None = None) -> list:  # noqa: ANN001
    """Store the demo Kreis's files (all kinds but ``ohne``) as versions; the Kreis is named after it."""
    versionen = []
    for art, name in DEMO_DATEIEN.items():
        if art == ohne:
            continue
        path = DEMO_DIR / name
        frame, report = lesen(path, art)
        if frame is None or not report.ok:
            raise ValueError(f"Die Demo-Datei {name} lässt sich nicht lesen.")
        versionen.append(store.importieren(art, frame, name, path.read_bytes(), benutzer=benutzer))
    if not store.kreisname():
        store.einstellung_setzen("kreisname", DEMO_KREIS_NAME, benutzer)
    return versionen


def kreisname_aus_amtlich(path: Path, kreis: str) -> str | None:
    """The Kreis's name in an official table (GENESIS classic or flat) holding its key, e.g.
    ``08317;  Ortenaukreis, Landkreis`` -> ``Ortenaukreis``."""
    raw = path.read_bytes()
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None
    treffer = re.search(rf"^{re.escape(kreis)};\s*([^;\r\n]+);", text, flags=re.MULTILINE)
    if treffer is None:  # flat: "...;08317;Ortenaukreis, Landkreis;..." (code, then label)
        treffer = re.search(rf";{re.escape(kreis)};([^;\r\n0-9][^;\r\n]*);", text)
    if treffer is None:
        return None
    name = treffer.group(1).strip().strip('"')
    return re.sub(r",\s*(Landkreis|Kreis|Kreisfreie Stadt|Stadtkreis)\s*$", "", name).strip() or None
