"""The choropleth map: display geometry, colours, escaped tooltips, legend and the folium map.

Offline first: the map loads Leaflet from the app itself (``static/leaflet``, served by
Streamlit under ``/app/static``), never from a CDN, and draws no base map unless a tile server
is configured (``SOZIALRAUM_KACHELN``, e.g. the municipal one). Without tiles the map is complete:
the areas are the map.

Text from files is data: folium puts tooltip content into ``innerHTML`` unescaped, so every name
and label is escaped here before it reaches the map (:func:`tooltip_html`, :func:`legende_html`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .einstellungen import einstellungen

# Where the app serves Leaflet (Streamlit's static serving of ./static).
ASSET_URL = "/app/static/leaflet"
# ETRS89 / UTM zone 32N: metres, the official CRS of Baden-Württemberg's geodata.
METRIC_CRS = 25832
# About 1 m on the ground; more digits only make the page heavier.
KOORDINATEN_STELLEN = 5

# ColorBrewer YlOrRd (colour-blind safe, prints in grey), one list per number of classes.
SEQUENZIELL = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
    8: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
    9: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
}
# ColorBrewer RdBu reversed: blue below the Kreis, white at it, red above (colour-blind safe).
DIVERGIEREND = ["#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
                "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"]
OHNE_WERT = "#d9d9d9"
GESPERRT_FARBE = "#8c959f"  # withheld (public view): darker than "kein Wert", its own legend entry
GESPERRT = "gesperrt"
GRENZE_SOZIALRAUM = "#1b1f24"
GRENZE_FLAECHE = "#ffffff"


@dataclass(frozen=True)
class Kacheln:
    """An optional base map: a tile URL template and its attribution."""

    url: str
    attribution: str


def kacheln_aus_umgebung() -> Kacheln | None:
    """``SOZIALRAUM_KACHELN`` (URL with {z}/{x}/{y}) and ``SOZIALRAUM_KACHELN_QUELLE``; none by default."""
    einstellung = einstellungen()
    return Kacheln(einstellung.kacheln, einstellung.kacheln_quelle) if einstellung.kacheln else None


# --- geometry ------------------------------------------------------------------------
def anzeige_geometrie(gebiete, toleranz_m: float = 60.0):  # noqa: ANN001, ANN201 - GeoDataFrame in, out
    """Geometry light enough for a browser: simplified as a coverage in metres, rounded, EPSG:4326.

    Simplifying the areas as one coverage keeps shared borders shared (no gaps or overlaps
    between neighbours, as per-polygon simplification would leave); rounding to 5 decimals
    (about 1 m) drops digits nobody can see.
    """
    import shapely

    metric = gebiete.to_crs(METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.geometry.to_numpy(), toleranz_m)
    out = metric.set_geometry(simplified, crs=METRIC_CRS).to_crs(4326)
    rounded = shapely.set_precision(out.geometry.to_numpy(), 10.0 ** -KOORDINATEN_STELLEN)
    return out.set_geometry(rounded, crs=4326)


def sozialraum_flaechen(planungsraeume, zuordnung: pd.DataFrame, methode: str = "unary"):  # noqa: ANN001, ANN201
    """Sozialraum polygons ``raum_id, name, geometry``: the union of their Planungsräume.

    ``zuordnung`` has ``raum_id, sozialraum_id, sozialraum_name`` (the current assignment).
    ``methode="coverage"`` joins a valid coverage (no overlaps, shared borders shared) many times faster.
    """
    import geopandas as gpd

    merged = planungsraeume[["raum_id", "geometry"]].merge(
        zuordnung[["raum_id", "sozialraum_id", "sozialraum_name"]].dropna(subset=["sozialraum_id"]), on="raum_id")
    if merged.empty:
        return gpd.GeoDataFrame({"raum_id": [], "name": []}, geometry=[], crs=planungsraeume.crs)
    dissolved = merged.dissolve(by=["sozialraum_id", "sozialraum_name"], as_index=False, method=methode)
    return gpd.GeoDataFrame({"raum_id": dissolved["sozialraum_id"].astype(str),
                             "name": dissolved["sozialraum_name"].astype(str)},
                            geometry=dissolved.geometry.to_numpy(), crs=planungsraeume.crs)


# --- colours -------------------------------------------------------------------------
def palette(k: int, divergierend: bool = False, grenzen: Sequence[float] = ()) -> list[str]:
    """Colours of ``k`` classes.

    Sequential: ColorBrewer YlOrRd for ``k`` classes. Diverging (deviation from the Kreis):
    each class is coloured by where its middle lies between the largest absolute bound on
    the blue (below) or red (above) side, so that 0 stays white whatever the class scheme.
    """
    if k <= 0:
        return []
    if not divergierend:
        if k in SEQUENZIELL:
            return list(SEQUENZIELL[k])
        base = SEQUENZIELL[9] if k > 9 else SEQUENZIELL[3]
        return [base[int(round(i))] for i in np.linspace(0, len(base) - 1, k)]
    bounds = np.asarray(grenzen, dtype=float)
    if len(bounds) != k + 1:
        raise ValueError(f"Für {k} Klassen werden {k + 1} Grenzen gebraucht, nicht {len(bounds)}.")
    extent = float(np.nanmax(np.abs(bounds))) or 1.0
    middles = (bounds[:-1] + bounds[1:]) / 2
    centre = len(DIVERGIEREND) // 2
    return [DIVERGIEREND[centre + int(np.clip(round(4 * m / extent), -4, 4))] for m in middles]


def flaechen_farben(klasse: np.ndarray, farben: Sequence[str]) -> list[str]:
    """The colour of each area from its class index (-1: no value)."""
    return [farben[c] if 0 <= c < len(farben) else OHNE_WERT for c in np.asarray(klasse, dtype=int)]


# --- text ----------------------------------------------------------------------------
def tooltip_html(name: str, zeilen: Sequence[tuple[str, str]]) -> str:
    """A tooltip: the area's name in bold, then ``label: value`` lines; all of it escaped."""
    parts = [f"<b>{html.escape(str(name))}</b>"]
    parts += [f"{html.escape(str(label))}: {html.escape(str(value))}" for label, value in zeilen]
    return "<br>".join(parts)


