"""Synthetic demo county "Musterkreis": every input file of the dashboard, generated.

The Musterkreis is fictional (Kreis prefix ``08999``, invented place names) but built to
look like a Landkreis in south-west Germany, so that every page of the dashboard has
something plausible to show and the readers meet their edge cases:

* 40 Planungsräume (a Voronoi tessellation clipped to an irregular county outline),
  grouped into 10 spatially contiguous Sozialräume; one of them is an almost uninhabited
  forest area;
* population 2014–2024 by the age groups of the youth welfare statistics;
* about 26,000 pseudonymised cases 2010–2024 whose rates follow a latent, spatially
  smooth burden score, with durations, settings and ages typical of each help;
* the case structure: person ids (some young people have several helps), the main reason
  of each help and how the ended ones ended, with more breaks in burdened areas;
* costs derived from the cases, social indicators correlated with the burden and a
  register of offers with two deliberate double structures and one gap;
* reference values of other regions (a fictional Land, a ring of similar Kreise, the Bund), plainly
  labelled as invented examples: no official figure.

Everything is drawn from ``numpy.random.default_rng(seed)`` (one spawned stream per
table) in a fixed order, so the same seed gives the same files, byte for byte, on every
run.

Examples
--------
>>> from pathlib import Path
>>> from sozialraum_analytics.demo import write_demo
>>> paths = write_demo(Path("data"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from sozialraum_analytics.formatting import write_german_csv

DEFAULT_SEED = 20241231
KREIS_PREFIX = "08999"
KREIS_NAME = "Musterkreis"

JAHRE = tuple(range(2014, 2025))
"""Years of population, costs and indicators (Stichtag 31.12.)."""
# Cases start earlier so that 2014 already has the long-running cases a real Kreis has.
ERSTES_FALLJAHR = 2010
LETZTER_TAG = np.datetime64("2024-12-31")

ALTERSGRUPPEN = (
    "unter 3",
    "3 bis unter 6",
    "6 bis unter 10",
    "10 bis unter 14",
    "14 bis unter 18",
    "18 bis unter 21",
    "21 bis unter 27",
    "27 bis unter 65",
    "65 und älter",
)
_U18_GROUPS = slice(0, 5)
_U21_GROUPS = slice(0, 6)

AMBULANT = "ambulant"
TEILSTATIONAER = "teilstationär"
STATIONAER = "stationär"

ANGEBOTSTYPEN = ("Kita", "Familienzentrum", "Jugendtreff", "Schulsozialarbeit", "Beratungsstelle", "Frühe Hilfen")
MARKUP_NAME = "Treff <img src=x onerror=alert(1)>"

N_PLANUNGSRAEUME = 40
N_SOZIALRAEUME = 10
BELASTETE_SOZIALRAEUME = ("SR01", "SR06", "SR09")
"""Sozialräume built to be clearly more burdened than the Kreis."""
ENTLASTETE_SOZIALRAEUME = ("SR04", "SR10")
"""Sozialräume built to be clearly less burdened than the Kreis."""
ANGEBOTSLUECKE = "SR06"
"""The burdened Sozialraum left with few offers (a gap in the offer structure)."""

# ---------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------

# Centre of the county and the half axes of its outline in metres (EPSG:25832): about
# 38 km x 48 km around lon 8.15, lat 48.45, i.e. between the Rhine plain and the hills.
_CENTER_LONLAT = (8.15, 48.45)
_HALF_AXES = (19_000.0, 24_000.0)
_METRIC_CRS = "EPSG:25832"

# The district town sits west of the centre, in the plain (outline-normalised position).
_CITY_POSITION = (-0.3, 0.1)


@dataclass(frozen=True)
class _Geometry:
    """The tessellation in metres: cells, their centroids and their neighbours."""

    outline: Polygon
    center: tuple[float, float]
    cells: tuple[Polygon, ...]
    centroids: np.ndarray  # (n, 2)
    neighbours: tuple[tuple[int, ...], ...]


def _transformers() -> tuple[Transformer, Transformer]:
    to_metric = Transformer.from_crs("EPSG:4326", _METRIC_CRS, always_xy=True)
    to_lonlat = Transformer.from_crs(_METRIC_CRS, "EPSG:4326", always_xy=True)
    return to_metric, to_lonlat


def _county_outline(rng: np.random.Generator, center: tuple[float, float]) -> Polygon:
    """An irregular, convex county outline around ``center``.

    A few low-frequency waves make the border look drawn by history rather than by a
    compass; the convex hull keeps every clipped Voronoi cell a single polygon.
    """
    n = 36
    angles = np.linspace(0.0, 2 * math.pi, n, endpoint=False) + rng.uniform(-0.35, 0.35, n) * (2 * math.pi / n)
    phases = rng.uniform(0.0, 2 * math.pi, 3)
    wobble = (
        1.0
        + 0.06 * np.sin(2 * angles + phases[0])
        + 0.04 * np.sin(3 * angles + phases[1])
        + 0.03 * np.sin(5 * angles + phases[2])
        + rng.normal(0.0, 0.015, n)
    )
    x = center[0] + _HALF_AXES[0] * wobble * np.cos(angles)
    y = center[1] + _HALF_AXES[1] * wobble * np.sin(angles)
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([x, y])))
    return Polygon(hull.exterior.coords)


def _seed_points(rng: np.random.Generator, outline: Polygon, n: int) -> np.ndarray:
    """``n`` well spread points inside ``outline`` (Mitchell's best-candidate sampling).

    Pure uniform points would give a few tiny and a few huge municipalities; the best of
    a handful of candidates keeps sizes varied but plausible.
    """
    minx, miny, maxx, maxy = outline.bounds
    points: list[np.ndarray] = []
    while len(points) < n:
        candidates = rng.uniform((minx, miny), (maxx, maxy), size=(12, 2))
        inside = candidates[shapely.contains_xy(outline, candidates[:, 0], candidates[:, 1])]
        if len(inside) == 0:
            continue
        if not points:
            points.append(inside[0])
            continue
        existing = np.asarray(points)
        distance = np.linalg.norm(inside[:, None, :] - existing[None, :, :], axis=2).min(axis=1)
        points.append(inside[int(np.argmax(distance))])
    return np.asarray(points)


def _voronoi_cells(points: np.ndarray, outline: Polygon) -> list[Polygon]:
    """Voronoi cells of ``points`` clipped to ``outline``, one per point, in point order.

    The clipped cells' borders are noded together and polygonised again, so neighbouring
    cells share exactly the same vertices: no slivers, no gaps, even after rounding.
    """
    envelope = outline.buffer(20_000.0)
    regions = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    clipped = shapely.intersection(shapely.get_parts(regions), outline)
    borders = shapely.union_all(shapely.boundary(clipped))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(borders)))
    faces = [face for face in faces if outline.contains(face.representative_point())]
    cells: list[Polygon] = []
    for x, y in points:
        matches = [face for face in faces if shapely.contains_xy(face, x, y)]
        if len(matches) != 1:
            raise RuntimeError("Voronoi tessellation failed: a seed point is not in exactly one cell")
        cells.append(matches[0])
    if len(faces) != len(points):
        raise RuntimeError("Voronoi tessellation failed: cells and seed points do not match")
    return cells


def _relax(points: np.ndarray, outline: Polygon) -> np.ndarray:
    """One Lloyd step: move each point to the centroid of its cell (rounder cells)."""
    regions = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline.buffer(20_000.0), ordered=True)
    cells = shapely.intersection(shapely.get_parts(regions), outline)
    return shapely.get_coordinates(shapely.centroid(cells))


def _neighbours(cells: list[Polygon]) -> tuple[tuple[int, ...], ...]:
    """Indices of the cells sharing a border (not just a corner) with each cell."""
    n = len(cells)
    left, right = np.triu_indices(n, k=1)
    array = np.asarray(cells, dtype=object)
    shared = shapely.length(shapely.intersection(array[left], array[right]))
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for i, j in zip(left[shared > 1.0], right[shared > 1.0]):
        adjacency[int(i)].append(int(j))
        adjacency[int(j)].append(int(i))
    return tuple(tuple(sorted(a)) for a in adjacency)


def _build_geometry(rng: np.random.Generator, to_metric: Transformer) -> _Geometry:
    center = to_metric.transform(*_CENTER_LONLAT)
    outline = _county_outline(rng, center)
    points = _relax(_seed_points(rng, outline, N_PLANUNGSRAEUME), outline)
    cells = _voronoi_cells(points, outline)
    centroids = shapely.get_coordinates(shapely.centroid(np.asarray(cells, dtype=object)))
    return _Geometry(outline, center, tuple(cells), centroids, _neighbours(cells))


def _to_lonlat(cell: Polygon, to_lonlat: Transformer) -> Polygon:
    """A metric cell as a lon/lat polygon, counter-clockwise (RFC 7946), 5 decimals."""
    coords = np.asarray(cell.exterior.coords)
    lon, lat = to_lonlat.transform(coords[:, 0], coords[:, 1])
    ring = np.round(np.column_stack([lon, lat]), 5)
    # Rounding can merge two vertices of a very short Voronoi edge; drop the repeat.
    keep = np.ones(len(ring), dtype=bool)
    keep[1:] = np.any(ring[1:] != ring[:-1], axis=1)
    polygon = orient(Polygon(ring[keep]), sign=1.0)
    if not polygon.is_valid or polygon.is_empty:
        raise RuntimeError("a Planungsraum polygon became invalid when rounded")
    return polygon


def _normalised(geometry: _Geometry, xy: np.ndarray) -> np.ndarray:
    """Positions relative to the county centre in units of the outline's half axes."""
    return (np.asarray(xy) - np.asarray(geometry.center)) / np.asarray(_HALF_AXES)


# ---------------------------------------------------------------------------------------
# Sozialräume
# ---------------------------------------------------------------------------------------

# Names after the position in the county (x east, y north, outline-normalised); each grown
# region gets the name whose position is nearest. SR01 is the district town's Sozialraum.
_SOZIALRAUM_LAGEN = (
    ("Sozialraum Mitte", (0.0, 0.0)),
    ("Sozialraum Nord", (0.0, 0.65)),
    ("Sozialraum Nordost", (0.5, 0.5)),
    ("Sozialraum Waldhöhen", (0.65, 0.0)),
    ("Sozialraum Oberes Tal", (0.5, -0.5)),
    ("Sozialraum Süd", (0.0, -0.65)),
    ("Sozialraum Südwest", (-0.5, -0.5)),
    ("Sozialraum Rheinebene", (-0.65, 0.0)),
    ("Sozialraum Nordwest", (-0.5, 0.5)),
)
# Latent burden of SR01 ... SR10. Fixed, not drawn, so that the burdened, the less
# burdened and the gap Sozialraum are the same for every seed (tests and docs rely on it).
_SOZIALRAUM_BELASTUNG = (1.0, 0.2, 0.1, -0.45, 0.05, 1.05, 0.15, 0.25, 1.05, -0.4)
_MIN_MEMBERS, _MAX_MEMBERS = 2, 7


def _special_cells(geometry: _Geometry) -> tuple[int, int]:
    """The district town (west of the centre) and the forest area (far east, at the border)."""
    position = _normalised(geometry, geometry.centroids)
    city = int(np.argmin(np.linalg.norm(position - np.asarray(_CITY_POSITION), axis=1)))
    at_border = np.array([cell.exterior.intersection(geometry.outline.exterior).length > 0 for cell in geometry.cells])
    east = np.where(at_border, position[:, 0], -np.inf)
    east[city] = -np.inf
    return city, int(np.argmax(east))


def _grow_regions(geometry: _Geometry, seeds: list[int], inhabitants: np.ndarray) -> np.ndarray | None:
    """Grow one region per seed over the adjacency graph, least populated region first.

    Planners cut Sozialräume to similar populations, so the region with the fewest
    inhabitants takes its nearest free neighbouring cell (regions below the minimum
    number of members first).

    Returns
    -------
    numpy.ndarray or None
        The region of every cell, or ``None`` when a region got stuck below the minimum
        size or cells were left that no region could take.
    """
    n = len(geometry.cells)
    owner = np.full(n, -1)
    sizes = np.zeros(len(seeds), dtype=int)
    people = np.zeros(len(seeds))
    for region, seed in enumerate(seeds):
        owner[seed] = region
        sizes[region] = 1
        people[region] = inhabitants[seed]
    seed_xy = geometry.centroids[seeds]
    while (owner < 0).any():
        best: tuple[int, int] | None = None
        for region in np.lexsort((people, sizes >= _MIN_MEMBERS)):
            if sizes[region] >= _MAX_MEMBERS:
                continue
            frontier = sorted(
                {j for i in np.flatnonzero(owner == region) for j in geometry.neighbours[i] if owner[j] < 0}
            )
            if frontier:
                distance = np.linalg.norm(geometry.centroids[frontier] - seed_xy[region], axis=1)
                best = (int(region), frontier[int(np.argmin(distance))])
                break
        if best is None:
            return None
        owner[best[1]] = best[0]
        sizes[best[0]] += 1
        people[best[0]] += inhabitants[best[1]]
    return owner if sizes.min() >= _MIN_MEMBERS else None


def _sozialraeume(
    rng: np.random.Generator, geometry: _Geometry, city: int, forest: int, inhabitants: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Sozialraum index (0 = SR01) of every cell, and the Sozialraum names.

    Seeds are the district town plus nine cells chosen by farthest-point sampling, so the
    regions spread over the county; every region is contiguous because it only grows
    into neighbouring cells.
    """
    n = len(geometry.cells)
    for attempt in range(200):
        # Later attempts jitter the distances a little to try other seed sets.
        jitter = 1.0 + (rng.uniform(-0.25, 0.25, n) if attempt else np.zeros(n))
        seeds = [city]
        while len(seeds) < N_SOZIALRAEUME:
            distance = np.linalg.norm(geometry.centroids[:, None, :] - geometry.centroids[seeds][None], axis=2)
            score = distance.min(axis=1) * jitter
            score[seeds] = -1.0
            score[forest] = -1.0  # an uninhabited seed would make a region of almost nobody
            seeds.append(int(np.argmax(score)))
        owner = _grow_regions(geometry, seeds, inhabitants)
        if owner is not None:
            break
    else:  # pragma: no cover - never reached for 40 cells
        raise RuntimeError("could not group the Planungsräume into Sozialräume")

    # Name the nine regions besides the town's by their position, nearest pair first.
    position = np.array(
        [_normalised(geometry, geometry.centroids[owner == region].mean(axis=0)) for region in range(1, N_SOZIALRAEUME)]
    )
    targets = np.array([xy for _, xy in _SOZIALRAUM_LAGEN])
    cost = np.linalg.norm(position[:, None, :] - targets[None, :, :], axis=2)
    label_of_region = {0: 0}
    for _ in range(len(targets)):
        region, label = np.unravel_index(int(np.argmin(cost)), cost.shape)
        label_of_region[int(region) + 1] = int(label) + 1
        cost[region, :] = np.inf
        cost[:, label] = np.inf
    sr_index = np.array([label_of_region[int(region)] for region in owner])
    return sr_index, [name for name, _ in _SOZIALRAUM_LAGEN]


def _burden(rng: np.random.Generator, sr_index: np.ndarray, inhabitants: np.ndarray, city: int) -> np.ndarray:
    """Latent burden score per area: the Sozialraum effect plus area noise.

    The noise is centred within each Sozialraum (weighted by inhabitants), so a
    Sozialraum is as burdened as designed and the areas still differ; the town centre
    gets a little extra, as district towns do.
    """
    noise = rng.normal(0.0, 0.2, len(sr_index))
    noise[city] += 0.2
    for region in range(N_SOZIALRAEUME):
        members = sr_index == region
        noise[members] -= np.average(noise[members], weights=inhabitants[members])
    return np.asarray(_SOZIALRAUM_BELASTUNG)[sr_index] + noise


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

# Uncommon stems and endings: the combinations are fictional (checked against nothing but
# common sense, so the stems avoid the usual Kirch-, Stein-, Berg-, Buch-).
_STEMS = (
    "Ahorn", "Eiben", "Ulmen", "Espen", "Holunder", "Ginster", "Quitten", "Mispel", "Sperber", "Kiesel",
    "Wacholder", "Schlehen", "Kranich", "Reiher", "Eulen", "Luchs", "Amsel", "Schwalben", "Brombeer", "Wiesel",
    "Wachtel", "Dohlen", "Meisen", "Hopfen", "Flachs", "Iltis", "Mergel", "Sanddorn", "Wegerich", "Hagebutten",
)  # fmt: skip
_ENDINGS = ("au", "heim", "feld", "hausen", "hofen", "weiler", "stetten", "bronn", "dorf", "reute", "zell", "wang")
_PREFIXES = ("Ober", "Unter", "Nieder", "Hinter")
_QUALIFIERS = (" am Wald", " im Tal", "-Mustertal", " an der Aue", " ob der Steige")
CITY_NAME = "Lindenbrück"
FOREST_NAME = "Staatsforst Hohenwald"
ESZETT_NAME = "Großmühlen"


def _town_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` unique fictional municipality names built from stems and endings."""
    stems = [_STEMS[i] for i in rng.permutation(len(_STEMS))]
    used_endings: dict[str, int] = {}
    names: list[str] = []
    while len(names) < count:
        k = len(names)
        stem = stems[k % len(stems)]
        if k >= len(stems):
            # Second use of a stem: "Oberkieselfeld" next to "Kieselau", as in real life.
            stem = _PREFIXES[k % len(_PREFIXES)] + stem.lower()
        ending = _ENDINGS[int(rng.integers(len(_ENDINGS)))]
        if used_endings.get(ending, 0) >= 4:
            continue
        name = stem + ending
        if rng.random() < 0.15:
            name += _QUALIFIERS[int(rng.integers(len(_QUALIFIERS)))]
        if name in names or name in (CITY_NAME, FOREST_NAME, ESZETT_NAME):
            continue
        used_endings[ending] = used_endings.get(ending, 0) + 1
        names.append(name)
    return names


def _sort_key(name: str) -> str:
    """Alphabetical order as a German reader expects it (umlauts next to their vowel)."""
    folded = name.lower().replace("ß", "ss")
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


# ---------------------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------------------

_FALLJAHRE = np.arange(ERSTES_FALLJAHR, JAHRE[-1] + 1)
# Shares (%) of the age groups in a German Landkreis; under 21 is 20.5 %.
_AGE_SHARES = np.array([2.9, 2.9, 3.8, 3.8, 3.9, 3.2, 6.8, 51.5, 21.2])
# Yearly log change of each group's share: more births after 2014, ageing.
_AGE_TRENDS = np.array([0.010, 0.006, 0.004, 0.0, -0.002, -0.006, -0.006, -0.003, 0.009])
# How strongly burden makes an area younger (positive) or older (negative).
_AGE_BURDEN = np.array([0.10, 0.10, 0.08, 0.08, 0.06, 0.05, 0.05, 0.0, -0.12])


def _inhabitants_2024(rng: np.random.Generator, n: int, city: int, forest: int) -> np.ndarray:
    """Total population per area in 2024: one town of 30,000, villages of 2,000–8,000."""
    sizes = np.exp(rng.normal(math.log(4_300), 0.55, n))
    sizes = np.clip(sizes, 1_600, 16_000)
    others = np.ones(n, dtype=bool)
    others[[city, forest]] = False
    # Scale the villages so the Kreis has about 250,000 inhabitants.
    sizes[others] *= (250_000 - 30_000 - 180) / sizes[others].sum()
    sizes[others] = np.clip(sizes[others], 1_500, 16_000)
    sizes[city] = 30_000 * (1 + rng.normal(0, 0.02))
    sizes[forest] = rng.uniform(150, 220)
    return sizes


def _population(
    rng: np.random.Generator, total_2024: np.ndarray, forest: int, burden: np.ndarray
) -> np.ndarray:
    """Inhabitants per area, year (2010–2024) and age group as integers, shape (n, years, 9)."""
    n = len(total_2024)
    growth = rng.normal(0.005, 0.003, n)
    # A few villages with new housing estates grow faster.
    growth[rng.choice(n, size=4, replace=False)] += 0.012
    growth[forest] = 0.0  # forest workers' houses: no new building, stays far below 300
    t = (_FALLJAHRE - 2024)[None, :]
    wiggle = np.cumsum(rng.normal(0.0, 0.002, (n, len(_FALLJAHRE))), axis=1)
    wiggle -= wiggle[:, -1:]
    totals = total_2024[:, None] * (1 + growth[:, None]) ** t * np.exp(wiggle)

    area_effect = burden[:, None] * _AGE_BURDEN[None, :] + rng.normal(0.0, 0.05, (n, len(ALTERSGRUPPEN)))
    years_since = (_FALLJAHRE - 2014)[None, :, None]
    log_shares = (
        np.log(_AGE_SHARES)[None, None, :]
        + area_effect[:, None, :]
        + _AGE_TRENDS[None, None, :] * years_since
        + rng.normal(0.0, 0.01, (n, len(_FALLJAHRE), len(ALTERSGRUPPEN)))
    )
    shares = np.exp(log_shares)
    shares /= shares.sum(axis=2, keepdims=True)
    return np.rint(totals[:, :, None] * shares).astype(np.int64)


# ---------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hilfe:
    """How one kind of help is generated.

    ``rate`` is the Inanspruchnahme per 1,000 under 21 around 2019, or for §42 and §8a
    the number of cases per 1,000 under 18 and year. ``burden`` is the elasticity of the
    rate to the latent burden score.
    """

    code: str
    rate: float
    months: float
    shape: float
    burden: float
    settings: tuple[tuple[str, float], ...]
    ages: tuple[int, int, int]  # youngest, oldest, most frequent age at the start
    male: float
    per_u18: bool = False
    max_days: int | None = None


_AMB = ((AMBULANT, 1.0),)
_TEIL = ((TEILSTATIONAER, 1.0),)
_STAT = ((STATIONAER, 1.0),)
_OHNE: tuple[tuple[str, float], ...] = ()

HILFEN: tuple[_Hilfe, ...] = (
    _Hilfe("§ 27.2", 3.0, 10, 1.4, 0.7, ((AMBULANT, 0.7), (STATIONAER, 0.3)), (0, 17, 8), 0.55),
    _Hilfe("§ 28", 22.0, 6, 1.5, 0.15, _AMB, (3, 17, 9), 0.52),
    _Hilfe("§ 29", 1.5, 10, 2.0, 0.5, _AMB, (8, 15, 11), 0.65),
    _Hilfe("§ 30", 4.0, 14, 1.6, 0.55, _AMB, (10, 17, 14), 0.62),
    _Hilfe("§ 31", 7.0, 16, 1.6, 0.6, _AMB, (0, 15, 6), 0.52),
    _Hilfe("§ 32", 1.5, 20, 2.0, 0.6, _TEIL, (6, 13, 9), 0.75),
    _Hilfe("§ 33", 4.0, 40, 1.1, 0.9, _STAT, (0, 15, 4), 0.50),
    _Hilfe("§ 34", 5.0, 22, 1.3, 1.0, _STAT, (6, 17, 15), 0.57),
    _Hilfe("§ 35", 0.4, 12, 1.5, 0.9, ((AMBULANT, 0.2), (STATIONAER, 0.8)), (13, 17, 16), 0.60),
    _Hilfe("§ 35a", 6.0, 18, 1.5, 0.25, ((AMBULANT, 0.65), (TEILSTATIONAER, 0.10), (STATIONAER, 0.25)),
           (5, 17, 10), 0.68),
    _Hilfe("§ 41", 2.0, 14, 1.6, 0.8, ((AMBULANT, 0.4), (STATIONAER, 0.6)), (18, 20, 18), 0.55),
    _Hilfe("§ 42", 2.5, 1.0, 0.8, 0.8, _OHNE, (0, 17, 15), 0.60, per_u18=True, max_days=365),
    _Hilfe("§ 8a", 5.0, 0.5, 1.2, 0.8, _OHNE, (0, 17, 5), 0.51, per_u18=True, max_days=61),
)
"""The help codes as the files write them, with their generation parameters."""

_GROWTH = 1.03  # starts per year grow 3 % (plus population growth)
# Fewer new helps in the first pandemic years (contacts, schools closed).
_PANDEMIE = {2020: 0.88, 2021: 0.96}
_DAYS_PER_MONTH = 30.44


def _starts_per_year(hilfe: _Hilfe) -> float:
    """Starts per 1,000 and year in 2019 that give ``hilfe.rate`` as Inanspruchnahme 2019.

    A case counts in a year when it runs into it, so with starts growing by ``g`` a year
    and gamma distributed durations D (years) the Inanspruchnahme is
    ``starts * ((1 - 1/g) + (1 - E[g^-D]) / g) / ln g`` with ``E[g^-D] = (1 + theta ln g)^-k``.
    """
    if hilfe.per_u18:
        return hilfe.rate
    a = math.log(_GROWTH)
    theta = hilfe.months / 12 / hilfe.shape
    laplace = (1 + theta * a) ** -hilfe.shape
    return hilfe.rate / (((1 - 1 / _GROWTH) + (1 - laplace) / _GROWTH) / a)


def _cases(rng: np.random.Generator, population: np.ndarray, burden: np.ndarray) -> dict[str, np.ndarray]:
    """All cases as arrays (area, code index, setting, beginn, ende, geburtsjahr, geschlecht)."""
    u21 = population[:, :, _U21_GROUPS].sum(axis=2)
    u18 = population[:, :, _U18_GROUPS].sum(axis=2)
    weights = u21[:, list(_FALLJAHRE).index(2019)] / u21[:, list(_FALLJAHRE).index(2019)].sum()
    trend = np.array([_GROWTH ** (y - 2019) * _PANDEMIE.get(int(y), 1.0) for y in _FALLJAHRE])
    year_start = np.array([np.datetime64(f"{y}-01-01") for y in _FALLJAHRE])
    year_days = np.array([366 if y % 4 == 0 else 365 for y in _FALLJAHRE])

    parts: list[dict[str, np.ndarray]] = []
    for code_index, hilfe in enumerate(HILFEN):
        # Burden raises the rate; normalised so the Kreis keeps the target rate.
        multiplier = np.exp(hilfe.burden * burden)
        multiplier /= (weights * multiplier).sum()
        base = u18 if hilfe.per_u18 else u21
        expected = _starts_per_year(hilfe) / 1000 * multiplier[:, None] * base * trend[None, :]
        counts = rng.poisson(expected)
        area, year = np.nonzero(counts)
        repeat = counts[area, year]
        area, year = np.repeat(area, repeat), np.repeat(year, repeat)
        size = len(area)

        beginn = year_start[year] + rng.integers(0, year_days[year]).astype("timedelta64[D]")
        mean_days = hilfe.months * _DAYS_PER_MONTH
        days = np.floor(rng.gamma(hilfe.shape, mean_days / hilfe.shape, size)).astype(np.int64)
        if hilfe.max_days is not None:
            days = np.minimum(days, hilfe.max_days)
        ende = beginn + days.astype("timedelta64[D]")

        if hilfe.settings:
            labels = np.array([s for s, _ in hilfe.settings], dtype=object)
            probabilities = np.array([p for _, p in hilfe.settings])
            setting = labels[rng.choice(len(labels), size=size, p=probabilities)]
        else:
            setting = np.full(size, None, dtype=object)

        youngest, oldest, mode = hilfe.ages
        age = np.minimum(np.floor(rng.triangular(youngest, mode + 0.5, oldest + 1, size)), oldest).astype(np.int64)
        sex_draw = rng.random(size)
        geschlecht = np.where(sex_draw < 0.004, "d", np.where(sex_draw < 0.004 + hilfe.male * 0.996, "m", "w"))

        parts.append(
            {
                "area": area,
                "code": np.full(size, code_index),
                "setting": setting,
                "beginn": beginn,
                "ende": ende,
                "geburtsjahr": _FALLJAHRE[year] - age,
                "geschlecht": geschlecht.astype(object),
                "cost_noise": np.exp(rng.normal(0.0, 0.12, size)),
            }
        )
    cases = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    # Ties on the same day are ordered by area and code; lexsort is stable beyond that.
    order = np.lexsort((cases["code"], cases["area"], cases["beginn"]))
    return {key: value[order] for key, value in cases.items()}


# --- the case structure: young people, main reasons, endings (their own random stream) -------------
# The texts as case management software writes them; the reader maps them to the Destatis categories.
_HAUPTGRUENDE = (
    "Unversorgtheit des jungen Menschen",
    "Unzureichende Förderung/Betreuung/Versorgung des jungen Menschen in der Familie",
    "Gefährdung des Kindeswohls",
    "Eingeschränkte Erziehungskompetenz der Eltern/Personensorgeberechtigten",
    "Belastungen des jungen Menschen durch Problemlagen der Eltern",
    "Belastungen des jungen Menschen durch familiäre Konflikte",
    "Auffälligkeiten im sozialen Verhalten (dissoziales Verhalten) des jungen Menschen",
    "Entwicklungsauffälligkeiten/seelische Probleme des jungen Menschen",
    "Schulische/berufliche Probleme des jungen Menschen",
    "Übernahme von einem anderen Jugendamt wegen Zuständigkeitswechsel",
)
_EIGENER_GRUND = "Trennung/Scheidung der Eltern"  # names no official category: kept as its own
# Weights of the main reasons per help (in the order of _HAUPTGRUENDE), after the Destatis shares.
_GRUND_GEWICHTE = {
    "§ 27.2": (2, 10, 8, 20, 10, 18, 12, 10, 6, 4),
    "§ 28": (0, 3, 2, 15, 8, 45, 8, 14, 5, 0),
    "§ 29": (0, 5, 1, 8, 4, 10, 40, 12, 20, 0),
    "§ 30": (1, 6, 3, 12, 8, 15, 30, 10, 15, 0),
    "§ 31": (2, 15, 12, 35, 15, 12, 3, 4, 2, 0),
    "§ 32": (1, 8, 4, 18, 8, 10, 25, 16, 10, 0),
    "§ 33": (15, 20, 35, 8, 12, 2, 1, 2, 1, 4),
    "§ 34": (10, 10, 25, 8, 10, 10, 15, 7, 3, 2),
    "§ 35": (8, 5, 10, 5, 5, 10, 35, 12, 10, 0),
    "§ 35a": (0, 2, 1, 2, 2, 5, 10, 70, 8, 0),
    "§ 41": (5, 8, 5, 2, 8, 10, 15, 20, 25, 2),
}
_GEMAESS = "Beendigung gemäß Hilfeplan"
_ABBRUCH = ("Abbruch durch die Sorgeberechtigten", "Abbruch durch den jungen Menschen",
            "Beendigung abweichend vom Hilfeplan durch die Einrichtung")
_SONSTIG = ("Abgabe an ein anderes Jugendamt (Zuständigkeitswechsel)", "sonstige Gründe")
_ADOPTION = "Adoption"
_FOLGEHILFE = 0.18  # chance that a help goes to a young person who had a help before (same area, age, sex)


def _fallmerkmale(rng: np.random.Generator, cases: dict[str, np.ndarray], burden: np.ndarray) -> dict[str, np.ndarray]:
    """Person ids, main reasons and endings of the cases, from their own stream (the other columns stay
    as they were for a seed): some young people have several helps (a later help in the same area, birth
    year and sex continues an earlier person's), reasons follow the help and the age, breaks are more
    frequent in burdened areas and in the homes of teenagers."""
    codes = np.array([h.code for h in HILFEN], dtype=object)[cases["code"]]
    n = len(codes)
    hilfe = ~np.isin(codes, ["§ 42", "§ 8a"])
    alter = (cases["beginn"].astype("datetime64[Y]").astype(np.int64) + 1970) - cases["geburtsjahr"]
    # Young people: within area × birth year × sex, in order of Beginn, a help continues the one before.
    person = np.arange(n)
    key = pd.factorize(pd.MultiIndex.from_arrays([cases["area"], cases["geburtsjahr"], cases["geschlecht"]]))[0]
    folge = rng.random(n) < _FOLGEHILFE
    letzter: dict[int, int] = {}
    for i in range(n):  # cases are in order of Beginn
        k = int(key[i])
        if folge[i] and k in letzter:
            person[i] = person[letzter[k]]
        letzter[k] = i
    nummer = {p: j + 1 for j, p in enumerate(dict.fromkeys(person.tolist()))}
    person_id = np.array([f"P-{nummer[p]:06d}" for p in person], dtype=object)

    grund = np.full(n, "", dtype=object)
    for code, gewichte in _GRUND_GEWICHTE.items():
        rows = np.flatnonzero(codes == code)
        w = np.tile(np.asarray(gewichte, dtype=float), (len(rows), 1))
        w[alter[rows] >= 14, 6] *= 1.5
        w[alter[rows] >= 14, 8] *= 1.5
        w[alter[rows] < 6, :3] *= 1.5
        w[np.ix_(alter[rows] < 6, [6, 8])] *= 0.2
        w[:, 1:3] *= np.exp(0.4 * burden[cases["area"][rows]])[:, None]
        w /= w.sum(axis=1, keepdims=True)
        wahl = (rng.random(len(rows))[:, None] > np.cumsum(w, axis=1)).sum(axis=1)
        grund[rows] = np.array(_HAUPTGRUENDE, dtype=object)[np.minimum(wahl, len(_HAUPTGRUENDE) - 1)]
    zufall = rng.random(n)
    grund[hilfe & (zufall < 0.005)] = _EIGENER_GRUND
    grund[hilfe & (zufall >= 0.005) & (zufall < 0.02)] = ""  # ohne Angabe

    ende = np.full(n, "", dtype=object)
    beendet = hilfe & (cases["ende"] <= LETZTER_TAG)
    abbruch = np.where(codes == "§ 28", 0.15, 0.26)
    abbruch = np.where(np.isin(codes, ["§ 34", "§ 35", "§ 41"]) & (alter >= 14), 0.36, abbruch)
    abbruch = np.minimum(abbruch * np.exp(0.3 * burden[cases["area"]]), 0.6)
    sonstig = np.where(codes == "§ 33", 0.14, 0.1)
    wurf = rng.random(n)
    art = np.where(wurf < abbruch, 1, np.where(wurf < abbruch + sonstig, 2, 0))
    variante = rng.integers(0, 3, n)
    ende[beendet & (art == 0)] = _GEMAESS
    ende[beendet & (art == 1)] = np.array(_ABBRUCH, dtype=object)[variante[beendet & (art == 1)]]
    ende[beendet & (art == 2)] = np.array(_SONSTIG, dtype=object)[variante[beendet & (art == 2)] % 2]
    ende[beendet & (art == 2) & (codes == "§ 33") & (variante == 2)] = _ADOPTION
    ende[beendet & (rng.random(n) < 0.01)] = ""  # ohne Angabe
    return {"person_id": person_id, "hauptgrund": np.where(hilfe, grund, ""), "beendigungsgrund": ende}


def _faelle_frame(cases: dict[str, np.ndarray], raum_ids: list[str]) -> pd.DataFrame:
    codes = np.array([h.code for h in HILFEN], dtype=object)
    ende = cases["ende"].copy()
    # Cases still running at the end of the data are open: no end date.
    ende[ende > LETZTER_TAG] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "fall_id": [f"F-{i:06d}" for i in range(1, len(ende) + 1)],
            "raum_id": np.asarray(raum_ids, dtype=object)[cases["area"]],
            "hilfeart": codes[cases["code"]],
            "setting": cases["setting"],
            "beginn": pd.to_datetime(cases["beginn"]),
            "ende": pd.to_datetime(ende),
            "geburtsjahr": cases["geburtsjahr"].astype(np.int64),
            "geschlecht": cases["geschlecht"],
            "person_id": cases["person_id"],
            "hauptgrund": cases["hauptgrund"],
            "beendigungsgrund": cases["beendigungsgrund"],
        }
    )


