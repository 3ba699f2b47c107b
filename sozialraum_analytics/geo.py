"""Area geometries: read, reproject to EPSG:4326, repair, map the key and name fields."""

from __future__ import annotations

from pathlib import Path

from .dialect import pad_area_key
from .pruefbericht import ValidationReport
from .tables import TABLES, match_columns


def ebenen(path: Path | str) -> list[str]:
    """The layers of a geometry file (a GeoPackage may hold several); empty when unreadable."""
    import warnings

    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyogrio's notes are English; the report says what matters
            return [str(name) for name, _typ in pyogrio.list_layers(path)]
    except Exception:  # noqa: BLE001 - unreadable: read_gebiete says so in German
        return []


GEOBASIS_BKG = "© GeoBasis-DE / BKG"


def geobasis(felder) -> str:  # noqa: ANN001 - the layer's field names
    """The credit a geometry layer needs on every map: the BKG's for its administrative areas (VG250,
    VG1000, VG5000: fields GEN and BEZ beside an official key), else nothing known.

    >>> geobasis(["ADE", "GF", "BSG", "ARS", "AGS", "GEN", "BEZ", "geometry"])
    '© GeoBasis-DE / BKG'
    >>> geobasis(["raum_id", "name", "geometry"])
    ''
    """
    gross = {str(f).upper() for f in felder}
    return GEOBASIS_BKG if {"GEN", "BEZ"} <= gross and gross & {"AGS", "ARS", "RS"} else ""


def read_gebiete(path: Path | str, kreis_prefix: str | None = None, ebene: str | None = None):
    """A GeoDataFrame ``raum_id, name, geometry`` in EPSG:4326 and a validation report.

    The BKG VG250 layer works directly (AGS, GEN); ``kreis_prefix`` (``08317``) keeps one Kreis.
    A file with several layers needs ``ebene`` (its name): the first is never taken silently.
    ``attrs["geobasis"]`` of the frame is the credit its maps must carry (:func:`geobasis`).
    """
    import warnings

    import geopandas as gpd
    import shapely

    report = ValidationReport(Path(path).name)
    namen = ebenen(path)
    if ebene is not None and namen and ebene not in namen:
        report.error(f"Die Ebene „{ebene}“ gibt es in der Datei nicht; vorhanden: {', '.join(namen)}.")
        return None, report
    if ebene is None and len(namen) > 1:
        report.error(f"Die Datei enthält {len(namen)} Ebenen: {', '.join(namen)}. Bitte die Ebene mit den "
                     "Planungsräumen wählen (Seite Daten importieren) oder angeben: --ebene-datei NAME.")
        return None, report
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyogrio's English warnings never reach the user
            frame = gpd.read_file(path, layer=ebene) if ebene else gpd.read_file(path)
    except Exception:  # noqa: BLE001 - pyogrio raises DataSourceError and friends, in English
        report.error("Die Geometriedatei lässt sich nicht lesen: erwartet wird GeoJSON, GeoPackage oder ein Shapefile "
                     "(mit .shx und .dbf); der Inhalt ist beschädigt oder in einem anderen Format.")
        return None, report
    columns = [c for c in frame.columns if c != "geometry"]
    found = {canonical: header for header, canonical in
             match_columns(columns, TABLES["gebiete"], aliasrang=True).items()}
    if "raum_id" not in found:
        report.error(f'Es fehlt ein Gebietsschlüssel (raum_id, AGS …); gefundene Felder: {", ".join(columns)}')
        return None, report
    if "name" not in found:
        # City layers name their fields by level: PLR_ID with PLR_NAME, BZR_ID with BZR_NAME.
        praefix = found["raum_id"].upper().removesuffix("_ID").removesuffix("_NR")
        namen = [c for c in columns if c.upper() in (f"{praefix}_NAME", f"{praefix}NAME")] or \
            [c for c in columns if c.upper().endswith("_NAME")]
        if len(namen) == 1:
            found["name"] = namen[0]
    out = gpd.GeoDataFrame({
        "raum_id": frame[found["raum_id"]].astype(str).map(pad_area_key),
        "name": frame[found["name"]].astype(str) if "name" in found else frame[found["raum_id"]].astype(str),
    }, geometry=frame.geometry, crs=frame.crs)
    if kreis_prefix:
        out = out[out["raum_id"].str.startswith(kreis_prefix)]
    if out.crs is None:
        report.warning("Die Datei nennt kein Koordinatensystem; angenommen wird WGS 84 (EPSG:4326).")
        out = out.set_crs(4326)
    elif out.crs.to_epsg() != 4326:
        report.info(f"Umprojiziert von {out.crs.to_string()} nach EPSG:4326.")
        out = out.to_crs(4326)
    invalid = ~out.geometry.is_valid
    if invalid.any():
        report.warning(f"{int(invalid.sum())} ungültige Umringe wurden repariert.")
        out.loc[invalid, "geometry"] = shapely.make_valid(out.loc[invalid, "geometry"].to_numpy())
    duplicated = out["raum_id"].duplicated()
    if duplicated.any():
        report.error(f"Gebietsschlüssel mehrfach: {', '.join(sorted(set(out.loc[duplicated, 'raum_id'])))}")
    out = out.reset_index(drop=True)
    out.attrs["geobasis"] = geobasis(frame.columns)
    return out, report