@dataclass(frozen=True)
class Legende:
    """What a legend states: indicator, unit, denominator, year and the classes."""

    titel: str
    einheit: str
    nenner: str
    jahr: int
    schema: str
    klassen: tuple[tuple[str, str, int], ...]  # colour, label, number of areas
    ohne_wert: int = 0
    hinweis: str = ""
    gesperrt: int = 0  # areas whose value the public view withholds
    ohne_wert_text: str = "kein Wert"  # what an area without a value is called (the dynamics: "keine Angabe …")


def legende_html(legende: Legende) -> str:
    """The legend as a small HTML block (escaped), drawn by the page beside the map."""
    e = html.escape
    einheit = f" ({e(legende.einheit)})" if legende.einheit else ""
    rows = [f'<div class="sra-legende-zeile"><span class="sra-legende-farbe" style="background:{e(farbe)}"></span>'
            f'<span>{e(label)}</span><span class="sra-legende-anzahl">{anzahl}</span></div>'
            for farbe, label, anzahl in legende.klassen]
    if legende.gesperrt:
        rows.append(f'<div class="sra-legende-zeile"><span class="sra-legende-farbe" style="background:{GESPERRT_FARBE}">'
                    f'</span><span>• gesperrt (Geheimhaltung)</span><span class="sra-legende-anzahl">'
                    f'{legende.gesperrt}</span></div>')
    if legende.ohne_wert:
        rows.append(f'<div class="sra-legende-zeile"><span class="sra-legende-farbe" style="background:{OHNE_WERT}">'
                    f'</span><span>{e(legende.ohne_wert_text)}</span>'
                    f'<span class="sra-legende-anzahl">{legende.ohne_wert}</span></div>')
    nenner = f'<div class="sra-legende-klein">Bezug: {e(legende.nenner)}</div>' if legende.nenner else ""
    hinweis = f'<div class="sra-legende-klein">{e(legende.hinweis)}</div>' if legende.hinweis else ""
    return (f'<div class="sra-legende" role="group" aria-label="Legende">'
            f'<div class="sra-legende-titel">{e(legende.titel)}{einheit}</div>'
            f'<div class="sra-legende-klein">{legende.jahr} · Klassen: {e(legende.schema)} · Anzahl Gebiete rechts</div>'
            f'{nenner}{"".join(rows)}{hinweis}</div>')


LEGENDE_CSS = """
.sra-legende{font-size:1rem;line-height:1.35;color:#1b1f24}
.sra-legende-titel{font-weight:600;font-size:1.1rem;margin-bottom:.2rem}
.sra-legende-klein{font-size:.9rem;color:#4a5058;margin-bottom:.35rem}
.sra-legende-zeile{display:flex;align-items:center;gap:.5rem;margin:.15rem 0}
.sra-legende-farbe{display:inline-block;width:1.6rem;height:1.1rem;border:1px solid #8a8f96;flex:none}
.sra-legende-anzahl{margin-left:auto;color:#4a5058;font-variant-numeric:tabular-nums}
"""