# ---------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------

# Yearly cost of one case in 2019 (EUR) by help code and setting; §42 is paid per day.
_JAHRESKOSTEN = {
    ("§ 27.2", AMBULANT): 10_000,
    ("§ 27.2", STATIONAER): 45_000,
    ("§ 28", AMBULANT): 1_500,
    ("§ 29", AMBULANT): 6_000,
    ("§ 30", AMBULANT): 9_000,
    ("§ 31", AMBULANT): 14_000,
    ("§ 32", TEILSTATIONAER): 28_000,
    ("§ 33", STATIONAER): 20_000,
    ("§ 34", STATIONAER): 65_000,
    ("§ 35", AMBULANT): 15_000,
    ("§ 35", STATIONAER): 55_000,
    ("§ 35a", AMBULANT): 12_000,
    ("§ 35a", TEILSTATIONAER): 30_000,
    ("§ 35a", STATIONAER): 70_000,
    ("§ 41", AMBULANT): 12_000,
    ("§ 41", STATIONAER): 55_000,
    ("§ 42", None): 180 * 365,
}
_COST_GROWTH = 1.03


def _kosten_frame(cases: dict[str, np.ndarray], raum_ids: list[str]) -> pd.DataFrame:
    """Cost per year, area and help code: days active in the year times a daily rate."""
    codes = [h.code for h in HILFEN]
    annual = np.array(
        [_JAHRESKOSTEN.get((codes[c], s), 0.0) for c, s in zip(cases["code"], cases["setting"])], dtype=float
    )
    daily = annual / 365 * cases["cost_noise"]
    # Open cases run up to the last day of the data.
    ende = np.minimum(cases["ende"], LETZTER_TAG)
    frames = []
    for jahr in JAHRE:
        first, last = np.datetime64(f"{jahr}-01-01"), np.datetime64(f"{jahr}-12-31")
        days = (np.minimum(ende, last) - np.maximum(cases["beginn"], first)).astype(np.int64) + 1
        active = (days > 0) & (annual > 0)
        frames.append(
            pd.DataFrame(
                {
                    "jahr": jahr,
                    "area": cases["area"][active],
                    "code": cases["code"][active],
                    "betrag": days[active] * daily[active] * _COST_GROWTH ** (jahr - 2019),
                }
            )
        )
    summed = pd.concat(frames).groupby(["jahr", "area", "code"], sort=True)["betrag"].sum().reset_index()
    return pd.DataFrame(
        {
            "jahr": summed["jahr"].astype(np.int64),
            "raum_id": np.asarray(raum_ids, dtype=object)[summed["area"].to_numpy()],
            "hilfeart": np.asarray(codes, dtype=object)[summed["code"].to_numpy()],
            "betrag": summed["betrag"].round(2),
        }
    )


