"""Tests of the synthetic demo county (sozialraum_analytics.demo).

The plausibility checks compute their figures directly from the generated frames with
plain pandas, independent of the rest of the package.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal
from shapely.geometry import shape

from sozialraum_analytics.demo import (
    ANGEBOTSLUECKE,
    BELASTETE_SOZIALRAEUME,
    DATEIEN,
    ENTLASTETE_SOZIALRAEUME,
    DemoKreis,
    generate_demo,
    write_demo,
)

FRAMES = ("zuordnung", "bevoelkerung", "faelle", "kosten", "indikatoren", "angebote")
YEARS = list(range(2014, 2025))
AGE_GROUPS = [
    "unter 3",
    "3 bis unter 6",
    "6 bis unter 10",
    "10 bis unter 14",
    "14 bis unter 18",
    "18 bis unter 21",
    "21 bis unter 27",
    "27 bis unter 65",
    "65 und älter",
]
UNDER_21 = AGE_GROUPS[:6]
CODES = ["§ 27.2", "§ 28", "§ 29", "§ 30", "§ 31", "§ 32", "§ 33", "§ 34", "§ 35", "§ 35a", "§ 41", "§ 42", "§ 8a"]
SETTINGS = {
    "§ 27.2": {"ambulant", "stationär"},
    "§ 28": {"ambulant"},
    "§ 29": {"ambulant"},
    "§ 30": {"ambulant"},
    "§ 31": {"ambulant"},
    "§ 32": {"teilstationär"},
    "§ 33": {"stationär"},
    "§ 34": {"stationär"},
    "§ 35": {"ambulant", "stationär"},
    "§ 35a": {"ambulant", "teilstationär", "stationär"},
    "§ 41": {"ambulant", "stationär"},
    "§ 42": set(),
    "§ 8a": set(),
}
MARKUP = "Treff <img src=x onerror=alert(1)>"
LAST_DAY = pd.Timestamp(2024, 12, 31)


@pytest.fixture(scope="module")
def kreis() -> DemoKreis:
    return generate_demo()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[list[Path], list[Path]]:
    """The demo files written twice, into two folders."""
    return write_demo(tmp_path_factory.mktemp("a")), write_demo(tmp_path_factory.mktemp("b"))


@pytest.fixture(scope="module")
def polygons(kreis: DemoKreis) -> dict[str, shapely.Polygon]:
    return {f["properties"]["raum_id"]: shape(f["geometry"]) for f in kreis.gebiete["features"]}


# --- helpers: plain pandas, independent of the package's Kennzahlen ---------------------


def under_21(kreis: DemoKreis, year: int) -> pd.Series:
    pop = kreis.bevoelkerung
    selected = pop[(pop["jahr"] == year) & pop["altersgruppe"].isin(UNDER_21)]
    return selected.groupby("raum_id")["anzahl"].sum()


def inanspruchnahme(faelle: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cases running at 31.12. of ``year`` plus cases that ended in ``year``."""
    end = pd.Timestamp(year, 12, 31)
    running = (faelle["beginn"] <= end) & (faelle["ende"].isna() | (faelle["ende"] > end))
    ended = faelle["ende"].dt.year == year
    return faelle[running | ended]


def stationary(faelle: pd.DataFrame) -> pd.DataFrame:
    """HzE stationär: stationary setting, without Eingliederungshilfe § 35a."""
    return faelle[(faelle["setting"] == "stationär") & (faelle["hilfeart"] != "§ 35a")]


def stationary_eckwert_per_area(kreis: DemoKreis, year: int) -> pd.Series:
    u21 = under_21(kreis, year)
    cases = inanspruchnahme(stationary(kreis.faelle), year).groupby("raum_id").size()
    return cases.reindex(u21.index, fill_value=0) / u21 * 1000


# --- determinism -----------------------------------------------------------------------


def test_same_seed_gives_identical_tables(kreis: DemoKreis) -> None:
    again = generate_demo()
    for name in FRAMES:
        assert_frame_equal(getattr(again, name), getattr(kreis, name), check_exact=True)
    assert json.dumps(again.gebiete) == json.dumps(kreis.gebiete)


def test_other_seed_gives_other_cases(kreis: DemoKreis) -> None:
    other = generate_demo(seed=1)
    assert not other.faelle.equals(kreis.faelle)