# --- the folium map ------------------------------------------------------------------
def _feature_collection(flaechen, farben: Sequence[str], tooltips: Sequence[str]) -> dict:  # noqa: ANN001
    from shapely.geometry import mapping

    features = [{"type": "Feature", "id": str(raum_id),
                 "properties": {"raum_id": str(raum_id), "fill": farbe, "tooltip": tip},
                 "geometry": mapping(geometry)}
                for raum_id, farbe, tip, geometry in zip(flaechen["raum_id"], farben, tooltips, flaechen.geometry)]
    return {"type": "FeatureCollection", "features": features}


def karte(flaechen, farben: Sequence[str], tooltips: Sequence[str], grenzen=None,  # noqa: ANN001, ANN201
          kacheln: Kacheln | None = None, asset_url: str = ASSET_URL, name: str = "Gebiete"):
    """A folium map of ``flaechen`` (``raum_id`` and display geometry, EPSG:4326).

    ``farben`` and ``tooltips`` (escaped HTML, see :func:`tooltip_html`) follow the rows of
    ``flaechen``. ``grenzen`` (Sozialraum outlines) are drawn on top without catching the mouse.
    """
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    # keyboard=False: the map is no focus stop, so a click does not scroll a half-visible map into view
    # (and lose the click) and draws no black focus frame.
    fmap = folium.Map(tiles=None, control_scale=False, prefer_canvas=False, zoom_snap=0.25,
                      attribution_control=kacheln is not None, keyboard=False)
    # A metric scale bar only, and a light background where no tiles are drawn.
    scale = MacroElement()
    scale._template = Template(
        "{% macro script(this, kwargs) %}L.control.scale({imperial: false, maxWidth: 160})"
        ".addTo({{ this._parent.get_name() }});{% endmacro %}")
    fmap.add_child(scale)
    fmap.get_root().header.add_child(Element(
        "<style>.leaflet-container{background:#f4f6f8;font-family:'Source Sans Pro',Arial,sans-serif}"
        ".leaflet-container:focus,.leaflet-interactive:focus{outline:none}"
        ".sra-name{font-size:12px;font-weight:600;color:#1b1f24;text-align:center;white-space:nowrap;"
        "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;pointer-events:none}</style>"))
    # Only Leaflet, from the app: folium's defaults would fetch jQuery, Bootstrap and fonts from CDNs.
    fmap.default_js = [("leaflet", f"{asset_url}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{asset_url}/leaflet.css")]
    if kacheln is not None:
        folium.TileLayer(kacheln.url, attr=html.escape(kacheln.attribution), name="Hintergrund").add_to(fmap)
    data = _feature_collection(flaechen, farben, tooltips)
    folium.GeoJson(
        data, name=name,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": GRENZE_FLAECHE, "weight": 1,
                                  "fillOpacity": 0.9 if kacheln is None else 0.75},
        highlight_function=lambda f: {"weight": 3, "color": GRENZE_SOZIALRAUM},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True,
                                      style="font-size:15px;line-height:1.35;"),
    ).add_to(fmap)
    if grenzen is not None and len(grenzen):
        folium.GeoJson(
            grenzen[["raum_id", "geometry"]].__geo_interface__, name="Sozialraumgrenzen", interactive=False,
            style_function=lambda f: {"fill": False, "color": GRENZE_SOZIALRAUM, "weight": 2.5, "opacity": 0.9},
        ).add_to(fmap)
    minx, miny, maxx, maxy = flaechen.total_bounds
    if np.isfinite([minx, miny, maxx, maxy]).all():
        fmap.fit_bounds([[float(miny), float(minx)], [float(maxy), float(maxx)]])
    return fmap


def namen_ebene(flaechen):  # noqa: ANN001, ANN201
    """The areas' names on the map (escaped), at a point inside each area; they never catch the mouse."""
    import folium

    group = folium.FeatureGroup(name="Namen", control=False)
    for row in flaechen.itertuples(index=False):
        punkt = row.geometry.representative_point()
        folium.Marker((punkt.y, punkt.x), interactive=False, icon=folium.DivIcon(
            html=f'<div class="sra-name">{html.escape(str(row.name))}</div>', icon_size=(160, 18),
            icon_anchor=(80, 9))).add_to(group)
    return group