# ---------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Indikator:
    """One social indicator and how its values are drawn.

    The area level is ``rho * burden + noise`` (standardised) and is mapped to the
    indicator's scale by ``scale``: ``"log"`` for quotas (``mid * exp(spread * level)``,
    right-skewed like real quotas), ``"logit"`` for an index between 0 and 1, and
    ``"linear"`` otherwise (``mid + spread * level``).
    """

    id: str
    einheit: str
    richtung: str
    scale: str
    mid: float
    spread: float
    rho: float  # correlation of the area level with the burden score
    low: float
    high: float
    decimals: int
    years: tuple[float, ...]  # Kreis-wide change (in the indicator's unit), 2014 ... 2024


INDIKATOREN: tuple[_Indikator, ...] = (
    # SGB II quota: up after 2015 (refugee families), down to 2019, up again with the pandemic.
    _Indikator("sgb2_quote_u15", "%", "hoch=bedarf", "log", 8.5, 0.45, 0.9, 2.5, 28.0, 1,
               (0.6, 0.7, 1.0, 1.1, 0.7, 0.0, 0.3, 0.1, 0.4, 0.6, 0.7)),
    _Indikator("alleinerziehende_anteil", "%", "hoch=bedarf", "log", 17.5, 0.2, 0.8, 8.0, 35.0, 1,
               tuple(0.1 * (y - 2019) for y in JAHRE)),
    _Indikator("arbeitslosenquote", "%", "hoch=bedarf", "log", 4.0, 0.3, 0.85, 1.5, 11.0, 1,
               (0.7, 0.6, 0.5, 0.3, 0.1, 0.0, 0.6, 0.4, 0.1, 0.3, 0.5)),
    _Indikator("migration_u18_anteil", "%", "hoch=bedarf", "log", 29.0, 0.25, 0.75, 10.0, 65.0, 1,
               tuple(0.8 * (y - 2019) for y in JAHRE)),
    _Indikator("gisd_score", "Index", "hoch=bedarf", "logit", 0.5, 0.9, 0.85, 0.0, 1.0, 3, (0.0,) * len(JAHRE)),
    _Indikator("wohnflaeche_je_einwohner", "m²", "niedrig=bedarf", "linear", 45.0, 3.5, -0.8, 32.0, 60.0, 1,
               tuple(0.2 * (y - 2019) for y in JAHRE)),
)  # fmt: skip
"""The indicators with their generation parameters."""


