"""What a planner does with the data store beyond one file: start from the demo files, name the Kreis.

The store itself (:mod:`store`) keeps versions; here are the steps the import page and the command
line share, so that both do the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from .dataset import DEMO_DIR, DEMO_KREIS_NAME
from .dialect import decode_text
from .lesen import datei_lesen

# The demo Kreis's files by kind: a first import may start from them.
DEMO_DATEIEN = {"zuordnung": "zuordnung.csv", "gebiete": "gebiete.geojson", "bevoelkerung": "bevoelkerung.csv",
                "faelle": "faelle.csv", "kosten": "kosten.csv", "indikatoren": "indikatoren.csv",
                "angebote": "angebote.csv", "vergleichswerte": "vergleichswerte.csv"}


def demo_importieren(store, ohne: str | None = None, benutzer: str | None = None) -> list:  # noqa: ANN001
    """Store the demo Kreis's files (all kinds but ``ohne``) as versions; the Kreis is named after it."""
    versionen = []
    for art, name in DEMO_DATEIEN.items():
        if art == ohne:
            continue
        path = DEMO_DIR / name
        gelesen = datei_lesen(path, art)
        if not gelesen.ok:
            raise ValueError(f"Die Demo-Datei {name} lässt sich nicht lesen.")
        versionen.append(store.importieren(art, gelesen.frame, name, path.read_bytes(), benutzer=benutzer))
    if not store.kreisname():
        store.einstellung_setzen("kreisname", DEMO_KREIS_NAME, benutzer)
    return versionen


def kreisname_aus_amtlich(path: Path, kreis: str) -> str | None:
    """The Kreis's name in an official table (GENESIS classic or flat) holding its key, e.g.
    ``08317;  Ortenaukreis, Landkreis`` -> ``Ortenaukreis``. Berlin and Hamburg (``11000``, ``11``,
    ``11000000``; ``02000`` …) are found by any of their whole-state rows, the Land row ``11;  Berlin``
    included, as :func:`amtlich.read_amtlich` finds them."""
    from .amtlich import stadtstaat_schluessel

    text, _ = decode_text(path.read_bytes())

    stadtstaat = stadtstaat_schluessel(kreis)
    if stadtstaat is not None:  # Berlin/Hamburg: a row 11000, 11000000 or only the Land row 11 (classic or flat)
        name, schluessel = stadtstaat
        for key in schluessel:
            if re.search(rf"(?:^|;){re.escape(key)};\s*\"?{re.escape(name)}(?![^\W\d_])", text, flags=re.MULTILINE):
                return name
        return None
    treffer = re.search(rf"^{re.escape(kreis)};\s*([^;\r\n]+);", text, flags=re.MULTILINE)
    if treffer is None:  # flat: "...;08317;Ortenaukreis, Landkreis;..." (code, then label)
        treffer = re.search(rf";{re.escape(kreis)};([^;\r\n0-9][^;\r\n]*);", text)
    if treffer is None:
        return None
    name = treffer.group(1).strip().strip('"')
    return re.sub(r",\s*(Landkreis|Kreis|Kreisfreie Stadt|Stadtkreis)\s*$", "", name).strip() or None