def auswahl_ebene(flaechen, raum_id: str | None):  # noqa: ANN001, ANN201
    """A layer that outlines the selected area; st_folium swaps it without redrawing the map."""
    import folium

    group = folium.FeatureGroup(name="Auswahl")
    if raum_id is None:
        return group
    rows = flaechen[flaechen["raum_id"] == raum_id]
    if len(rows):
        folium.GeoJson(rows[["raum_id", "geometry"]].__geo_interface__, interactive=False,
                       style_function=lambda f: {"fill": False, "color": "#00a0ff", "weight": 5}).add_to(group)
    return group


# --- maps of an indicator ------------------------------------------------------------
DARSTELLUNGEN = {"wert": "Wert", "abweichung": "Abweichung vom Kreiswert (%)",
                 "lisa": "Hot Spots / Cold Spots (LISA)"}


@dataclass(frozen=True)
class Kartenbild:
    """A finished map: the folium map, its legend and the table the colours come from.

    ``daten`` has one row per drawn area: ``raum_id, name, wert, rang, differenz,
    differenz_prozent, klasse`` (class index or cluster label) and ``farbe``.
    """

    karte: object
    legende: Legende
    daten: pd.DataFrame


def _tooltips(daten: pd.DataFrame, werte, extra: Sequence[tuple[str, str]] | None = None) -> list[str]:  # noqa: ANN001
    from .formatting import format_number, format_signed

    merkmal = werte.merkmal
    dez = merkmal.dezimalen
    mit_wert = int(daten["rang"].notna().sum())
    tips = []
    for i, row in enumerate(daten.itertuples(index=False)):
        wert = row.wert
        leer = "• gesperrt (Geheimhaltung)" if _ist_gesperrt(row) else _ohne_wert_text(merkmal)
        zeilen = [(merkmal.label, f"{format_number(wert, dez)} {merkmal.einheit_text}".strip()
                   if pd.notna(wert) else leer)]
        if pd.notna(row.rang):
            zeilen.append(("Rang", f"{int(row.rang)} von {mit_wert}"))
        if bool(getattr(row, "kleine_basis", False)):
            from .kartenwerte import KLEINE_BASIS, basis_art

            zeilen.append(("Hinweis", KLEINE_BASIS[basis_art(merkmal)][1] + ", ohne Rang"))
        if pd.notna(row.differenz):
            text = format_signed(row.differenz, dez)
            if pd.notna(row.differenz_prozent):
                text += f" ({format_signed(row.differenz_prozent, 0, ' %')})"
            zeilen.append((f"Differenz zum {werte.kreis_text}", text))
        if extra is not None:
            zeilen.append(extra[i])
        tips.append(tooltip_html(row.name, zeilen))
    return tips


def _ohne_wert_text(merkmal) -> str:  # noqa: ANN001 - kartenwerte.Merkmal
    """What an area without a value is called: the dynamics say why there is none."""
    from .dynamik import KEINE_ANGABE

    return KEINE_ANGABE if merkmal.art in ("dynamik", "gruppe") else "kein Wert"


def _ist_gesperrt(row) -> bool:  # noqa: ANN001 - a row of a Kartenbild's daten
    return bool(getattr(row, "gesperrt", False)) and pd.isna(row.wert)


def _daten(flaechen, werte) -> pd.DataFrame:  # noqa: ANN001
    daten = flaechen[["raum_id", "name"]].rename(columns={"name": "name_geometrie"}).merge(
        werte.werte, on="raum_id", how="left")
    daten["name"] = daten["name"].fillna(daten.pop("name_geometrie"))
    for spalte in ("gesperrt", "kleine_basis"):
        daten[spalte] = daten[spalte].fillna(False).astype(bool) if spalte in daten else False
    return daten


def _gesperrt_faerben(daten: pd.DataFrame) -> None:
    """Withheld areas get their own colour: never the grey of "kein Wert"."""
    daten.loc[daten["gesperrt"], "farbe"] = GESPERRT_FARBE


BEDARFSKLASSEN = "bedarfsklassen"  # the map scheme of the Bedarfsindex: the Kreis's classes


def _bedarfsklassen(werte: pd.Series, einteilung):  # noqa: ANN001, ANN202 - Klasseneinteilung -> Klassierung
    """The Bedarfsindex classes as a map's classes: all k of them, empty ones too (they are the method)."""
    from .klassen import Klassierung

    zahlen = pd.Series(pd.to_numeric(werte, errors="coerce"), dtype=float).replace([np.inf, -np.inf], np.nan)
    klasse = einteilung.klassen(zahlen)
    codes = np.where(klasse.isna(), -1, klasse.fillna(0) - 1).astype(int)
    anzahl = tuple(int((codes == i).sum()) for i in range(einteilung.k))
    vorhanden = zahlen.dropna()
    unten = min(float(vorhanden.min()), einteilung.grenzen[0]) if len(vorhanden) else einteilung.grenzen[0]
    oben = max(float(vorhanden.max()), einteilung.grenzen[-1]) if len(vorhanden) else einteilung.grenzen[-1]
    return Klassierung(BEDARFSKLASSEN, (unten, *einteilung.grenzen, oben), codes, anzahl)