def _scaled(ind: _Indikator, level: np.ndarray) -> np.ndarray:
    if ind.scale == "log":
        return ind.mid * np.exp(ind.spread * level)
    if ind.scale == "logit":
        return 1 / (1 + np.exp(-(math.log(ind.mid / (1 - ind.mid)) + ind.spread * level)))
    return ind.mid + ind.spread * level


def _indikatoren_frame(
    rng: np.random.Generator, burden: np.ndarray, raum_ids: list[str], forest: int
) -> pd.DataFrame:
    """Indicator values per year and area, driven by the burden score plus noise.

    The area level is fixed and the yearly noise is a small random walk, so a series
    moves smoothly; the forest's SGB II quota is secret (missing, written as ``.``).
    """
    n = len(burden)
    score = (burden - burden.mean()) / burden.std()
    values = np.empty((len(INDIKATOREN), len(JAHRE), n))
    for k, ind in enumerate(INDIKATOREN):
        level = ind.rho * score + math.sqrt(1 - ind.rho**2) * rng.normal(0.0, 1.0, n)
        walk = np.cumsum(rng.normal(0.0, 0.04, (len(JAHRE), n)), axis=0)
        series = _scaled(ind, level[None, :] + walk) + np.asarray(ind.years)[:, None]
        # The clip is a safety net only; the scales keep values in range.
        values[k] = np.round(np.clip(series, ind.low, ind.high), ind.decimals)
    rows = []
    for y, jahr in enumerate(JAHRE):
        for a, raum_id in enumerate(raum_ids):
            for k, ind in enumerate(INDIKATOREN):
                wert = float(values[k, y, a])
                if a == forest and ind.id == "sgb2_quote_u15":
                    wert = math.nan
                rows.append((jahr, raum_id, ind.id, wert, ind.einheit, ind.richtung))
    return pd.DataFrame(rows, columns=["jahr", "raum_id", "indikator", "wert", "einheit", "richtung"])