def test_write_demo_is_byte_identical(written: tuple[list[Path], list[Path]]) -> None:
    first, second = written
    assert [p.name for p in first] == list(DATEIEN)
    assert [p.name for p in second] == list(DATEIEN)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def read(path: Path) -> str:
    """A written file as text, BOM removed, line ends kept."""
    return path.read_bytes().decode("utf-8-sig")


def test_written_files_use_the_german_dialect(written: tuple[list[Path], list[Path]], kreis: DemoKreis) -> None:
    paths = {p.name: p for p in written[0]}
    for name, path in paths.items():
        data = path.read_bytes()
        if name.endswith(".csv"):
            assert data.startswith(b"\xef\xbb\xbf"), name
            assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), name
    faelle = read(paths["faelle.csv"])
    assert faelle.startswith("fall_id;raum_id;hilfeart;setting;beginn;ende;geburtsjahr;geschlecht;person_id;"
                             "hauptgrund;beendigungsgrund\r\n")
    assert re.search(r"\r\nF-000001;08999\d{3};§ [0-9a.]+;[a-zä]*;\d\d\.\d\d\.20\d\d;", faelle)
    kosten = read(paths["kosten.csv"])
    assert re.search(r";\d+,\d\d\r\n", kosten)
    indikatoren = read(paths["indikatoren.csv"])
    assert re.search(r";sgb2_quote_u15;\.;%;hoch=bedarf\r\n", indikatoren)
    assert re.search(r";gisd_score;0,\d\d\d;Index;hoch=bedarf\r\n", indikatoren)
    assert re.search(r";wohnflaeche_je_einwohner;\d\d,\d;m²;niedrig=bedarf\r\n", indikatoren)
    assert MARKUP in read(paths["angebote.csv"])
    geojson = read(paths["gebiete.geojson"])
    assert json.loads(geojson) == kreis.gebiete
    assert "ü" in geojson  # ensure_ascii=False


# --- areas and geometry ----------------------------------------------------------------


def test_planungsraeume_and_sozialraeume(kreis: DemoKreis) -> None:
    z = kreis.zuordnung
    assert list(z.columns) == ["raum_id", "name", "sozialraum_id", "sozialraum_name"]
    assert list(z["raum_id"]) == [f"08999{k:03d}" for k in range(1, 41)]
    assert z["name"].is_unique
    assert sorted(z["sozialraum_id"].unique()) == [f"SR{k:02d}" for k in range(1, 11)]
    assert z.groupby("sozialraum_id")["sozialraum_name"].nunique().eq(1).all()
    assert z.drop_duplicates("sozialraum_id")["sozialraum_name"].is_unique
    sizes = z.groupby("sozialraum_id").size()
    assert sizes.between(2, 7).all(), sizes.to_dict()
    assert any(ch in name for name in z["name"] for ch in "äöü")
    assert any("ß" in name for name in z["name"])


def test_geojson_features(kreis: DemoKreis) -> None:
    features = kreis.gebiete["features"]
    assert kreis.gebiete["type"] == "FeatureCollection"
    assert [f["properties"] for f in features] == kreis.zuordnung[["raum_id", "name"]].to_dict("records")
    for feature in features:
        assert feature["geometry"]["type"] == "Polygon"
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert round(lon, 5) == lon and round(lat, 5) == lat
            assert 7.7 < lon < 8.6 and 48.1 < lat < 48.8


def test_polygons_valid_without_overlaps_or_gaps(polygons: dict[str, shapely.Polygon]) -> None:
    geoms = list(polygons.values())
    assert all(g.is_valid and not g.is_empty and g.area > 0 for g in geoms)
    for a, b in itertools.combinations(geoms, 2):
        assert a.intersection(b).area < 1e-9
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no holes between areas
    assert union.area == pytest.approx(sum(g.area for g in geoms), rel=1e-9)


def test_sozialraeume_are_contiguous(kreis: DemoKreis, polygons: dict[str, shapely.Polygon]) -> None:
    for sr, group in kreis.zuordnung.groupby("sozialraum_id"):
        members = list(group["raum_id"])
        seen = {members[0]}
        queue = deque([members[0]])
        while queue:
            current = queue.popleft()
            for other in members:
                if other not in seen and polygons[current].intersects(polygons[other]):
                    seen.add(other)
                    queue.append(other)
        assert seen == set(members), sr