def werteklassen(flaechen, werte, schema: str = "quantile", k: int = 5, abweichung: bool = False,  # noqa: ANN001
                 einteilung=None) -> tuple[pd.DataFrame, Legende]:  # noqa: ANN001
    """The classes of a value map, for screen and print alike: its table (``daten``, see :class:`Kartenbild`)
    and its :class:`Legende`. One definition of classes, colours and legend for :func:`wertekarte` and the
    print map (:mod:`~sozialraum_analytics.druckkarte`). The dynamics with ``schema="dynamikklassen"`` and the
    groups always are categories (:func:`kategorieklassen`)."""
    from .bedarfsindex import STANDARD_EINTEILUNG
    from .klassen import SCHEMATA, klassieren

    merkmal = werte.merkmal
    if merkmal.art == "gruppe" or (merkmal.art == "dynamik" and schema == DYNAMIKKLASSEN and not abweichung):
        return kategorieklassen(flaechen, werte)
    daten = _daten(flaechen, werte)
    spalte = "differenz_prozent" if abweichung else "wert"
    klassen_des_index = schema == BEDARFSKLASSEN and merkmal.art == "bedarfsindex" and not abweichung
    if klassen_des_index:
        einteilung = einteilung or STANDARD_EINTEILUNG
        klassierung = _bedarfsklassen(daten[spalte], einteilung)
    else:
        klassierung = klassieren(daten[spalte], "quantile" if schema in (BEDARFSKLASSEN, DYNAMIKKLASSEN, GRUPPEN)
                                 else schema, k)
    farbliste = palette(klassierung.k, divergierend=abweichung, grenzen=klassierung.grenzen)
    daten["klasse"] = klassierung.klasse
    daten["farbe"] = flaechen_farben(klassierung.klasse, farbliste)
    _gesperrt_faerben(daten)
    if klassen_des_index:
        labels = [f"{i} {name}: {bereich}" for i, (name, bereich) in
                  enumerate(zip(einteilung.namen, einteilung.bereiche()), start=1)]
    else:
        labels = klassierung.labels(0 if abweichung else merkmal.dezimalen)
    gesperrt = int(daten["gesperrt"].sum())
    hinweise = [] if klassen_des_index else [klassierung.hinweis(k)]
    if merkmal.art == "bedarfsindex":
        hinweise.append("Gebiete unter 300 Einwohnern erhalten keinen Bedarfsindex.")
    if merkmal.art == "dynamik":
        hinweise.append("Gebiete unter 300 Einwohnern erhalten keine Dynamik.")
    legende = Legende(f"Abweichung: {merkmal.label}" if abweichung else merkmal.label,
                      f"% zum {werte.kreis_text}" if abweichung else merkmal.einheit_text, merkmal.nenner, werte.jahr,
                      "Bedarfsklassen (Standardabweichungen)" if klassen_des_index else SCHEMATA[klassierung.schema],
                      tuple(zip(farbliste, labels, klassierung.anzahl)),
                      ohne_wert=int((klassierung.klasse < 0).sum()) - gesperrt,
                      hinweis=" ".join(h for h in hinweise if h), gesperrt=gesperrt,
                      ohne_wert_text=_ohne_wert_text(merkmal))
    return daten, legende


def wertekarte(flaechen, werte, schema: str = "quantile", k: int = 5, abweichung: bool = False,  # noqa: ANN001
               grenzen=None, kacheln: Kacheln | None = None, asset_url: str = ASSET_URL,  # noqa: ANN001
               einteilung=None) -> Kartenbild:
    """A choropleth of :class:`~sozialraum_analytics.kartenwerte.Gebietswerte`.

    ``abweichung`` colours the difference to the Kreis in percent with a diverging palette.
    ``schema="bedarfsklassen"`` (the Bedarfsindex only) colours the classes of ``einteilung``
    (a :class:`~sozialraum_analytics.bedarfsindex.Klasseneinteilung`), named in the legend; the dynamics
    with ``schema="dynamikklassen"`` and the groups always are maps of categories (:func:`kategorienkarte`).
    """
    merkmal = werte.merkmal
    if merkmal.art == "gruppe" or (merkmal.art == "dynamik" and schema == DYNAMIKKLASSEN and not abweichung):
        return kategorienkarte(flaechen, werte, grenzen, kacheln, asset_url)
    daten, legende = werteklassen(flaechen, werte, schema, k, abweichung, einteilung)
    fmap = karte(flaechen, daten["farbe"].tolist(), _tooltips(daten, werte), grenzen, kacheln, asset_url)
    return Kartenbild(fmap, legende, daten)