# ---------------------------------------------------------------------------------------
# Offers
# ---------------------------------------------------------------------------------------

# How many areas get an offer of each type (at most one per type and area, apart from the
# two deliberate double structures); Kitas go to every inhabited area.
_ANGEBOTE_ANZAHL = {"Familienzentrum": 13, "Jugendtreff": 23, "Schulsozialarbeit": 26, "Beratungsstelle": 8,
                    "Frühe Hilfen": 9}  # fmt: skip
_KITA_NAMES = ("Sonnenschein", "Regenbogen", "Löwenzahn", "Pusteblume", "Arche Noah", "Wirbelwind",
               "Sternschnuppe", "Kunterbunt", "Schatzkiste", "Wiesenzwerge", "Spatzennest", "Zwergenland")  # fmt: skip
_SCHULEN = (("Grundschule", 6, 10), ("Gemeinschaftsschule", 10, 16), ("Realschule", 10, 17), ("Gymnasium", 10, 19))
_FREIE_TRAEGER = ("Diakonisches Werk Musterkreis", "Caritasverband Musterkreis e. V.",
                  "AWO Kreisverband Musterkreis e. V.", "Verein Jugendhilfe e. V.")  # fmt: skip
_JUGENDAMT = "Landratsamt Musterkreis – Jugendamt"