@pytest.mark.parametrize("seed", [7, 42])
def test_other_seeds_keep_the_structure(seed: int) -> None:
    other = generate_demo(seed)
    sizes = other.zuordnung.groupby("sozialraum_id").size()
    assert len(sizes) == 10 and sizes.between(2, 7).all()
    geoms = [shape(f["geometry"]) for f in other.gebiete["features"]]
    assert len(geoms) == 40 and all(g.is_valid for g in geoms)
    assert shapely.union_all(geoms).area == pytest.approx(sum(g.area for g in geoms), rel=1e-9)
    totals = other.bevoelkerung[other.bevoelkerung["jahr"] == 2024].groupby("raum_id")["anzahl"].sum()
    assert (totals < 300).sum() == 1
    assert (other.angebote["name"] == MARKUP).sum() == 1


# --- population ------------------------------------------------------------------------


def test_population_complete(kreis: DemoKreis) -> None:
    pop = kreis.bevoelkerung
    assert list(pop.columns) == ["jahr", "raum_id", "altersgruppe", "anzahl"]
    expected = set(itertools.product(YEARS, kreis.zuordnung["raum_id"], AGE_GROUPS))
    assert set(zip(pop["jahr"], pop["raum_id"], pop["altersgruppe"])) == expected
    assert len(pop) == len(expected)
    assert pop["anzahl"].dtype.kind == "i" and (pop["anzahl"] >= 0).all()


def test_population_sizes(kreis: DemoKreis) -> None:
    totals = kreis.bevoelkerung.groupby(["jahr", "raum_id"])["anzahl"].sum().unstack("raum_id")
    tiny = totals.columns[totals.loc[2024] < 300]
    assert len(tiny) == 1
    assert (totals[tiny[0]] < 300).all()
    others = totals.drop(columns=tiny)
    assert others.min().min() > 1_000 and others.max().max() < 35_000
    assert 220_000 < totals.loc[2024].sum() < 280_000
    assert totals.loc[2024].sum() > totals.loc[2014].sum()  # slight growth
    # Year-to-year changes are small and smooth.
    assert (others.pct_change().iloc[1:].abs() < 0.05).all().all()
    u21 = sum(under_21(kreis, 2024))
    assert 0.17 < u21 / totals.loc[2024].sum() < 0.24


# --- cases -----------------------------------------------------------------------------


def test_case_dates(kreis: DemoKreis) -> None:
    f = kreis.faelle
    assert list(f.columns) == ["fall_id", "raum_id", "hilfeart", "setting", "beginn", "ende", "geburtsjahr",
                               "geschlecht", "person_id", "hauptgrund", "beendigungsgrund"]  # fmt: skip
    assert 20_000 <= len(f) <= 35_000
    assert f["fall_id"].is_unique and f["fall_id"].iloc[0] == "F-000001"
    assert f["beginn"].is_monotonic_increasing
    assert f["beginn"].min() >= pd.Timestamp(2010, 1, 1)
    assert f["beginn"].max() <= LAST_DAY
    closed = f.dropna(subset=["ende"])
    assert (closed["ende"] >= closed["beginn"]).all()
    assert closed["ende"].max() <= LAST_DAY
    assert f["ende"].isna().any()
    assert (closed["ende"] == closed["beginn"]).any()
    assert ((closed["ende"].dt.month == 12) & (closed["ende"].dt.day == 31)).any()
    assert ((f["beginn"].dt.month == 12) & (f["beginn"].dt.day == 31)).any()
    assert set(f["raum_id"]) <= set(kreis.zuordnung["raum_id"])


def test_case_codes_settings_and_people(kreis: DemoKreis) -> None:
    f = kreis.faelle
    assert set(f["hilfeart"]) == set(CODES)
    for code, settings in SETTINGS.items():
        observed = set(f.loc[f["hilfeart"] == code, "setting"].dropna())
        assert observed == settings, code
    age = f["beginn"].dt.year - f["geburtsjahr"]
    assert age.between(0, 20).all()
    assert age[f["hilfeart"] == "§ 41"].between(18, 20).all()
    assert age[f["hilfeart"] == "§ 28"].between(3, 17).all()
    assert set(f["geschlecht"]) == {"m", "w", "d"}
    assert (f["geschlecht"] == "d").mean() < 0.01