# --- the dynamics and the four groups of status and dynamics (categories, :mod:`.dynamik`) ---------------
DYNAMIKKLASSEN = "dynamikklassen"  # the map scheme of the dynamics index: positiv / stabil / negativ
GRUPPEN = "gruppen"  # the only scheme of the groups map
# RdYlBu's ends and middle: blue where need fell, red where it grew, a pale yellow for stabil that is
# neither the grey of "keine Angabe" nor white (colour-blind safe, distinct in grey print by lightness).
DYNAMIK_FARBEN = {"positiv": "#2c7bb6", "stabil": "#ffffbf", "negativ": "#d7191c"}
# 1 red (high need, getting worse), 2 orange (high need), 3 yellow (watch), 4 light blue (inconspicuous).
GRUPPEN_FARBEN = {1: "#b2182b", 2: "#f4a582", 3: "#fee08b", 4: "#abd9e9"}


def _kategorie_tooltips(daten: pd.DataFrame, merkmal) -> list[str]:  # noqa: ANN001 - kartenwerte.Merkmal
    from .dynamik import KEINE_ANGABE
    from .formatting import format_signed

    tips = []
    for row in daten.itertuples(index=False):
        zeilen = []
        if pd.notna(row.dynamikindex):
            zeilen += [("Dynamikindex", format_signed(row.dynamikindex, 2)), ("Entwicklung", row.dynamik)]
            if merkmal.art == "dynamik" and pd.notna(row.rang):
                zeilen.append(("Rang", f"{int(row.rang)} von {int(daten['rang'].notna().sum())}"))
        else:
            zeilen.append(("Dynamik", KEINE_ANGABE))
        if pd.notna(row.bedarfsindex):
            klasse = f" ({row.bedarfsklasse})" if isinstance(row.bedarfsklasse, str) and row.bedarfsklasse else ""
            zeilen.append(("Bedarfsindex", format_signed(row.bedarfsindex, 2) + klasse))
        if isinstance(row.gruppe_text, str):
            zeilen.append(("Gruppe", f"{int(row.gruppe)} {row.gruppe_text}"))
        elif merkmal.art == "gruppe":
            zeilen.append(("Gruppe", KEINE_ANGABE))
        tips.append(tooltip_html(row.name, zeilen))
    return tips


def kategorienkarte(flaechen, werte, grenzen=None, kacheln: Kacheln | None = None,  # noqa: ANN001
                    asset_url: str = ASSET_URL) -> Kartenbild:
    """The dynamics classes (art ``dynamik``) or the four groups of status and dynamics (art ``gruppe``)
    of :class:`~sozialraum_analytics.kartenwerte.Gebietswerte` as a map of categories (:func:`kategorieklassen`)."""
    daten, legende = kategorieklassen(flaechen, werte)
    fmap = karte(flaechen, daten["farbe"].tolist(), _kategorie_tooltips(daten, werte.merkmal), grenzen, kacheln,
                 asset_url)
    return Kartenbild(fmap, legende, daten)