@dataclass(frozen=True)
class _OfferContext:
    """What the offer generator needs to know about the areas (in raum_id order)."""

    names: list[str]
    raum_ids: list[str]
    cells: list[Polygon]
    lonlat: list[Polygon]
    to_lonlat: Transformer
    sr_index: np.ndarray
    inhabitants: np.ndarray
    under6: np.ndarray
    burden: np.ndarray
    city: int
    forest: int


def _point_in(rng: np.random.Generator, cell: Polygon, lonlat: Polygon, to_lonlat: Transformer) -> tuple[float, float]:
    """A random point (lat, lon, 5 decimals) well inside ``cell`` and its rounded twin."""
    inner = cell.buffer(-300.0)
    minx, miny, maxx, maxy = inner.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(inner, x, y):
            continue
        lon, lat = to_lonlat.transform(x, y)
        lon, lat = round(float(lon), 5), round(float(lat), 5)
        if shapely.contains_xy(lonlat, lon, lat):
            return lat, lon


def _date_in(rng: np.random.Generator, first: int, last: int) -> pd.Timestamp:
    year = int(rng.integers(first, last + 1))
    return pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 365)))


def _angebote_frame(rng: np.random.Generator, context: _OfferContext) -> pd.DataFrame:
    """About 120 offers: every type at most once per area except two double structures.

    The gap Sozialraum only gets its Kitas and one school social work project.
    """
    n = len(context.names)
    inhabited = np.array([a != context.forest for a in range(n)])
    gap = context.sr_index == int(ANGEBOTSLUECKE[2:]) - 1
    size_score = np.log(np.maximum(context.inhabitants, 1)) + rng.normal(0.0, 0.35, n)
    rows: list[dict[str, Any]] = []

    def add(area: int, typ: str, name: str, traeger: str, plaetze: int | None, ages: tuple[int, int],
            seit: tuple[int, int]) -> None:  # fmt: skip
        lat, lon = _point_in(rng, context.cells[area], context.lonlat[area], context.to_lonlat)
        rows.append({"name": name, "typ": typ, "traeger": traeger, "area": area, "plaetze": plaetze,
                     "alter_von": ages[0], "alter_bis": ages[1], "lat": lat, "lon": lon,
                     "seit": _date_in(rng, *seit), "bis": pd.NaT})  # fmt: skip

    def municipality(area: int) -> str:
        return f"Stadt {context.names[area]}" if area == context.city else f"Gemeinde {context.names[area]}"

    # Kitas: one entry per inhabited area with places for 75-95 % of the under 6, so that
    # coverage can be compared; where that is more than one Kita holds, it is a Verbund.
    for area in np.flatnonzero(inhabited):
        town = context.names[area]
        places = max(20, int(round(context.under6[area] * rng.uniform(0.75, 0.95) / 5) * 5))
        if area == context.city:
            name, traeger = f"Kindertagesstätten der Stadt {town} (Verbund)", municipality(area)
        elif places > 220:
            name, traeger = f"Kita-Verbund {town}", municipality(area)
        else:
            name = f"Kita {_KITA_NAMES[int(rng.integers(len(_KITA_NAMES)))]} ({town})"
            traeger = (municipality(area), f"Evangelische Kirchengemeinde {town}",
                       f"Katholische Kirchengemeinde {town}", "AWO Kreisverband Musterkreis e. V.",
                       "DRK Kreisverband Musterkreis e. V.")[int(rng.integers(5))]  # fmt: skip
        add(int(area), "Kita", name, traeger, places, (0, 6), (1965, 2016))

    chosen: dict[str, list[int]] = {}
    for typ, count in _ANGEBOTE_ANZAHL.items():
        need = context.burden if typ in ("Familienzentrum", "Frühe Hilfen", "Jugendtreff") else 0.0
        score = np.where(inhabited & ~gap, size_score + 0.8 * need, -np.inf)
        if typ == "Schulsozialarbeit":
            # The gap Sozialraum keeps one project at the school of its largest village.
            largest_in_gap = int(np.argmax(np.where(gap & inhabited, context.inhabitants, -1)))
            score[largest_in_gap] = np.inf
        order = np.argsort(-score, kind="stable")
        chosen[typ] = sorted(int(a) for a in order[:count])

    for area in chosen["Familienzentrum"]:
        add(area, "Familienzentrum", f"Familienzentrum {context.names[area]}",
            _FREIE_TRAEGER[int(rng.integers(3))] if rng.random() < 0.6 else municipality(area),
            int(rng.integers(8, 30)) * 5, (0, 12), (2008, 2020))  # fmt: skip
    for k, area in enumerate(chosen["Jugendtreff"]):
        kind = ("Jugendtreff", "Jugendhaus", "Offener Treff")[int(rng.integers(3))]
        name = MARKUP_NAME if k == 1 else f"{kind} {context.names[area]}"
        verein = ("Verein Jugendhilfe e. V.", "Kreisjugendring Musterkreis e. V.")[k % 2]
        traeger = municipality(area) if rng.random() < 0.6 else verein
        add(area, "Jugendtreff", name, traeger, int(rng.integers(4, 17)) * 5, (12, 18), (1985, 2018))
    for area in chosen["Schulsozialarbeit"]:
        big = context.inhabitants[area] > 8_000
        schule, von, bis = _SCHULEN[int(rng.integers(1, 4))] if big else _SCHULEN[0]
        pupils = int(rng.integers(150, 900 if big else 300))
        add(area, "Schulsozialarbeit", f"Schulsozialarbeit {schule} {context.names[area]}",
            _FREIE_TRAEGER[int(rng.integers(4))], pupils, (von, bis), (2005, 2022))  # fmt: skip
    for area in chosen["Beratungsstelle"]:
        name = ("Psychologische Beratungsstelle Musterkreis" if area == context.city
                else f"Erziehungsberatung Außenstelle {context.names[area]}")  # fmt: skip
        traeger = _JUGENDAMT if area == context.city else _FREIE_TRAEGER[int(rng.integers(2))]
        add(area, "Beratungsstelle", name, traeger, None, (0, 27), (1975, 2005))
    for area in chosen["Frühe Hilfen"]:
        add(area, "Frühe Hilfen", f"Frühe Hilfen {context.names[area]}",
            _JUGENDAMT if rng.random() < 0.5 else "Kinderschutzbund Musterkreis e. V.",
            int(rng.integers(10, 41)), (0, 3), (2012, 2020))  # fmt: skip

    # Two possible double structures: same type, same area, overlapping ages.
    add(context.city, "Jugendtreff", f"Jugendcafé Bahnhofstraße {context.names[context.city]}",
        "Verein Jugendhilfe e. V.", 40, (14, 21), (2019, 2022))  # fmt: skip
    others = [a for a in chosen["Frühe Hilfen"] if a != context.city]
    second = max(others, key=lambda a: (context.inhabitants[a], -a))
    add(second, "Frühe Hilfen", f"Familienhebammen-Sprechstunde {context.names[second]}",
        "Diakonisches Werk Musterkreis", 25, (0, 1), (2016, 2021))  # fmt: skip

    frame = pd.DataFrame(rows)
    # Two offers have closed and one project is funded for a limited time.
    for typ, bis in (("Jugendtreff", pd.Timestamp(2021, 8, 31)), ("Familienzentrum", pd.Timestamp(2022, 12, 31)),
                     ("Schulsozialarbeit", pd.Timestamp(2025, 7, 31))):  # fmt: skip
        candidates = (frame["typ"] == typ) & (frame["seit"] < bis - pd.Timedelta(days=365))
        candidates &= (frame["area"] != context.city) & (frame["name"] != MARKUP_NAME)
        frame.loc[frame.index[candidates][int(rng.integers(candidates.sum()))], "bis"] = bis

    frame["raum_id"] = np.asarray(context.raum_ids, dtype=object)[frame["area"].to_numpy()]
    frame["typ_order"] = frame["typ"].map({t: i for i, t in enumerate(ANGEBOTSTYPEN)})
    frame = frame.sort_values(["raum_id", "typ_order"], kind="stable").reset_index(drop=True)
    frame.insert(0, "angebot_id", [f"A-{i:03d}" for i in range(1, len(frame) + 1)])
    frame["plaetze"] = frame["plaetze"].astype("Int64")
    columns = ["angebot_id", "name", "typ", "traeger", "raum_id", "plaetze", "alter_von", "alter_bis",
               "lat", "lon", "seit", "bis"]  # fmt: skip
    # Day precision, like the case dates.
    frame["seit"] = pd.to_datetime(frame["seit"]).astype("datetime64[s]")
    frame["bis"] = pd.to_datetime(frame["bis"]).astype("datetime64[s]")
    return frame[columns]


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------