def test_case_structure(kreis: DemoKreis) -> None:
    """Person ids, main reasons and endings: plain pandas over the generated frame."""
    f = kreis.faelle
    hilfe = f[~f["hilfeart"].isin(["§ 42", "§ 8a"])]
    # Some young people have several helps, always in one area, birth year and sex.
    helps_per_person = hilfe.groupby("person_id").size()
    assert 0.05 < (helps_per_person > 1).mean() < 0.3
    assert hilfe.groupby("person_id")[["raum_id", "geburtsjahr", "geschlecht"]].nunique().max().max() == 1
    # Every help has a main reason (official wording, one own text, a few left empty); §42/§8a have none.
    assert (f.loc[f["hilfeart"].isin(["§ 42", "§ 8a"]), ["hauptgrund", "beendigungsgrund"]] == "").all().all()
    reasons = hilfe["hauptgrund"].value_counts(normalize=True)
    assert reasons.index[0] == "Belastungen des jungen Menschen durch familiäre Konflikte"
    assert 0 < reasons["Trennung/Scheidung der Eltern"] < 0.01 and 0 < reasons[""] < 0.03
    eb = hilfe[hilfe["hilfeart"] == "§ 35a"]["hauptgrund"].value_counts(normalize=True)
    assert eb.index[0] == "Entwicklungsauffälligkeiten/seelische Probleme des jungen Menschen"
    # Endings only for ended helps; mostly as planned, breaks more frequent in the burdened Sozialräume.
    assert (hilfe.loc[hilfe["ende"].isna(), "beendigungsgrund"] == "").all()
    ended = hilfe[hilfe["ende"].notna()].merge(kreis.zuordnung[["raum_id", "sozialraum_id"]], on="raum_id")
    assert 0.55 < (ended["beendigungsgrund"] == "Beendigung gemäß Hilfeplan").mean() < 0.7
    abbruch = ended["beendigungsgrund"].str.startswith(("Abbruch", "Beendigung abweichend"))
    by_sr = abbruch.groupby(ended["sozialraum_id"]).mean()
    assert by_sr[list(BELASTETE_SOZIALRAEUME)].mean() > by_sr[list(ENTLASTETE_SOZIALRAEUME)].mean() + 0.05
    assert set(ended.loc[ended["beendigungsgrund"] == "Adoption", "hilfeart"]) == {"§ 33"}


def test_costs(kreis: DemoKreis) -> None:
    k = kreis.kosten
    assert list(k.columns) == ["jahr", "raum_id", "hilfeart", "betrag"]
    assert set(k["jahr"]) == set(YEARS)
    assert set(k["hilfeart"]) == set(CODES) - {"§ 8a"}
    assert (k["betrag"] > 0).all()
    assert not k.duplicated(["jahr", "raum_id", "hilfeart"]).any()
    per_year = k.groupby("jahr")["betrag"].sum()
    assert per_year.loc[2024] > per_year.loc[2014]
    # Heimerziehung is the most expensive help, Erziehungsberatung costs little per case.
    by_code = k[k["jahr"] == 2024].groupby("hilfeart")["betrag"].sum()
    assert by_code.idxmax() == "§ 34"


# --- indicators and offers -------------------------------------------------------------


def test_indicators(kreis: DemoKreis) -> None:
    i = kreis.indikatoren
    assert list(i.columns) == ["jahr", "raum_id", "indikator", "wert", "einheit", "richtung"]
    ids = {"sgb2_quote_u15", "alleinerziehende_anteil", "arbeitslosenquote", "migration_u18_anteil", "gisd_score",
           "wohnflaeche_je_einwohner"}  # fmt: skip
    assert set(i["indikator"]) == ids
    assert len(i) == len(YEARS) * 40 * len(ids)
    missing = i[i["wert"].isna()]
    assert set(missing["indikator"]) == {"sgb2_quote_u15"}
    assert missing["raum_id"].nunique() == 1
    assert set(i.loc[i["indikator"] == "wohnflaeche_je_einwohner", "richtung"]) == {"niedrig=bedarf"}
    gisd = i.loc[i["indikator"] == "gisd_score", "wert"]
    assert gisd.between(0, 1).all()