def kategorieklassen(flaechen, werte) -> tuple[pd.DataFrame, Legende]:  # noqa: ANN001
    """The categories of the dynamics or the groups map, for screen and print: its table and legend.

    An area without dynamics (or, on the groups map, without status) is grey and called "keine Angabe (zu
    wenige Einwohner oder Daten)" in legend, tooltip and static map: never drawn like a class.
    """
    from .dynamik import DYNAMIKKLASSEN as KLASSEN
    from .dynamik import DYNAMIKKLASSEN_BEREICHE, KEINE_ANGABE
    from .dynamik import GRUPPEN as GRUPPEN_TEXT

    daten = _daten(flaechen, werte)
    merkmal = werte.merkmal
    if merkmal.art == "gruppe":
        schluessel = daten["gruppe"].astype("Int64")
        farben = [GRUPPEN_FARBEN[g] for g in GRUPPEN_TEXT]
        labels = [f"{g} {text}" for g, text in GRUPPEN_TEXT.items()]
        codes = [schluessel.eq(g).fillna(False).to_numpy() for g in GRUPPEN_TEXT]
        daten["beschriftung"] = [str(int(g)) if pd.notna(g) else "–" for g in schluessel]
        schema = "Bedarfsindex über oder unter dem Mittel × Dynamik"
        hinweis = ("Besonderer Aufmerksamkeitsbedarf: Bedarf über dem Mittel und negative Entwicklung; "
                   "beobachten: negative Entwicklung bei Bedarf bis zum Mittel.")
    else:
        farben = [DYNAMIK_FARBEN[k] for k in KLASSEN]
        labels = [f"{k} ({DYNAMIKKLASSEN_BEREICHE[k]})" for k in KLASSEN]
        codes = [daten["dynamik"].eq(k).fillna(False).to_numpy() for k in KLASSEN]
        daten["beschriftung"] = [k if isinstance(k, str) else "–" for k in daten["dynamik"]]
        schema = "Dynamikklassen (Standardabweichungen)"
        hinweis = "Negativ: der Bedarf ist deutlich gewachsen; positiv: deutlich gesunken."
    klasse = np.full(len(daten), -1)
    for i, maske in enumerate(codes):
        klasse[maske] = i
    daten["klasse"] = [daten["kategorie"].iloc[j] if k >= 0 else KEINE_ANGABE for j, k in enumerate(klasse)]
    daten["farbe"] = flaechen_farben(klasse, farben)
    dynamik = werte.werte["dynamikindex"].notna()
    legende = Legende(merkmal.label, "", merkmal.nenner, werte.jahr, schema,
                      tuple((f, label, int((klasse == i).sum())) for i, (f, label) in enumerate(zip(farben, labels))),
                      ohne_wert=int((klasse < 0).sum()), hinweis=hinweis if dynamik.any() else "",
                      ohne_wert_text=KEINE_ANGABE)
    return daten, legende


def lisakarte(flaechen, werte, ergebnis, grenzen=None, kacheln: Kacheln | None = None,  # noqa: ANN001
              asset_url: str = ASSET_URL) -> Kartenbild:
    """Hot and cold spots (LISA clusters) of the values, from a :func:`raumstatistik.moran` result."""
    from .raumstatistik import CLUSTER_FARBEN

    daten = _daten(flaechen, werte)
    cluster = ergebnis.lokal.set_index("raum_id")["cluster"].reindex(daten["raum_id"]).fillna("ohne Wert")
    daten["klasse"] = cluster.to_numpy()
    daten["farbe"] = [CLUSTER_FARBEN[c] for c in daten["klasse"]]
    _gesperrt_faerben(daten)
    daten.loc[daten["gesperrt"], "klasse"] = GESPERRT
    counts = daten["klasse"].value_counts()
    merkmal = werte.merkmal
    legende = Legende(f"Hot Spots: {merkmal.label}", "", merkmal.nenner, werte.jahr, "LISA, Queen-Nachbarschaft",
                      tuple((farbe, label, int(counts[label])) for label, farbe in CLUSTER_FARBEN.items()
                            if counts.get(label, 0)), gesperrt=int(counts.get(GESPERRT, 0)),
                      hinweis=f"Signifikant bei p < 0,05 ({ergebnis.global_.permutationen} Permutationen).")
    extra = [("Muster", c) for c in daten["klasse"]]
    fmap = karte(flaechen, daten["farbe"].tolist(), _tooltips(daten, werte, extra), grenzen, kacheln, asset_url)
    return Kartenbild(fmap, legende, daten)