# eq=False: comparing two instances field by field would compare DataFrames with "==",
# which is ambiguous; tests compare the frames one by one instead.
@dataclass(frozen=True, eq=False)
class DemoKreis:
    """The synthetic Musterkreis: every table of the dashboard's input folder.

    Attributes
    ----------
    zuordnung : pandas.DataFrame
        ``raum_id, name, sozialraum_id, sozialraum_name``; one row per Planungsraum.
    bevoelkerung : pandas.DataFrame
        ``jahr, raum_id, altersgruppe, anzahl`` for 2014–2024 (Stichtag 31.12.).
    faelle : pandas.DataFrame
        ``fall_id, raum_id, hilfeart, setting, beginn, ende, geburtsjahr, geschlecht, person_id,
        hauptgrund, beendigungsgrund``; ``ende`` is ``NaT`` for cases open at 31.12.2024, ``setting``
        missing for §42/§8a, ``hauptgrund`` and ``beendigungsgrund`` empty for them (and for open helps
        the ending).
    kosten : pandas.DataFrame
        ``jahr, raum_id, hilfeart, betrag`` (EUR) derived from the cases.
    indikatoren : pandas.DataFrame
        ``jahr, raum_id, indikator, wert, einheit, richtung`` (long format); a missing
        ``wert`` is the secret value, written as ``.``.
    angebote : pandas.DataFrame
        ``angebot_id, name, typ, traeger, raum_id, plaetze, alter_von, alter_bis, lat,
        lon, seit, bis``.
    gebiete : dict
        GeoJSON FeatureCollection, one Polygon (lon/lat) per Planungsraum with the
        properties ``raum_id`` and ``name``.
    vergleichswerte : pandas.DataFrame
        ``jahr, bezug, kennzahl, hilfeart, wert, quelle``: invented reference values of other
        regions, their source saying so (:data:`VERGLEICH_QUELLE`).
    """

    zuordnung: pd.DataFrame
    bevoelkerung: pd.DataFrame
    faelle: pd.DataFrame
    kosten: pd.DataFrame
    indikatoren: pd.DataFrame
    angebote: pd.DataFrame
    gebiete: dict[str, Any]
    vergleichswerte: pd.DataFrame


# The demo's reference values are invented: plausible beside the Musterkreis, never official.
VERGLEICH_QUELLE = "Beispielwerte (Demo, erfunden, keine amtlichen Zahlen)"