def test_offers(kreis: DemoKreis, polygons: dict[str, shapely.Polygon]) -> None:
    a = kreis.angebote
    assert list(a.columns) == ["angebot_id", "name", "typ", "traeger", "raum_id", "plaetze", "alter_von",
                               "alter_bis", "lat", "lon", "seit", "bis"]  # fmt: skip
    assert 100 <= len(a) <= 140 and a["angebot_id"].is_unique
    assert set(a["typ"]) == {"Kita", "Familienzentrum", "Jugendtreff", "Schulsozialarbeit", "Beratungsstelle",
                             "Frühe Hilfen"}  # fmt: skip
    assert (a["name"] == MARKUP).sum() == 1
    assert a["name"].str.contains("[äöü]").any()
    assert (a["alter_von"] <= a["alter_bis"]).all()
    assert a["bis"].notna().any() and a["bis"].isna().mean() > 0.9
    assert (a["bis"].dropna() > a.loc[a["bis"].notna(), "seit"]).all()
    for row in a.itertuples():
        assert polygons[row.raum_id].contains(shapely.Point(row.lon, row.lat)), row.angebot_id
    pairs = a.merge(a, on=["typ", "raum_id"])
    overlapping = pairs[
        (pairs["angebot_id_x"] < pairs["angebot_id_y"])
        & (pairs["alter_von_x"] <= pairs["alter_bis_y"])
        & (pairs["alter_von_y"] <= pairs["alter_bis_x"])
    ]
    assert len(overlapping) == 2  # the two deliberate double structures


def test_offer_gap_in_a_burdened_sozialraum(kreis: DemoKreis) -> None:
    assert ANGEBOTSLUECKE in BELASTETE_SOZIALRAEUME
    offers = kreis.angebote.merge(kreis.zuordnung, on="raum_id")
    u21 = under_21(kreis, 2024).rename("u21").reset_index().merge(kreis.zuordnung, on="raum_id")
    per_1000 = offers.groupby("sozialraum_id").size() / u21.groupby("sozialraum_id")["u21"].sum() * 1000
    assert per_1000.idxmin() == ANGEBOTSLUECKE


# --- plausibility ----------------------------------------------------------------------


def test_inanspruchnahme_2019(kreis: DemoKreis) -> None:
    u21 = under_21(kreis, 2019).sum()
    rate = inanspruchnahme(kreis.faelle, 2019).groupby("hilfeart").size() / u21 * 1000
    assert 3 <= rate["§ 34"] <= 8
    assert 14 <= rate["§ 28"] <= 32
    assert rate["§ 28"] > rate["§ 31"] > rate["§ 35"]


def test_burdened_sozialraeume(kreis: DemoKreis) -> None:
    u21 = under_21(kreis, 2024)
    cases = inanspruchnahme(stationary(kreis.faelle), 2024).merge(kreis.zuordnung, on="raum_id")
    kreis_value = len(cases) / u21.sum() * 1000
    members = kreis.zuordnung.set_index("raum_id")["sozialraum_id"]
    per_sr = cases.groupby("sozialraum_id").size() / u21.groupby(members).sum() * 1000
    for sr in BELASTETE_SOZIALRAEUME:
        assert per_sr[sr] >= 1.4 * kreis_value, (sr, per_sr.round(1).to_dict())
    for sr in ENTLASTETE_SOZIALRAEUME:
        assert per_sr[sr] <= 0.8 * kreis_value, (sr, per_sr.round(1).to_dict())


def test_indicators_follow_the_burden(kreis: DemoKreis) -> None:
    eckwert = stationary_eckwert_per_area(kreis, 2024)
    totals = kreis.bevoelkerung[kreis.bevoelkerung["jahr"] == 2024].groupby("raum_id")["anzahl"].sum()
    inhabited = totals.index[totals >= 300]
    values = kreis.indikatoren[kreis.indikatoren["jahr"] == 2024].pivot(
        index="raum_id", columns="indikator", values="wert"
    )

    def correlation(indikator: str) -> float:
        return float(np.corrcoef(values.loc[inhabited, indikator], eckwert.loc[inhabited])[0, 1])

    assert correlation("sgb2_quote_u15") > 0.5
    for indikator in ("alleinerziehende_anteil", "arbeitslosenquote", "migration_u18_anteil", "gisd_score"):
        assert correlation(indikator) > 0.2, indikator
    assert correlation("wohnflaeche_je_einwohner") < -0.2
