"""The Import page's helpers around an upload: reading it, its header for the column mapping, its layers, a preview.

Reading itself is :func:`lesen.datei_lesen`, the one way in for files that folder loads and the command
line use too; nothing here writes to the store, and no module of a lower layer imports this one. Limits
are configurable (see :func:`readers.grenzen`): ``SOZIALRAUM_MAX_MB`` (file size, default 200),
``SOZIALRAUM_MAX_ZEILEN`` (rows, default 5,000,000) and ``SOZIALRAUM_MAX_ENTPACKT_MB`` (what a zip may
unpack to, default 100, never more than the file limit).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from .amtlich import is_amtlich
from .formatting import format_date, format_number
from .lesen import ALLE_VARIANTEN, SHAPEFILE, UnsichereDatei, datei_lesen, sicher_entpacken
from .readers import ReadResult, grenzen, groesse_pruefen, read_raw
from .tables import ALTERSARTEN, TABLES, match_columns


def pruefe_datei(art: str, name: str, data: bytes, mapping: dict[str, str] | None = None,
                 kreis: str | None = None, fehlwerte: tuple[float, ...] = (),
                 indikatoren: tuple[str, ...] | None = None, ebene_datei: str | None = None,
                 variante: str | None = None) -> ReadResult:
    """Read and validate an uploaded file of kind ``art`` (:func:`lesen.datei_lesen`); never raises for bad input."""
    return datei_lesen(data, art, name=name, mapping=mapping, kreis=kreis, fehlwerte=fehlwerte,
                       indikatoren=indikatoren, ebene_datei=ebene_datei, variante=variante)


def varianten_der_datei(name: str, data: bytes, mapping: dict[str, str] | None = None,
                        kreis: str | None = None) -> list[str]:
    """The variants a population projection upload offers (``BEV-VARIANTE-02: Geburtenrate, …``), for a choice;
    empty when it names none or cannot be read (:func:`pruefe_datei` says why)."""
    from .vorausberechnung import varianten

    gelesen = datei_lesen(data, "bevoelkerungsprognose", name=name, mapping=mapping, kreis=kreis,
                          variante=ALLE_VARIANTEN)
    return varianten(gelesen.frame) if gelesen.frame is not None else []


def pruefe_pfad(art: str, path: Path | str, **optionen) -> ReadResult:  # noqa: ANN003 - as pruefe_datei
    """:func:`pruefe_datei` for a file on disk: the size on disk is checked first, so a file over
    ``SOZIALRAUM_MAX_MB`` is refused without being read into memory."""
    return datei_lesen(Path(path), art, **optionen)


def ebenen_der_datei(name: str, data: bytes) -> list[str]:
    """The layers a geometry upload offers (shapefiles of a zip, layers of a GeoPackage), for a choice."""
    from .geo import ebenen

    if groesse_pruefen(name, len(data)):
        return []  # pruefe_datei says why
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="sozialraum-upload-") as folder:
        folder = Path(folder)
        if suffix == ".zip":
            try:
                files = sicher_entpacken(data, folder, grenzen().max_entpackt, name)
            except UnsichereDatei:
                return []
            shapes = [f for f in files if f.suffix.lower() in (SHAPEFILE, ".gpkg", ".geojson", ".json")]
            return sorted(f.stem for f in shapes) if len(shapes) > 1 else (ebenen(shapes[0]) if shapes else [])
        path = folder / f"gebiete{suffix}"
        path.write_bytes(data)
        return ebenen(path)


def kopfzeile(name: str, data: bytes) -> list[str]:
    """The headers of a table file (for the column mapping); empty when unreadable or too big, and for an official
    export (GENESIS, flat export): it is read by its layout, there is nothing to map."""
    if groesse_pruefen(name, len(data)):
        return []  # pruefe_datei says why
    if is_amtlich(name, data):
        return []
    try:
        return list(read_raw(name, data).columns)
    except Exception:  # noqa: BLE001 - any unreadable file simply has no headers to map
        return []


def fehlende_pflichtspalten(art: str, headers: list[str], mapping: dict[str, str] | None = None) -> list[str]:
    """Required canonical columns of ``art`` that no header (nor the mapping) provides."""
    spec = TABLES[art]
    matched = set(match_columns(headers, spec, mapping).values())
    wide = art in (*ALTERSARTEN, "indikatoren")  # wide files carry values in many columns
    required = [c.name for c in spec.columns if c.required and not (wide and c.name in ("anzahl", "wert", "indikator",
                                                                                         "altersgruppe"))]
    if art == "fallzahlen":
        from .tables import FALLZAHLEN_VARIANTEN

        # The counts: the case flow (begonnen, beendet, andauernd) or only the Hilfen insgesamt.
        if not any(set(variante) <= matched for variante in FALLZAHLEN_VARIANTEN):
            teilweise = [v for v in FALLZAHLEN_VARIANTEN if set(v) & matched]
            required += list(teilweise[0] if teilweise else FALLZAHLEN_VARIANTEN[-1])
    return [c for c in required if c not in matched]


def vorschau(frame: pd.DataFrame | None, zeilen: int = 20) -> pd.DataFrame:
    """The first rows as the planner will see them stored (without the internal row number)."""
    if frame is None:
        return pd.DataFrame()
    head = frame.head(zeilen)
    if "geometry" in head:
        head = pd.DataFrame({"raum_id": head["raum_id"], "name": head["name"],
                             "Geometrie": head.geometry.geom_type.to_numpy()})
    head = head.drop(columns=["zeile"], errors="ignore")
    # As the planner reads them: dates 31.12.2024, numbers 1.234,5; text stays text.
    out = pd.DataFrame(index=head.index)
    for column in head.columns:
        values = head[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = [format_date(v.date()) if pd.notna(v) else "" for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            zahlen = pd.to_numeric(values, errors="coerce")
            ganz = bool(((zahlen.dropna() % 1) == 0).all())
            if "jahr" in str(column) and ganz:  # 2024, not 2.024
                out[column] = ["" if pd.isna(v) else str(int(v)) for v in zahlen]
            else:
                out[column] = [format_number(v, 0 if ganz else 2, missing="") for v in zahlen]
        else:
            out[column] = ["" if pd.isna(v) else str(v) for v in values.astype(object)]
    return out