def statische_karte(flaechen, bild: Kartenbild, titel: str, fusszeile: str = "", dez: int = 1):  # noqa: ANN001, ANN201
    """The same map as a plotly figure for PNG/SVG/slides: the Kartenbild's colours, legend and values.

    No tiles and no web fonts, so kaleido draws it without internet. Names are escaped (plotly
    reads pseudo-HTML in text).
    """
    import plotly.graph_objects as go

    from .formatting import format_number

    daten = bild.daten.set_index("raum_id")
    fig = go.Figure()
    for row in flaechen.itertuples(index=False):
        farbe = daten["farbe"].get(row.raum_id, OHNE_WERT) if "farbe" in daten else OHNE_WERT
        for geom in getattr(row.geometry, "geoms", [row.geometry]):
            x, y = geom.exterior.xy
            fig.add_trace(go.Scatter(x=list(x), y=list(y), fill="toself", fillcolor=farbe, mode="lines",
                                     line=dict(color="white", width=1.2), hoverinfo="skip", showlegend=False))
    if len(flaechen) <= 40:
        for row in flaechen.itertuples(index=False):
            punkt = row.geometry.representative_point()
            wert = daten["wert"].get(row.raum_id, float("nan"))
            gesperrt = bool(daten["gesperrt"].get(row.raum_id, False)) if "gesperrt" in daten else False
            text = "•" if gesperrt and pd.isna(wert) else format_number(wert, dez)
            if "beschriftung" in daten:  # a map of classes names the class, not a number
                text = html.escape(str(daten["beschriftung"].get(row.raum_id, "–")))
            fig.add_annotation(x=punkt.x, y=punkt.y, showarrow=False, bgcolor="rgba(255,255,255,0.7)",
                               text=f"{html.escape(str(row.name))}<br><b>{text}</b>",
                               font=dict(size=12, color="#111"))
    for farbe, label, anzahl in bild.legende.klassen:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=html.escape(f"{label} ({anzahl})"),
                                 marker=dict(size=18, color=farbe, symbol="square")))
    if bild.legende.gesperrt:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"• gesperrt ({bild.legende.gesperrt})",
                                 marker=dict(size=18, color=GESPERRT_FARBE, symbol="square")))
    if bild.legende.ohne_wert:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers",
                                 name=html.escape(f"{bild.legende.ohne_wert_text} ({bild.legende.ohne_wert})"),
                                 marker=dict(size=18, color=OHNE_WERT, symbol="square")))
    south = float(flaechen.total_bounds[1]) if len(flaechen) else 0.0
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / max(0.2, float(np.cos(np.radians(south)))))
    legende = html.escape(f"{bild.legende.titel}" + (f" ({bild.legende.einheit})" if bild.legende.einheit else ""))
    fig.update_layout(template="plotly_white", width=1400, height=860, title=dict(text=html.escape(titel), x=0.01,
                                                                                 font=dict(size=24)),
                      font=dict(family="DejaVu Sans, Arial, sans-serif", size=16),
                      legend=dict(title=dict(text=legende), x=1.0, y=0.5), margin=dict(l=20, r=20, t=80, b=110))
    if fusszeile:
        fig.add_annotation(text=html.escape(fusszeile).replace(" · Eckwert", "<br>Eckwert"), xref="paper",
                           yref="paper", x=0, y=0, yshift=-90, xanchor="left", yanchor="bottom", showarrow=False,
                           font=dict(size=11, color="#555"))
    return fig


ANGEBOT_FARBEN = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#666666", "#d95f02", "#1f78b4")


def angebote_layer(angebote: pd.DataFrame):  # noqa: ANN201
    """The offers with coordinates as one map layer: a small circle per offer, coloured by type.

    Tooltips are built from escaped text (folium does not escape). Returns (layer, {typ: colour}).
    """
    import folium

    frame = angebote[angebote["lat"].notna() & angebote["lon"].notna()] if {"lat", "lon"} <= set(angebote) else \
        angebote.iloc[0:0]
    typen = sorted(set(frame["typ"].astype(str))) if len(frame) else []
    farben = {typ: ANGEBOT_FARBEN[i % len(ANGEBOT_FARBEN)] for i, typ in enumerate(typen)}
    layer = folium.FeatureGroup(name="Angebote", control=False)
    e = html.escape
    for row in frame.itertuples(index=False):
        plaetze = "" if pd.isna(getattr(row, "plaetze", None)) else f"<br>{int(row.plaetze)} Plätze"
        alter = ""
        if not pd.isna(getattr(row, "alter_von", None)) and not pd.isna(getattr(row, "alter_bis", None)):
            alter = f"<br>Alter {int(row.alter_von)} bis unter {int(row.alter_bis)}"
        traeger = "" if pd.isna(getattr(row, "traeger", None)) else f"<br>{e(str(row.traeger))}"
        tip = f"<b>{e(str(row.name))}</b><br>{e(str(row.typ))}{traeger}{plaetze}{alter}"
        folium.CircleMarker(location=(float(row.lat), float(row.lon)), radius=6, weight=1.5, color="#ffffff",
                            fill=True, fill_color=farben[str(row.typ)], fill_opacity=0.95,
                            tooltip=folium.Tooltip(tip, sticky=True)).add_to(layer)
    return layer, farben


def angebote_legende_html(farben: dict[str, str]) -> str:
    """The legend of :func:`angebote_layer` (escaped), in the style of :func:`legende_html`."""
    e = html.escape
    rows = "".join(f'<div class="sra-legende-zeile"><span class="sra-legende-farbe" style="background:{e(farbe)};'
                   f'width:1.1rem;border-radius:50%"></span><span>{e(typ)}</span></div>'
                   for typ, farbe in farben.items())
    return f'<div class="sra-legende"><b>Angebote</b>{rows}</div>'
