"""Print-ready maps: one measure per area for the whole Kreis on one A4 landscape page, as PDF and PNG.

What planners know from printed reports (KVJS, AKJStat Steckbriefe): the areas filled in the classes of
the Karte page (the same classes, colours and legend rows: :func:`karte.werteklassen`), each area named
inside itself where its name fits, a German legend with the class bounds and the number of areas per
class, a title (measure and year), a line with level, Kreis, denominator and Kreis value, the view the
map was made in, a scale bar and north arrow, and the source (data, data version and its date, Stand,
and the BKG's credit where the geometry is theirs).

One layout, two outputs: the page is composed once as shapes and texts in millimetres
(:class:`Zeichnung`); :func:`pdf` writes it as a vector PDF (fpdf2, DejaVu embedded, the text searchable)
and :func:`png` paints the same shapes with Pillow at 300 dpi (3508 × 2480 px). No tiles and no browser:
it works offline. The geometry is simplified for the paper (0,1 mm), shared borders kept shared.

Names (:func:`beschriften`): each area's name goes inside the area (its largest part), at its centroid where
that lies well inside, else at the centre of its largest inscribed circle, in the largest of 8 to 5 pt that
fits, with its value below where there is room, broken onto two lines where that helps. Up to
:data:`NUMMERN_MAX` areas too small for their name (fewer when the key beside the map has less room) get a
number and a key. Where more are too small (a city of 1,100 Planungsräume), no area gets a number: a map
of hundreds of numbers cannot be read. Then a Planungsraum map names its Sozialräume (thick borders)
where fewer than half the Planungsräume could be named, and the legend says how many areas are named.

Text from files is text: fpdf2 and Pillow print what they are given (no markup), so ``<b>x</b>`` is printed
as those characters. The public view is the protected engine's: its values are the only ones drawn;
withheld areas are filled in the colour of "gesperrt" with "•" as their value, never in a class or as
"kein Wert" (:func:`kartenwerte.gebietswerte`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .diagramme import TEXT_FARBE
from .formatting import format_date, format_number, format_signed, kreis_label
from .geheimhaltung import GESPERRT
from .kennzahlen import EBENE_LABELS, Engine

A4_QUER = (297.0, 210.0)  # mm
DPI = 300  # PNG at print resolution: 3508 × 2480 px
FORMATE = ("pdf", "png")
MM_JE_PT = 25.4 / 72
RAND = 10.0  # page margin, mm
LEGENDE_BREITE = 74.0  # the panel right of the map, mm
ABSTAND = 6.0  # between map and panel, mm
TOLERANZ_MM = 0.1  # geometry simplified to what paper shows
SCHRIFTGROESSEN = (8.0, 7.0, 6.0, 5.0)  # area names: the largest that fits; 5 pt is the smallest still read
ZEILE = 1.18  # line height in font sizes
NUMMERN_MAX = 30  # more numbers than this on one map are a puzzle, not a map
TEXT = TEXT_FARBE  # the charts' text colour
GRAU_TEXT = "#4a5058"
WEISS = "#ffffff"
FLAECHENGRENZE = 0.2  # mm, white between areas
SOZIALRAUMGRENZE = 0.5  # mm
KREISGRENZE = 0.35  # mm
HALO = 0.25  # mm of white around a label that stands over lines and colours
EBENEN_PLURAL = {"planungsraum": "Planungsräume", "sozialraum": "Sozialräume"}


# --- shapes on paper -------------------------------------------------------------------------
@dataclass(frozen=True)
class Flaeche:
    """A filled polygon in mm (rings: exterior first, then holes; filled even-odd), optionally outlined."""

    ringe: tuple[np.ndarray, ...]
    farbe: str | None
    linie: str | None = None
    breite: float = 0.0


@dataclass(frozen=True)
class Linie:
    """A line through points in mm."""

    punkte: np.ndarray
    farbe: str
    breite: float


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is its baseline in mm, ``x`` its left edge, centre or right edge."""

    x: float
    y: float
    text: str
    pt: float
    farbe: str = TEXT
    fett: bool = False
    ausrichtung: str = "links"  # links, mitte, rechts
    halo: str | None = None  # a thin outline in this colour, for text over lines and colours


