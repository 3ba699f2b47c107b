"""Large synthetic inputs for the benchmarks (fixed seed): case rows in the German dialect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CODES = ["§ 27.2", "§ 28", "§ 29", "§ 30", "§ 31", "§ 32", "§ 33", "§ 34", "§ 35", "§ 35a", "§ 41", "§ 42", "§ 8a"]
WEIGHTS = np.array([3, 22, 1.5, 4, 7, 1.5, 4, 5, 0.4, 6, 2, 2.5, 5], dtype=float)
SETTINGS = ["ambulant", "teilstationär", "stationär", ""]


def write_cases(path: Path, rows: int = 1_000_000, areas: int = 1100, seed: int = 7) -> Path:
    """``rows`` cases in ``areas`` Planungsräume, 2010–2024, ``;`` and dd.mm.yyyy, Windows-free UTF-8."""
    rng = np.random.default_rng(seed)
    ags = np.array([f"08{i:06d}" for i in range(1, areas + 1)])
    start = np.datetime64("2010-01-01") + rng.integers(0, 15 * 365, rows).astype("timedelta64[D]")
    length = rng.gamma(1.5, 200, rows).astype(np.int64).astype("timedelta64[D]")
    end = start + length
    open_case = end > np.datetime64("2024-12-31")
    frame = pd.DataFrame({
        "fall_id": [f"F-{i:07d}" for i in range(rows)],
        "raum_id": ags[rng.integers(0, areas, rows)],
        "hilfeart": np.array(CODES)[rng.choice(len(CODES), rows, p=WEIGHTS / WEIGHTS.sum())],
        "setting": np.array(SETTINGS)[rng.integers(0, 4, rows)],
        "beginn": pd.to_datetime(start).strftime("%d.%m.%Y"),
        "ende": np.where(open_case, "", pd.to_datetime(end).strftime("%d.%m.%Y")),
        "geburtsjahr": rng.integers(1995, 2024, rows),
        "geschlecht": np.array(["m", "w", "d"])[rng.integers(0, 3, rows)],
    })
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def write_population(path: Path, areas: int = 1100) -> Path:
    rows = []
    for year in range(2010, 2025):
        for i in range(1, areas + 1):
            for group, count in (("unter 18", 900), ("18 bis unter 21", 180), ("21 und älter", 5000)):
                rows.append((year, f"08{i:06d}", group, count))
    pd.DataFrame(rows, columns=["jahr", "raum_id", "altersgruppe", "anzahl"]).to_csv(path, sep=";", index=False)
    return path


def write_zuordnung(path: Path, areas: int = 1100) -> Path:
    pd.DataFrame({"raum_id": [f"08{i:06d}" for i in range(1, areas + 1)],
                  "sozialraum_id": [f"SR{(i - 1) // 25 + 1:02d}" for i in range(1, areas + 1)]}).to_csv(
        path, sep=";", index=False)
    return path


def gemeinden_geometrie(areas: int = 1100, seed: int = 7, vertex_spacing_m: float = 40.0):
    """``areas`` Gemeinde-like polygons over the extent of Baden-Württemberg (EPSG:25832).

    A Voronoi coverage whose edges are cut every ``vertex_spacing_m`` and bent by a smooth,
    position-only displacement: shared borders stay shared (each vertex moves by a function of
    where it is) and the polygons stay valid (the displacement's gradient is far below 1).
    About 800 vertices per area, roughly the detail of the BKG's unsimplified VG250.
    Ids ``08000001``… as in :func:`write_cases`.
    """
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    extent = shapely.box(390_000, 5_260_000, 610_000, 5_520_000)
    points = shapely.points(rng.uniform(390_000, 610_000, areas), rng.uniform(5_260_000, 5_520_000, areas))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=extent))
    cells = shapely.intersection(cells, extent)
    # Voronoi cells come in no fixed order: sort them by their generating point's position.
    order = shapely.STRtree(cells).query(points, predicate="intersects")
    by_point = np.full(areas, -1)
    by_point[order[0]] = order[1]
    cells = shapely.segmentize(cells[by_point], vertex_spacing_m)

    def bend(coords: np.ndarray) -> np.ndarray:
        # Rounded first: a shared edge cut from either end gives the same points up to 1e-9 m.
        x, y = np.round(coords[:, 0], 2), np.round(coords[:, 1], 2)
        dx = 15 * np.sin(y / 310.0) * np.cos(x / 270.0) + 4 * np.sin((x + y) / 83.0)
        dy = 15 * np.cos(x / 290.0) * np.sin(y / 330.0) + 4 * np.cos((x - y) / 79.0)
        return np.column_stack([x + dx, y + dy])

    cells = shapely.transform(cells, bend)
    ids = [f"08{i:06d}" for i in range(1, areas + 1)]
    names = [f"Gemeinde {i:04d}" for i in range(1, areas + 1)]
    return gpd.GeoDataFrame({"raum_id": ids, "name": names}, geometry=cells, crs=25832)


def write_sozialraum_kreis(folder: Path, sozialraeume: int, jahre: int, seed: int = 11) -> Path:
    """A Kreis of ``sozialraeume`` Sozialräume (four Planungsräume each) over ``jahre`` years up to 2024,
    about as dense as the demo Kreis (some 60 new cases per Planungsraum and year), with costs per
    Planungsraum, year and help and the population: the protection's growth is measured on it."""
    rng = np.random.default_rng(seed)
    areas = 4 * sozialraeume
    first = 2025 - jahre
    rows = 60 * areas * jahre
    ags = np.array([f"08{i:06d}" for i in range(1, areas + 1)])
    start = np.datetime64(f"{first}-01-01") + rng.integers(0, jahre * 365, rows).astype("timedelta64[D]")
    end = start + rng.gamma(1.5, 200, rows).astype(np.int64).astype("timedelta64[D]")
    open_case = end > np.datetime64("2024-12-31")
    codes = np.array(CODES)[rng.choice(len(CODES), rows, p=WEIGHTS / WEIGHTS.sum())]
    raum = ags[rng.integers(0, areas, rows)]
    pd.DataFrame({
        "fall_id": [f"F-{i:07d}" for i in range(rows)], "raum_id": raum, "hilfeart": codes,
        "setting": np.array(SETTINGS)[rng.integers(0, 4, rows)],
        "beginn": pd.to_datetime(start).strftime("%d.%m.%Y"),
        "ende": np.where(open_case, "", pd.to_datetime(end).strftime("%d.%m.%Y")),
    }).to_csv(folder / "faelle.csv", sep=";", index=False)
    kosten = pd.DataFrame({"jahr": pd.to_datetime(start).year, "raum_id": raum, "hilfeart": codes})
    kosten = kosten.groupby(["jahr", "raum_id", "hilfeart"], as_index=False).size()
    kosten["betrag"] = (kosten["size"] * rng.uniform(800, 30_000, len(kosten))).round(2)
    kosten[["jahr", "raum_id", "hilfeart", "betrag"]].to_csv(folder / "kosten.csv", sep=";", index=False, decimal=",")
    population = [(year, a, group, count) for year in range(first, 2025) for a in ags
                  for group, count in (("unter 18", 900), ("18 bis unter 21", 180), ("21 und älter", 5000))]
    pd.DataFrame(population, columns=["jahr", "raum_id", "altersgruppe", "anzahl"]).to_csv(
        folder / "bevoelkerung.csv", sep=";", index=False)
    pd.DataFrame({"raum_id": ags, "sozialraum_id": [f"SR{(i // 4) + 1:02d}" for i in range(areas)]}).to_csv(
        folder / "zuordnung.csv", sep=";", index=False)
    return folder


def write_grosse_stadt(folder: Path, areas: int = 1100, sozialraeume: int = 143, seed: int = 13,
                       vertex_spacing_m: float = 400.0) -> Path:
    """A city of ``areas`` Planungsräume in ``sozialraeume`` Bezirksregionen, shaped like the real case
    of issue 14: geometry, assignment, population for 2021–2023, indicators for 2020 only, some
    30 cases per Planungsraum; two Planungsräume in different Sozialräume share a name ("Heerstraße").
    ``vertex_spacing_m=40`` gives borders as detailed as the unsimplified VG250 (about 800 points per area)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ags = np.array([f"11{i:06d}" for i in range(1, areas + 1)])
    names = [f"Planungsraum {i:04d}" for i in range(1, areas + 1)]
    sr = [f"BZR{(i * sozialraeume) // areas + 1:03d}" for i in range(areas)]
    names[10] = names[areas - 10] = "Heerstraße"  # the same name in two Sozialräume
    pd.DataFrame({"raum_id": ags, "name": names, "sozialraum_id": sr,
                  "sozialraum_name": [f"Bezirksregion {s[3:]}" for s in sr]}).to_csv(
        folder / "zuordnung.csv", sep=";", index=False)
    geometry = gemeinden_geometrie(areas, seed=seed, vertex_spacing_m=vertex_spacing_m)
    # Planungsräume in a snake through horizontal bands, so that consecutive ones (one Sozialraum) are neighbours.
    mitte = geometry.geometry.representative_point()
    band = (mitte.y.rank(method="first").to_numpy() - 1) * round(sozialraeume ** 0.5) // areas
    geometry = geometry.iloc[np.lexsort((np.where(band % 2 == 0, mitte.x, -mitte.x), band))].reset_index(drop=True)
    geometry["raum_id"] = ags
    geometry["name"] = names
    geometry.to_crs(4326).to_file(folder / "gebiete.geojson", driver="GeoJSON")
    rows = 30 * areas
    start = np.datetime64("2019-01-01") + rng.integers(0, 5 * 365, rows).astype("timedelta64[D]")
    end = start + rng.gamma(1.5, 200, rows).astype(np.int64).astype("timedelta64[D]")
    open_case = end > np.datetime64("2023-12-31")
    pd.DataFrame({
        "fall_id": [f"F-{i:07d}" for i in range(rows)], "raum_id": ags[rng.integers(0, areas, rows)],
        "hilfeart": np.array(CODES)[rng.choice(len(CODES), rows, p=WEIGHTS / WEIGHTS.sum())],
        "setting": np.array(SETTINGS)[rng.integers(0, 4, rows)],
        "beginn": pd.to_datetime(start).strftime("%d.%m.%Y"),
        "ende": np.where(open_case, "", pd.to_datetime(end).strftime("%d.%m.%Y")),
    }).to_csv(folder / "faelle.csv", sep=";", index=False)
    einwohner = rng.integers(150, 9000, areas)
    population = [(year, a, group, int(e * share))
                  for year in (2021, 2022, 2023) for a, e in zip(ags, einwohner)
                  for group, share in (("unter 18", 0.16), ("18 bis unter 21", 0.03), ("21 und älter", 0.81))]
    pd.DataFrame(population, columns=["jahr", "raum_id", "altersgruppe", "anzahl"]).to_csv(
        folder / "bevoelkerung.csv", sep=";", index=False)
    indikatoren = pd.DataFrame({"jahr": 2020, "raum_id": ags,
                                "sgb2_quote_u15": rng.gamma(2.0, 8.0, areas).round(1),
                                "alleinerziehende": rng.gamma(3.0, 6.0, areas).round(1),
                                "arbeitslose": rng.gamma(2.5, 3.0, areas).round(1)})
    indikatoren.to_csv(folder / "indikatoren.csv", sep=";", index=False, decimal=",")
    # About one offer per three Planungsräume, at its area's centre.
    mitten = geometry.to_crs(4326).geometry.representative_point()
    auswahl = rng.choice(areas, areas // 3, replace=False)
    typen = np.array(["Kita", "Jugendtreff", "Familienzentrum", "Beratungsstelle", "Schulsozialarbeit"])
    pd.DataFrame({"angebot_id": [f"A-{i:05d}" for i in range(len(auswahl))],
                  "name": [f"Angebot {i:05d}" for i in range(len(auswahl))],
                  "typ": typen[rng.integers(0, len(typen), len(auswahl))], "traeger": "Stadt",
                  "raum_id": ags[auswahl], "plaetze": rng.integers(10, 120, len(auswahl)),
                  "alter_von": 0, "alter_bis": 18,
                  "lat": mitten.y.to_numpy()[auswahl].round(5), "lon": mitten.x.to_numpy()[auswahl].round(5)}).to_csv(
        folder / "angebote.csv", sep=";", index=False, decimal=",")
    return folder