def _vergleichswerte_frame() -> pd.DataFrame:
    """Reference values of a fictional Land, a ring of similar Kreise and the Bund (a fixed formula, no random
    draw: the other tables' streams stay as they are). The Bund is given per 10,000 (AKJStat style), the others
    per 1,000 under 21 (KVJS style); Anteil stationär of the HzE and Ausgaben je Jugendeinwohner for the Land."""
    land, ring, bund = "Musterland (Beispiel)", "Ähnliche Kreise (Beispiel)", "Bund (Beispiel)"
    rows = []
    for k, jahr in enumerate(JAHRE):
        rows.append((jahr, land, "eckwert_je_1000_u21", "Hilfen gesamt", round(45.0 + 1.25 * k + 0.4 * (k % 3), 1)))
        rows.append((jahr, ring, "eckwert_je_1000_u21", "Hilfen gesamt", round(49.5 + 1.05 * k - 0.3 * (k % 2), 1)))
        rows.append((jahr, land, "eckwert_je_1000_u21", "HzE stationär", round(9.6 + 0.2 * k, 1)))
    for k, jahr in enumerate(JAHRE[-6:]):
        rows.append((jahr, land, "anteil_stationaer", "HzE", round(24.6 + 0.3 * k - 0.2 * (k % 2), 1)))
        rows.append((jahr, land, "ausgaben_je_jugendeinwohner_u21", "Hilfen gesamt", round(548.0 + 31.5 * k, 2)))
    for k, jahr in enumerate(JAHRE[-3:]):
        rows.append((jahr, bund, "eckwert_je_10000_u21", "Hilfen gesamt", round(531.0 + 14.0 * k, 0)))
    frame = pd.DataFrame(rows, columns=["jahr", "bezug", "kennzahl", "hilfeart", "wert"])
    return frame.assign(quelle=VERGLEICH_QUELLE)


def _bevoelkerung_frame(population: np.ndarray, raum_ids: list[str]) -> pd.DataFrame:
    first = list(_FALLJAHRE).index(JAHRE[0])
    rows = [
        (jahr, raum_id, gruppe, int(population[a, first + y, g]))
        for y, jahr in enumerate(JAHRE)
        for a, raum_id in enumerate(raum_ids)
        for g, gruppe in enumerate(ALTERSGRUPPEN)
    ]
    return pd.DataFrame(rows, columns=["jahr", "raum_id", "altersgruppe", "anzahl"])


def _gebiete(raum_ids: list[str], names: list[str], lonlat: list[Polygon]) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "properties": {"raum_id": raum_id, "name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[float(x), float(y)] for x, y in polygon.exterior.coords]],
            },
        }
        for raum_id, name, polygon in zip(raum_ids, names, lonlat)
    ]
    return {"type": "FeatureCollection", "features": features}


def generate_demo(seed: int = DEFAULT_SEED) -> DemoKreis:
    """Generate the synthetic demo county "Musterkreis".

    Parameters
    ----------
    seed : int, optional
        Seed of ``numpy.random.default_rng``; the same seed gives identical tables.

    Returns
    -------
    DemoKreis
        All tables of the demo county, in memory.

    Examples
    --------
    >>> kreis = generate_demo()
    >>> len(kreis.zuordnung)
    40
    """
    # The eighth stream came with the case structure: the first seven draw what they always drew.
    streams = np.random.default_rng(seed).spawn(8)
    geometry_rng, names_rng, burden_rng, population_rng, cases_rng, indicator_rng, offer_rng, struktur_rng = streams
    to_metric, to_lonlat = _transformers()

    geometry = _build_geometry(geometry_rng, to_metric)
    city, forest = _special_cells(geometry)
    n = N_PLANUNGSRAEUME
    # Sizes first: the Sozialräume are cut to similar populations.
    inhabitants = _inhabitants_2024(population_rng, n, city, forest)
    sr_index, sr_labels = _sozialraeume(geometry_rng, geometry, city, forest, inhabitants)

    generated = iter(_town_names(names_rng, n - 3))
    eszett = next(a for a in range(n) if a not in (city, forest))
    cell_names = [
        CITY_NAME if a == city else FOREST_NAME if a == forest else ESZETT_NAME if a == eszett else next(generated)
        for a in range(n)
    ]
    # Official keys follow the alphabet, as the municipality numbers of a Kreis do.
    order = sorted(range(n), key=lambda a: _sort_key(cell_names[a]))
    names = [cell_names[a] for a in order]
    cells = [geometry.cells[a] for a in order]
    sr_index = sr_index[order]
    inhabitants = inhabitants[order]
    city, forest = order.index(city), order.index(forest)
    raum_ids = [f"{KREIS_PREFIX}{k:03d}" for k in range(1, n + 1)]
    lonlat = [_to_lonlat(cell, to_lonlat) for cell in cells]

    sr_ids = [f"SR{k:02d}" for k in range(1, N_SOZIALRAEUME + 1)]
    sr_names = [f"Sozialraum {CITY_NAME}", *sr_labels]
    zuordnung = pd.DataFrame(
        {
            "raum_id": raum_ids,
            "name": names,
            "sozialraum_id": [sr_ids[s] for s in sr_index],
            "sozialraum_name": [sr_names[s] for s in sr_index],
        }
    )

    burden = _burden(burden_rng, sr_index, inhabitants, city)

    population = _population(population_rng, inhabitants, forest, burden)
    cases = _cases(cases_rng, population, burden)
    cases.update(_fallmerkmale(struktur_rng, cases, burden))
    last = len(_FALLJAHRE) - 1
    context = _OfferContext(
        names=names,
        raum_ids=raum_ids,
        cells=cells,
        lonlat=lonlat,
        to_lonlat=to_lonlat,
        sr_index=sr_index,
        inhabitants=population[:, last, :].sum(axis=1).astype(float),
        under6=population[:, last, :2].sum(axis=1).astype(float),
        burden=burden,
        city=city,
        forest=forest,
    )
    return DemoKreis(
        zuordnung=zuordnung,
        bevoelkerung=_bevoelkerung_frame(population, raum_ids),
        faelle=_faelle_frame(cases, raum_ids),
        kosten=_kosten_frame(cases, raum_ids),
        indikatoren=_indikatoren_frame(indicator_rng, burden, raum_ids, forest),
        angebote=_angebote_frame(offer_rng, context),
        gebiete=_gebiete(raum_ids, names, lonlat),
        vergleichswerte=_vergleichswerte_frame(),
    )


DATEIEN = (
    "zuordnung.csv",
    "bevoelkerung.csv",
    "faelle.csv",
    "kosten.csv",
    "indikatoren.csv",
    "angebote.csv",
    "gebiete.geojson",
    "vergleichswerte.csv",
)
"""The files :func:`write_demo` writes, in this order."""


def write_demo(directory: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Generate the Musterkreis and write its files into ``directory``.

    CSV files are written in the German Excel dialect (``;``, decimal comma, dd.mm.yyyy,
    UTF-8 with BOM, CRLF); the areas as GeoJSON (UTF-8, coordinates with 5 decimals).

    Parameters
    ----------
    directory : pathlib.Path
        Target folder; created if missing. Existing files of the same name are replaced.
    seed : int, optional
        Seed of the generator, see :func:`generate_demo`.

    Returns
    -------
    list of pathlib.Path
        The written files, in the order of :data:`DATEIEN`.
    """
    kreis = generate_demo(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in DATEIEN]
    indikatoren = kreis.indikatoren.copy()
    # Each indicator keeps its own number of decimals ("4,0" %, "0,283" GISD), and the
    # statistics offices write "." for a value that is unknown or secret.
    decimals = {ind.id: ind.decimals for ind in INDIKATOREN}
    indikatoren["wert"] = [
        "." if math.isnan(wert) else f"{wert:.{decimals[indikator]}f}".replace(".", ",")
        for indikator, wert in zip(indikatoren["indikator"], indikatoren["wert"])
    ]
    write_german_csv(kreis.zuordnung, paths[0])
    write_german_csv(kreis.bevoelkerung, paths[1])
    write_german_csv(kreis.faelle, paths[2])
    write_german_csv(kreis.kosten, paths[3], decimals={"betrag": 2})
    write_german_csv(indikatoren, paths[4])
    write_german_csv(kreis.angebote, paths[5], decimals={"lat": 5, "lon": 5})
    with paths[6].open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(kreis.gebiete, handle, ensure_ascii=False)
        handle.write("\n")
    write_german_csv(kreis.vergleichswerte, paths[7])
    return paths