@dataclass
class Zeichnung:
    """A page in mm, top left = (0, 0): its shapes in drawing order, and its title for the PDF's metadata."""

    breite: float = A4_QUER[0]
    hoehe: float = A4_QUER[1]
    elemente: list = field(default_factory=list)
    titel: str = ""

    def rechteck(self, x: float, y: float, w: float, h: float, farbe: str | None, linie: str | None = None,
                 breite: float = 0.0) -> None:
        ring = np.array([(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)], dtype=float)
        self.elemente.append(Flaeche((ring,), farbe, linie, breite))

    def text(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - as Text
        self.elemente.append(Text(*args, **kwargs))

    @property
    def texte(self) -> list[str]:
        return [e.text for e in self.elemente if isinstance(e, Text)]


# --- text measure (the same font as both outputs) ---------------------------------------------
def _schriftdatei(fett: bool) -> str:
    from .export import FONTS

    return str(FONTS / ("DejaVuSans-Bold.ttf" if fett else "DejaVuSans.ttf"))


@functools.lru_cache(maxsize=4)
def _messschrift(fett: bool):  # noqa: ANN202 - PIL ImageFont
    from PIL import ImageFont

    return ImageFont.truetype(_schriftdatei(fett), 1000)


def textbreite(text: str, pt: float, fett: bool = False) -> float:
    """Width of ``text`` in mm at ``pt`` points (DejaVu Sans, as printed)."""
    return _breite_je_pt(str(text), fett) * pt


@functools.lru_cache(maxsize=20_000)
def _breite_je_pt(text: str, fett: bool) -> float:
    return _messschrift(fett).getlength(text) / 1000 * MM_JE_PT


def umbrechen(text: str, pt: float, breite: float, fett: bool = False) -> list[str]:
    """``text`` in lines of at most ``breite`` mm, broken between words (a word longer than a line is cut)."""
    zeilen: list[str] = []
    for absatz in str(text).split("\n"):
        zeile = ""
        for wort in absatz.split(" "):
            probe = f"{zeile} {wort}" if zeile else wort
            if textbreite(probe, pt, fett) <= breite or not zeile:
                zeile = probe
            else:
                zeilen.append(zeile)
                zeile = wort
        zeilen.append(zeile)
    return [_kuerzen(z, pt, breite, fett) for z in zeilen]


def _kuerzen(text: str, pt: float, breite: float, fett: bool = False) -> str:
    if textbreite(text, pt, fett) <= breite:
        return text
    while text and textbreite(text + "…", pt, fett) > breite:
        text = text[:-1]
    return text + "…"


def _hell(farbe: str) -> bool:
    """Whether dark text reads on this fill (relative luminance of the sRGB colour above 0,4)."""
    r, g, b = (int(farbe.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b) > 0.4 ** 2.2


# --- geometry on paper -----------------------------------------------------------------------
@dataclass(frozen=True)
class Massstab:
    """How metres (ETRS89/UTM 32) map onto the page: ``x_mm = x0 + (x - minx) * s``, y downwards."""

    minx: float
    maxy: float
    x0: float
    y0: float
    s: float  # mm per m

    def punkte(self, coords: np.ndarray) -> np.ndarray:
        return np.column_stack([self.x0 + (coords[:, 0] - self.minx) * self.s,
                                self.y0 + (self.maxy - coords[:, 1]) * self.s])


def massstab(metrisch, x: float, y: float, w: float, h: float) -> Massstab:  # noqa: ANN001 - GeoSeries
    """The largest scale at which the areas fit the frame, centred in it."""
    minx, miny, maxx, maxy = metrisch.total_bounds
    s = min(w / max(maxx - minx, 1.0), h / max(maxy - miny, 1.0))
    return Massstab(minx, maxy, x + (w - (maxx - minx) * s) / 2, y + (h - (maxy - miny) * s) / 2, s)


def papierflaechen(gebiete, zuordnung: pd.DataFrame | None, ebene: str, rahmen: tuple[float, float, float, float]):  # noqa: ANN001, ANN201
    """The areas of ``ebene`` in mm on the page (a GeoDataFrame without CRS), their Sozialräume (for the
    borders of a Planungsraum map, else None) and the :class:`Massstab`.

    The Planungsräume are simplified as one coverage to :data:`TOLERANZ_MM` on paper (shared borders stay
    shared), then joined to Sozialräume: a border is drawn once, however fine the source geometry.
    """
    import shapely

    from .karte import sozialraum_flaechen

    planungsraeume, m = _planungsraeume_auf_papier(gebiete, tuple(round(v, 3) for v in rahmen))
    sozialraeume = None
    if zuordnung is not None:
        # A clean coverage joins fast; borders that do not quite meet (a file simplified elsewhere) need the
        # general union, or the joined Sozialräume keep lines inside.
        methode = "coverage" if shapely.coverage_is_valid(planungsraeume.geometry.to_numpy()) else "unary"
        sozialraeume = sozialraum_flaechen(planungsraeume, zuordnung, methode)
    if ebene == "planungsraum":
        return planungsraeume, sozialraeume, m
    if sozialraeume is None:
        raise ValueError("Für eine Karte der Sozialräume fehlt die Zuordnung der Planungsräume.")
    return sozialraeume, None, m


# The last few geometries on paper: a second click (the PNG after the PDF, another measure) skips the
# simplification, the costly part for detailed borders. Keyed by the GeoDataFrame itself (kept in the entry,
# so its id cannot be reused while the entry lives) and the frame.
_PAPIER: dict[tuple[int, tuple[float, ...]], tuple[object, object, Massstab]] = {}
_PAPIER_SPERRE = threading.Lock()
_PAPIER_MAX = 4


def _planungsraeume_auf_papier(gebiete, rahmen: tuple[float, ...]):  # noqa: ANN001, ANN202
    import geopandas as gpd
    import shapely

    from .karte import METRIC_CRS

    schluessel = (id(gebiete), rahmen)
    with _PAPIER_SPERRE:
        eintrag = _PAPIER.get(schluessel)
        if eintrag is not None and eintrag[0] is gebiete:
            return eintrag[1].copy(), eintrag[2]
    metrisch = gebiete[["raum_id", "name", "geometry"]].to_crs(METRIC_CRS)
    m = massstab(metrisch.geometry, *rahmen)
    geometrie = shapely.coverage_simplify(metrisch.geometry.to_numpy(), TOLERANZ_MM / m.s)
    geometrie = shapely.transform(geometrie, m.punkte)
    planungsraeume = gpd.GeoDataFrame({"raum_id": metrisch["raum_id"].astype(str), "name": metrisch["name"]},
                                      geometry=shapely.make_valid(geometrie))
    with _PAPIER_SPERRE:
        while len(_PAPIER) >= _PAPIER_MAX:
            _PAPIER.pop(next(iter(_PAPIER)))
        _PAPIER[schluessel] = (gebiete, planungsraeume, m)
    return planungsraeume.copy(), m


def _vereinigt(geometrien: np.ndarray):  # noqa: ANN202 - a shapely geometry
    """The union of the areas (the Kreis's outline), its slivers closed: gaps under 0,6 mm where neighbours'
    borders do not quite meet (as in a file simplified elsewhere) would draw stray lines between two areas."""
    import shapely

    return shapely.union_all(geometrien).buffer(0.3, join_style="mitre").buffer(-0.3, join_style="mitre")


def _polygone(geometrie) -> list:  # noqa: ANN001
    geoms = getattr(geometrie, "geoms", [geometrie])
    return [g for g in geoms if g.geom_type == "Polygon" and not g.is_empty]


def _ringe(polygon) -> tuple[np.ndarray, ...]:  # noqa: ANN001
    return (np.asarray(polygon.exterior.coords), *(np.asarray(r.coords) for r in polygon.interiors))


def _grenzlinien(geometrie, farbe: str, breite: float) -> list[Linie]:  # noqa: ANN001
    import shapely

    linien = []
    for teil in shapely.get_parts(shapely.line_merge(shapely.boundary(geometrie))):
        if not teil.is_empty:
            linien.append(Linie(np.asarray(teil.coords), farbe, breite))
    return linien


# --- names in the areas ----------------------------------------------------------------------
@dataclass(frozen=True)
class Beschriftung:
    """Where the names went: one label per named area, the numbered ones with their key."""

    texte: list  # Text elements
    benannt: int  # areas named in full
    nummern: list[tuple[int, str]]  # (number, "name (value)") of the areas too small for their name
    ohne: int  # areas without any label
    sozialraeume: bool = False  # the Sozialräume are named instead of the Planungsräume


def _teilen(name: str) -> tuple[str, str] | None:
    """The name broken once, at the space or hyphen nearest its middle (None: nowhere to break)."""
    stellen = [i for i, c in enumerate(name) if c in " -/"]
    if not stellen:
        return None
    i = min(stellen, key=lambda j: abs(j - len(name) / 2))
    return (name[:i + 1].rstrip() if name[i] != " " else name[:i]), name[i + 1:].lstrip()


def _varianten(name: str, wert: str | None) -> list[list[tuple[str, ...]]]:
    """What may stand in an area, in two groups tried one after the other: with the value (name and value,
    the name on two lines and value), then the name alone (on one line, on two)."""
    geteilt = _teilen(name)
    alleine = [(name,)] + ([geteilt] if geteilt else [])
    if not wert:
        return [alleine]
    return [[(name, wert)] + ([(*geteilt, wert)] if geteilt else []), alleine]


def _passt(polygon, mitte: tuple[float, float], radius: float, w: float, h: float) -> bool:  # noqa: ANN001
    """Whether a w × h box centred on ``mitte`` lies inside the polygon (inside the inscribed circle: surely)."""
    import shapely

    if math.hypot(w / 2, h / 2) <= radius:
        return True
    x, y = mitte
    return bool(shapely.contains(polygon, shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)))


def _block(zeilen: Sequence[str], pt: float, fett: bool = False) -> tuple[float, float]:
    """Width and height in mm of lines set at ``pt`` (a little air around them)."""
    w = max(textbreite(z, 1.0, fett) for z in zeilen)
    return w * pt + 0.8, len(zeilen) * pt * ZEILE * MM_JE_PT + 0.4


@dataclass(frozen=True)
class Ort:
    """Where an area's label may go: its largest part, and points in it with their distance to its border
    (the centroid where it lies well inside, then the centre of the largest inscribed circle)."""

    teil: object  # shapely Polygon
    punkte: tuple[tuple[float, float, float], ...]  # x, y, distance to the border

    @property
    def mitte(self) -> tuple[float, float]:
        return self.punkte[-1][:2]


def _einpassen(ort: Ort, gruppen: list[list[tuple[str, ...]]],
               fett: bool = False) -> tuple[tuple[str, ...], float, tuple[float, float]] | None:
    """The first lines, size and point at which a label fits in the area: group by group (with the value before
    without: a smaller name with its value beats a larger one without, the map is about the values), in each
    the largest size. None: nothing fits."""
    minx, miny, maxx, maxy = ort.teil.bounds
    breite, hoehe = maxx - minx, maxy - miny
    for gruppe in gruppen:
        einheit = [(zeilen, *_block(zeilen, 1.0, fett)) for zeilen in gruppe]
        for pt in SCHRIFTGROESSEN:
            for zeilen, w1, h1 in einheit:
                w, h = (w1 - 0.8) * pt + 0.8, (h1 - 0.4) * pt + 0.4
                if w > breite or h > hoehe:
                    continue
                for x, y, radius in ort.punkte:
                    if _passt(ort.teil, (x, y), radius, w, h):
                        return zeilen, pt, (x, y)
    return None


def _setzen(zeilen: Sequence[str], mitte: tuple[float, float], pt: float, farbe: str, halo: str | None = None,
            fett: bool = False) -> list[Text]:
    x, y = mitte
    hoehe = len(zeilen) * pt * ZEILE * MM_JE_PT
    oben = y - hoehe / 2
    # DejaVu's ascent is about 0.76 em, its descent 0.24 em: a baseline sits 0.8 em into its line.
    return [Text(x, oben + (i + 0.8) * pt * ZEILE * MM_JE_PT, z, pt, farbe, fett, "mitte", halo)
            for i, z in enumerate(zeilen)]


def _orte(geometrien: Sequence) -> list[Ort | None]:
    """Per area where its label may go (:class:`Ort`); None for an area without a polygon."""
    import shapely

    teile = []
    for geometrie in geometrien:
        polygone = _polygone(geometrie)
        teile.append(max(polygone, key=lambda p: p.area) if polygone else None)
    gueltig = np.array([t for t in teile if t is not None], dtype=object)
    if not len(gueltig):
        return [None] * len(teile)
    kreise = shapely.maximum_inscribed_circle(gueltig, 0.05)
    mitten = shapely.get_point(kreise, 0)
    radien = shapely.length(kreise)
    schwerpunkte = shapely.centroid(gueltig)
    abstand = np.where(shapely.contains(gueltig, schwerpunkte),
                       shapely.distance(schwerpunkte, shapely.boundary(gueltig)), 0.0)
    out: list[Ort | None] = []
    j = 0
    for teil in teile:
        if teil is None:
            out.append(None)
            continue
        punkte = [(mitten[j].x, mitten[j].y, float(radien[j]))]
        # The centroid looks centred in a long or regular area; used where it lies well inside.
        if abstand[j] >= 0.6 * radien[j]:
            punkte.insert(0, (schwerpunkte[j].x, schwerpunkte[j].y, float(abstand[j])))
        out.append(Ort(teil, tuple(punkte)))
        j += 1
    return out


def beschriften(flaechen, farben: Sequence[str], werte: Sequence[str | None], sozialraeume=None,  # noqa: ANN001
                nummern_max: int = NUMMERN_MAX) -> Beschriftung:
    """Labels for the areas of ``flaechen`` (mm on paper, with ``name``): see the module docstring.

    ``werte`` is each area's value as text (None: the name only); ``farben`` its fill (the text is dark on
    light fills, white on dark). ``sozialraeume`` (a Planungsraum map): named instead where fewer than half
    the Planungsräume can be named. Numbers only when at most ``nummern_max`` areas need one (the key's room).
    """
    orte = _orte(list(flaechen.geometry))
    texte: list[Text] = []
    ohne: list[int] = []
    for i, (name, farbe, wert, ort) in enumerate(zip(flaechen["name"].astype(str), farben, werte, orte)):
        gefunden = _einpassen(ort, _varianten(name, wert)) if ort is not None else None
        if gefunden is None:
            ohne.append(i)
        else:
            zeilen, pt, punkt = gefunden
            texte += _setzen(zeilen, punkt, pt, TEXT if _hell(farbe) else WEISS)
    n = len(flaechen)
    if sozialraeume is not None and len(ohne) > n / 2 and len(ohne) > NUMMERN_MAX:
        return _sozialraeume_beschriften(sozialraeume, n)
    if not ohne or len(ohne) > nummern_max:
        return Beschriftung(texte, n - len(ohne), [], len(ohne))
    # Few too small for their name: numbered from top left to bottom right, with a key beside the map.
    mitte = {i: orte[i].mitte if orte[i] is not None else (0.0, 0.0) for i in ohne}
    reihenfolge = sorted(ohne, key=lambda i: (round(mitte[i][1] / 5), mitte[i][0]))
    schluessel = []
    for nummer, i in enumerate(reihenfolge, start=1):
        name = str(flaechen["name"].iloc[i])
        schluessel.append((nummer, f"{name} ({werte[i]})" if werte[i] else name))
        if orte[i] is not None:
            texte += _setzen((str(nummer),), mitte[i], 6.0, TEXT if _hell(farben[i]) else WEISS, fett=True)
    return Beschriftung(texte, n - len(ohne), schluessel, 0)


def _sozialraeume_beschriften(sozialraeume, n_flaechen: int) -> Beschriftung:  # noqa: ANN001
    texte: list[Text] = []
    for name, ort in zip(sozialraeume["name"].astype(str), _orte(list(sozialraeume.geometry))):
        gefunden = _einpassen(ort, _varianten(name, None), fett=True) if ort is not None else None
        if gefunden is not None:
            zeilen, pt, punkt = gefunden
            texte += _setzen(zeilen, punkt, pt, TEXT, halo=WEISS, fett=True)
    return Beschriftung(texte, 0, [], n_flaechen, sozialraeume=True)


# --- the map of a measure ----------------------------------------------------------------------
@dataclass
class Druckkarte:
    """A composed print map: the page (:class:`Zeichnung`), the values and classes drawn (``daten`` as
    :func:`karte.werteklassen`, one row per area of ``flaechen``: the areas in mm on the page), the legend
    and where the names went."""

    zeichnung: Zeichnung
    daten: pd.DataFrame
    legende: object  # karte.Legende
    beschriftung: Beschriftung
    titel: str
    flaechen: object  # GeoDataFrame in mm


def _merkmal(engine: Engine, kennzahl: str):  # noqa: ANN202 - kartenwerte.Merkmal
    from .kartenwerte import merkmale

    katalog = merkmale(engine)
    if kennzahl not in katalog:
        moeglich = ", ".join(katalog) or "keine (es fehlen Daten)"
        raise ValueError(f"Die Kennzahl „{kennzahl}“ gibt es für diese Daten nicht; möglich: {moeglich}.")
    return katalog[kennzahl]


def _wert_text(row, dezimalen: int, abweichung: bool) -> str:  # noqa: ANN001 - a row of the map's daten
    if bool(row.gesperrt):
        return GESPERRT
    wert = row.differenz_prozent if abweichung else row.wert
    if pd.isna(wert):
        return "–"
    text = format_signed(wert, 0, " %") if abweichung else format_number(wert, dezimalen)
    return text + ("*" if bool(row.kleine_basis) else "")


def entwerfen(engine: Engine, ebene: str, jahr: int, kennzahl: str = "eckwert:gesamt", *, schema: str | None = None,
              k: int = 5, abweichung: bool = False, datum: dt.date | None = None) -> Druckkarte:
    """The print map of ``kennzahl`` (a :func:`kartenwerte.merkmale` id) per area of ``ebene`` in ``jahr``.

    The engine's view decides what is drawn: the public engine's values (only Sozialräume; withheld
    areas as "gesperrt") or the planning view's exact ones. ``schema`` and ``k``: the classes of the Karte
    page (default: quantiles, 5 classes; the Bedarfsindex in its own classes); ``abweichung``: the
    difference to the Kreis value in percent, in the page's diverging colours.
    """
    from .ausschussbericht import kopf
    from .karte import BEDARFSKLASSEN, GESPERRT_FARBE, GRENZE_SOZIALRAUM, OHNE_WERT, werteklassen
    from .kartenwerte import KLEINE_BASIS, basis_art, gebietswerte, jahre_mit_werten

    dataset = engine.dataset
    if ebene not in EBENEN_PLURAL:
        raise ValueError(f"Eine Karte gibt es für Planungsräume und Sozialräume, nicht für „{ebene}“.")
    if dataset.gebiete is None:
        raise ValueError("Für eine Karte fehlen die Gebiete (Geometrie, gebiete*.geojson).")
    merkmal = _merkmal(engine, kennzahl)
    werte = gebietswerte(engine, merkmal, ebene, jahr)
    if werte.werte["wert"].notna().sum() == 0 and not werte.werte["gesperrt"].any():
        jahre = jahre_mit_werten(engine, merkmal, ebene)
        from .formatting import jahre_text

        raise ValueError(f"Für {jahr} gibt es keine Werte von „{merkmal.label}“ je {EBENE_LABELS[ebene]}"
                         + (f"; Werte gibt es für {jahre_text(jahre)}." if jahre else "."))
    if schema is None:
        schema = BEDARFSKLASSEN if merkmal.art == "bedarfsindex" else "quantile"
    k_kopf = kopf(engine, jahr, datum)
    z = Zeichnung()
    breite, hoehe = z.breite, z.hoehe
    innen = breite - 2 * RAND

    # Header: title, the line below it, the view.
    oeffentlich = engine.oeffentlich
    marke = "Öffentliche Ansicht" if oeffentlich else "Planungsansicht – intern, nicht zur Veröffentlichung"
    marke_farbe = "#0b4f8a" if oeffentlich else "#b2182b"
    marke_b = textbreite(marke, 8, True) + 4
    titel = f"{'Abweichung vom ' + werte.kreis_text + ': ' if abweichung else ''}{merkmal.label} {jahr}"
    y = RAND
    for zeile in umbrechen(titel, 15, innen - marke_b - 6, fett=True)[:2]:
        y += 15 * MM_JE_PT * 1.1
        z.text(RAND, y, zeile, 15, fett=True)
    kreiswert = ""
    if werte.kreiswert is not None and merkmal.art != "bedarfsindex":
        kreiswert = f" · {werte.kreis_text}: {format_number(werte.kreiswert, merkmal.dezimalen)}" + (
            f" {merkmal.einheit_text}" if merkmal.einheit_text else "")
    unterzeile = (f"{EBENEN_PLURAL[ebene]} im {kreis_label(dataset.kreis_name)} · Bezug: {merkmal.nenner}"
                  f"{kreiswert}")
    for zeile in umbrechen(unterzeile, 9, innen)[:2]:  # below the view's mark: the whole width
        y += 9 * MM_JE_PT * 1.35
        z.text(RAND, y, zeile, 9, farbe=GRAU_TEXT)
    z.rechteck(breite - RAND - marke_b, RAND + 1, marke_b, 7, WEISS, marke_farbe, 0.4)
    z.text(breite - RAND - marke_b / 2, RAND + 6, marke, 8, farbe=marke_farbe, fett=True, ausrichtung="mitte")
    karte_oben = y + 5

    # Footer: source, version and its date, Stand, Geobasis, view, protection.
    quelle = [f"Quelle: {k_kopf.quelle}", k_kopf.version]
    if k_kopf.datenstand:
        quelle.append(k_kopf.datenstand)
    if dataset.geobasis:
        quelle.append(f"Geobasis: {dataset.geobasis}")
    fuss = [" · ".join(quelle),
            f"{k_kopf.ansicht} · Erstellt am {format_date(k_kopf.datum)} mit Sozialraum-Analytics"]
    if oeffentlich:
        fuss.append(f"Geheimhaltung: {k_kopf.geheimhaltung}")
        fuss += [f"Zusätzlich gesperrt: {h}" for h in k_kopf.gesperrt]
    fusszeilen = [z_ for text in fuss for z_ in umbrechen(text, 6.5, innen)]
    zeile_fuss = 6.5 * MM_JE_PT * 1.3
    fuss_oben = hoehe - RAND - len(fusszeilen) * zeile_fuss
    for i, zeile in enumerate(fusszeilen):
        z.text(RAND, fuss_oben + (i + 0.8) * zeile_fuss, zeile, 6.5, farbe=GRAU_TEXT)

    # The map.
    karte_b = innen - LEGENDE_BREITE - ABSTAND
    rahmen = (RAND, karte_oben, karte_b, fuss_oben - 3 - karte_oben)
    zuordnung = dataset.planungsraeume() if dataset.has("zuordnung") else None
    flaechen, sozialraeume, m = papierflaechen(dataset.gebiete, zuordnung, ebene, rahmen)
    daten, legende = werteklassen(flaechen, werte, schema, int(k), abweichung, engine.einteilung)
    farben = daten["farbe"].tolist()
    # Larger areas first: an enclave (a hole of its neighbour) is drawn after, on top.
    reihenfolge = np.argsort(-flaechen.geometry.area.to_numpy(), kind="stable")
    for i in reihenfolge:
        for teil in _polygone(flaechen.geometry.iloc[i]):
            z.elemente.append(Flaeche(_ringe(teil), farben[i]))

    for geometrie in flaechen.geometry:
        z.elemente += _grenzlinien(geometrie, WEISS, FLAECHENGRENZE)
    if sozialraeume is not None:
        for geometrie in sozialraeume.geometry:
            z.elemente += _grenzlinien(geometrie, GRENZE_SOZIALRAUM, SOZIALRAUMGRENZE)
    z.elemente += _grenzlinien(_vereinigt(flaechen.geometry.to_numpy()), GRENZE_SOZIALRAUM, KREISGRENZE)

    # The legend beside the map.
    x = RAND + karte_b + ABSTAND
    w = LEGENDE_BREITE
    y = karte_oben + 2

    def absatz(text: str, pt: float = 7.0, farbe: str = GRAU_TEXT, fett: bool = False, vor: float = 0.0) -> None:
        nonlocal y
        y += vor
        for zeile in umbrechen(text, pt, w, fett):
            y += pt * MM_JE_PT * 1.3
            z.text(x, y, zeile, pt, farbe=farbe, fett=fett)

    absatz(legende.titel + (f" ({legende.einheit})" if legende.einheit else ""), 9, TEXT, True)
    absatz(f"{jahr} · Klassen: {legende.schema}", vor=0.8)
    if legende.nenner:
        absatz(f"Bezug: {legende.nenner}")
    y += 4.0
    z.text(x + w, y, "Anzahl Gebiete", 6.5, farbe=GRAU_TEXT, ausrichtung="rechts")
    y += 1.5
    zeilen = [(farbe, label, anzahl) for farbe, label, anzahl in legende.klassen]
    if legende.gesperrt:
        zeilen.append((GESPERRT_FARBE, f"{GESPERRT} gesperrt (Geheimhaltung)", legende.gesperrt))
    if legende.ohne_wert:
        zeilen.append((OHNE_WERT, f"– {legende.ohne_wert_text or 'kein Wert'}", legende.ohne_wert))
    for farbe, label, anzahl in zeilen:
        # A long class name (the four groups) takes a second line rather than being cut.
        teile = umbrechen(str(label), 8, w - 22)
        teile = teile[:1] + [_kuerzen(" ".join(teile[1:]), 8, w - 22)] if len(teile) > 1 else teile
        z.rechteck(x, y, 8, 4.5, farbe, "#8a8f96", 0.15)
        for i, teil in enumerate(teile):
            z.text(x + 10, y + 3.4 + i * 3.6, teil, 8)
        z.text(x + w, y + 3.4, format_number(anzahl), 8, ausrichtung="rechts")
        y += 5.8 + 3.6 * (len(teile) - 1)
    if legende.hinweis:
        absatz(legende.hinweis, vor=0.5)
    if daten["kleine_basis"].any() and not abweichung:
        art = basis_art(merkmal)
        n_klein = int(daten["kleine_basis"].sum())
        absatz(f"* {KLEINE_BASIS[art][1]} ({format_number(n_klein)} {'Gebiet' if n_klein == 1 else 'Gebiete'}): "
               "Wert unsicher, ohne Rang.", vor=0.5)
    if sozialraeume is not None:
        absatz("Dicke Linien: Grenzen der Sozialräume.", vor=0.5)
    # Scale bar and north arrow at the foot of the panel, never over an area; between them and the legend the
    # note on the names and the key of the numbered areas: only as many numbers as the key has lines for.
    unten = fuss_oben - 3 - 14
    _massstab_und_norden(z, m, x, unten)
    zeile_schluessel = 6.5 * MM_JE_PT * 1.3
    platz = int((unten - 3 - y - 1.5 - 3 * 7 * MM_JE_PT * 1.3) / zeile_schluessel)
    wert_texte = [_wert_text(r, merkmal.dezimalen, abweichung) for r in daten.itertuples(index=False)]
    beschriftung = beschriften(flaechen, farben, wert_texte, sozialraeume=sozialraeume,
                               nummern_max=max(0, min(NUMMERN_MAX, platz)))
    z.elemente += beschriftung.texte
    n = len(flaechen)
    if beschriftung.sozialraeume:
        text = (f"Beschriftet sind die Sozialräume: die {format_number(n)} Planungsräume sind für ihre Namen "
                "zu klein. Namen und Werte je Planungsraum: Tabelle der Seite Karte.")
    elif beschriftung.ohne:
        text = (f"Beschriftet: {format_number(beschriftung.benannt)} von {format_number(n)} Gebieten; die übrigen "
                "sind für einen lesbaren Namen zu klein. Alle Namen und Werte: Tabelle der Seite Karte.")
    elif beschriftung.nummern:
        text = "Zu kleine Gebiete tragen eine Nummer:"
    else:
        text = ""
    if text:
        absatz(text, vor=1.5)
    for nummer, name in beschriftung.nummern:
        y += zeile_schluessel
        z.text(x, y, f"{nummer}", 6.5, fett=True)
        z.text(x + 5, y, _kuerzen(name, 6.5, w - 5), 6.5)
    z.titel = titel
    return Druckkarte(z, daten, legende, beschriftung, titel, flaechen)


def _massstab_und_norden(z: Zeichnung, m: Massstab, x: float, y: float) -> None:
    """A scale bar of a round length (about 30 mm) and a north arrow, in a 14 mm high strip from ``y`` down."""
    ziel_m = 30 / m.s
    stufe = 10 ** math.floor(math.log10(ziel_m))
    laenge_m = max((f * stufe for f in (1, 2, 5, 10) if f * stufe <= ziel_m * 1.3), default=stufe)
    laenge = laenge_m * m.s
    x0, y0 = x + 1, y + 9
    for i in range(4):
        z.rechteck(x0 + i * laenge / 4, y0, laenge / 4, 1.4, TEXT if i % 2 == 0 else WEISS, TEXT, 0.15)
    km = laenge_m / 1000
    text = f"{format_number(km, 0 if km >= 1 else 1)} km"
    z.text(x0, y0 - 1.2, "0", 6.5, ausrichtung="mitte")
    z.text(x0 + laenge, y0 - 1.2, text, 6.5, ausrichtung="mitte")
    nx, ny = x0 + laenge + 14, y + 1.5
    pfeil = np.array([(nx, ny), (nx + 2.2, ny + 7), (nx, ny + 5.6), (nx - 2.2, ny + 7), (nx, ny)])
    z.elemente.append(Flaeche((pfeil,), TEXT))
    z.text(nx, ny + 10.8, "N", 7, fett=True, ausrichtung="mitte")


# --- output -----------------------------------------------------------------------------------------
def _rgb(farbe: str) -> tuple[int, int, int]:
    farbe = farbe.lstrip("#")
    return int(farbe[0:2], 16), int(farbe[2:4], 16), int(farbe[4:6], 16)


def pdf(z: Zeichnung) -> bytes:
    """The page as a vector PDF, A4 landscape (DejaVu embedded, text searchable)."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    doc = FPDF(orientation="L", unit="mm", format="A4")
    doc.set_auto_page_break(False)
    doc.set_margins(0, 0, 0)
    doc.add_font("DejaVu", "", _schriftdatei(False))
    doc.add_font("DejaVu", "B", _schriftdatei(True))
    doc.set_title(z.titel)
    doc.set_creator("Sozialraum-Analytics")
    doc.add_page()
    for e in z.elemente:
        if isinstance(e, Flaeche):
            _pdf_flaeche(doc, e)
        elif isinstance(e, Linie):
            doc.set_draw_color(*_rgb(e.farbe))
            doc.set_line_width(e.breite)
            doc.polyline([tuple(p) for p in e.punkte])
        else:
            doc.set_font("DejaVu", "B" if e.fett else "", e.pt)
            breite = doc.get_string_width(e.text)
            x = e.x - (breite / 2 if e.ausrichtung == "mitte" else breite if e.ausrichtung == "rechts" else 0)
            if e.halo:
                with doc.local_context(text_mode=TextMode.STROKE, line_width=2 * HALO, draw_color=_rgb(e.halo)):
                    doc.text(x, e.y, e.text)
            doc.set_text_color(*_rgb(e.farbe))
            doc.text(x, e.y, e.text)
    return bytes(doc.output())


def _pdf_flaeche(doc, e: Flaeche) -> None:  # noqa: ANN001
    """A polygon with holes: one path, filled even-odd (fpdf2's ``polygon`` has one ring only)."""
    if len(e.ringe) == 1:
        style = "DF" if e.farbe and e.linie else "F" if e.farbe else "D"
        if e.farbe:
            doc.set_fill_color(*_rgb(e.farbe))
        if e.linie:
            doc.set_draw_color(*_rgb(e.linie))
            doc.set_line_width(e.breite)
        doc.polygon([tuple(p) for p in e.ringe[0]], style=style)
        return
    from fpdf.enums import PathPaintRule

    with doc.new_path(paint_rule=PathPaintRule.FILL_EVENODD) as path:
        path.style.fill_color = e.farbe
        path.style.stroke_color = None
        for ring in e.ringe:
            path.move_to(*ring[0])
            for punkt in ring[1:]:
                path.line_to(*punkt)
            path.close()


def png(z: Zeichnung, dpi: int = DPI) -> bytes:
    """The page painted at ``dpi`` (300: 3508 × 2480 px for A4 landscape), the same shapes as :func:`pdf`."""
    from PIL import Image, ImageDraw, ImageFont

    k = dpi / 25.4
    bild = Image.new("RGB", (round(z.breite * k), round(z.hoehe * k)), WEISS)
    zeichnen = ImageDraw.Draw(bild)
    schriften: dict[tuple[bool, float], ImageFont.FreeTypeFont] = {}
    for e in z.elemente:
        if isinstance(e, Flaeche):
            for i, ring in enumerate(e.ringe):
                punkte = [tuple(p) for p in ring * k]
                farbe = e.farbe if i == 0 else WEISS  # a hole: what lies in it is drawn after (larger areas first)
                if farbe:
                    zeichnen.polygon(punkte, fill=farbe)
            if e.linie:
                for ring in e.ringe:
                    zeichnen.line([tuple(p) for p in ring * k], fill=e.linie, width=max(1, round(e.breite * k)))
        elif isinstance(e, Linie):
            zeichnen.line([tuple(p) for p in e.punkte * k], fill=e.farbe, width=max(1, round(e.breite * k)),
                          joint="curve")
        else:
            schluessel = (e.fett, e.pt)
            if schluessel not in schriften:
                schriften[schluessel] = ImageFont.truetype(_schriftdatei(e.fett), e.pt / 72 * dpi)
            anker = {"links": "ls", "mitte": "ms", "rechts": "rs"}[e.ausrichtung]
            zeichnen.text((e.x * k, e.y * k), e.text, font=schriften[schluessel], fill=e.farbe, anchor=anker,
                          stroke_width=max(1, round(HALO * k)) if e.halo else 0,
                          stroke_fill=e.halo)
    buffer = io.BytesIO()
    bild.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def druckkarte(engine: Engine, ebene: str, jahr: int, kennzahl: str = "eckwert:gesamt", format: str = "pdf",  # noqa: A002
               **optionen) -> bytes:  # noqa: ANN003 - as entwerfen
    """The print map (:func:`entwerfen`) as PDF or PNG bytes (A4 landscape; PNG at 300 dpi)."""
    if format not in FORMATE:
        raise ValueError(f"Unbekanntes Format „{format}“; möglich: {', '.join(FORMATE)}.")
    karte = entwerfen(engine, ebene, jahr, kennzahl, **optionen)
    return pdf(karte.zeichnung) if format == "pdf" else png(karte.zeichnung)
