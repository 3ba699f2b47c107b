"""The public view: suppression worked out by hand, the rules for rates and averages, and an attacker
who uses everything the public view shows (counts, Kreis totals, changes between years, Eckwerte
with the published population, shares, money and costs per case) and recovers no suppressed count."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import linprog

from sozialraum_analytics import geheimhaltung
from sozialraum_analytics.dataset import KREIS_ID, load_folder
from sozialraum_analytics.kennzahlen import GROUPS, Engine
from sozialraum_analytics.oeffentlich import (
    ATOME,
    OFFEN,
    PRIMAER,
    RUNDEN,
    SEKUNDAER,
    NichtOeffentlich,
    OeffentlicheEngine,
    gruppen_matrix,
    schuetzen_jahr,
    zahlenwerk,
)

ROOT = Path(__file__).resolve().parent.parent

G = {g: i for i, g in enumerate(GROUPS)}
JAHRE = [2023, 2024]


def atome(**counts: int) -> np.ndarray:
    """Atom vector from keyword counts: p29=3 is three cases of § 29."""
    x = np.zeros(len(ATOME))
    for name, n in counts.items():
        x[int(np.flatnonzero(ATOME["code"] == "§" + name[1:])[0])] = n
    return x


def test_suppression_of_one_year_by_hand() -> None:
    """Two Sozialräume. A: § 28 20, § 29 3, § 30 10, § 33 8; B: § 28 30, § 29 6, § 30 12, § 33 9.

    § 29 in A (3) is small. With all else shown, "HzE ambulant ohne EB" of A (13 = § 29 + § 30,
    every other ambulant code 0) gives it away once § 30 is known, and the Kreis § 29 (9) gives it
    away from B's 6. So § 30 in A and § 29 and § 30 in B are hidden too: a rectangle. The attacker
    then knows only § 29 + § 30 = 13 in A, 18 in B, § 29 sums to 9, § 30 to 22, and that § 29 in A
    is "< 5": it can be 1, 2, 3 or 4. Nothing else is hidden (the § 33 are given by "stationär").
    """
    m = gruppen_matrix()
    gebiete = np.stack([m @ atome(p28=20, p29=3, p30=10, p33=8), m @ atome(p28=30, p29=6, p30=12, p33=9)])
    codes, kreis = schuetzen_jahr(gebiete, gebiete.sum(axis=0))
    hidden = {(a, GROUPS[g]): int(codes[a, g]) for a, g in zip(*np.nonzero(codes))}
    assert hidden == {(0, "§29"): PRIMAER, (0, "§30"): SEKUNDAER, (1, "§29"): SEKUNDAER, (1, "§30"): SEKUNDAER}
    assert not kreis.any()
    werk, _ = zahlenwerk(gebiete, gebiete.sum(axis=0))
    low, high = geheimhaltung.bereiche(werk, np.concatenate([codes.ravel(), kreis]) != OFFEN)
    n = len(GROUPS)
    assert (low[G["§29"]], high[G["§29"]]) == pytest.approx((1, 4))
    assert (low[G["§30"]], high[G["§30"]]) == pytest.approx((9, 12))
    assert (low[n + G["§29"]], high[n + G["§29"]]) == pytest.approx((5, 8))


def test_two_small_counts_that_add_up_to_eight_are_not_left_alone() -> None:
    """§ 35a teilstationär 4 and stationär 4 in A, § 35a 8 + 20 ambulant: with "< 5" both would be 4
    exactly (4 + 4 = 8 and neither above 4), so "two hidden in a line" is not enough here."""
    m = gruppen_matrix()
    a = np.zeros(len(ATOME))
    b = np.zeros(len(ATOME))
    for atoms, (amb, teil, stat) in ((a, (20, 4, 4)), (b, (30, 9, 11))):
        for setting, n in (("ambulant", amb), ("teilstationaer", teil), ("stationaer", stat)):
            atoms[int(np.flatnonzero((ATOME["code"] == "§35a") & (ATOME["setting"] == setting))[0])] = n
    gebiete = np.stack([m @ a, m @ b])
    codes, kreis = schuetzen_jahr(gebiete, gebiete.sum(axis=0))
    werk, _ = zahlenwerk(gebiete, gebiete.sum(axis=0))
    hidden = np.concatenate([codes.ravel(), kreis]) != OFFEN
    low, high = geheimhaltung.bereiche(werk, hidden)
    for group in ("§35a_teilstationaer", "§35a_stationaer"):
        assert codes[0, G[group]] == PRIMAER
        assert not geheimhaltung.bestimmbar(low[G[group]], high[G[group]])
        assert low[G[group]] <= 4 <= high[G[group]]


@pytest.fixture(scope="module")
def demo():
    return load_folder(ROOT / "data")


@pytest.fixture(scope="module")
def oeffentlich(demo):
    return OeffentlicheEngine(demo, jahre=JAHRE)


@pytest.fixture(scope="module")
def planung(demo):
    return Engine(demo, jahre=JAHRE)


def test_the_public_view_has_no_planungsraum_and_no_case_flow(oeffentlich) -> None:
    with pytest.raises(NichtOeffentlich):
        oeffentlich.table("planungsraum")
    columns = set(oeffentlich.table("sozialraum").columns)
    assert not columns & {"begonnen", "beendet", "andauernd", "dauer_anzahl"}


def test_no_count_of_one_to_four_is_shown(oeffentlich, planung) -> None:
    for ebene in ("sozialraum", "kreis"):
        public, exact = oeffentlich.table(ebene), planung.table(ebene)
        vermerk = oeffentlich.sperrvermerk(ebene)
        for column in ("inanspruchnahme", "inobhutnahmen", "gefaehrdungseinschaetzungen"):
            shown = public[column].dropna()
            assert not shown.between(1, 4).any()
            # what is shown is exact; what is hidden is marked, and every 1..4 is hidden as "< 5"
            pd.testing.assert_series_equal(shown, exact[column].loc[shown.index])
            small = exact[column].between(1, 4)
            assert (vermerk[small] == PRIMAER).all()
            assert public[column][vermerk != OFFEN].isna().all()
    assert (oeffentlich.sperrvermerk("sozialraum") == PRIMAER).sum() > 0
    # The Kreis totals are hidden only when nothing else helps; in the demo Kreis never.
    assert (oeffentlich.sperrvermerk("kreis") == OFFEN).all()


def test_rates_need_300_young_people_and_averages_10_cases(demo, planung) -> None:
    exact = planung.table("sozialraum")
    oe = OeffentlicheEngine(demo, jahre=JAHRE)
    oe.setze_schutz(OeffentlicheEngine(demo, jahre=JAHRE).schutz())
    public = oe.table("sozialraum")
    eck = oe.optionen.eckwert
    # Eckwert shown exactly where the count is shown and the area has at least 300 young people.
    shown = public["inanspruchnahme"].notna() & (exact["bevoelkerung_u21"] >= 300)
    pd.testing.assert_series_equal(public[eck][shown], exact[eck][shown])
    assert public[eck][~shown].isna().all()
    # Costs per case only from 10 cases; durations only from 10 ended cases.
    few = exact["inanspruchnahme"] < 10
    assert public["kosten_je_hilfe"][few].isna().all()
    assert public["dauer_mittel_monate"][exact["dauer_anzahl"] < 10].isna().all()
    many = exact["dauer_anzahl"] >= 10
    pd.testing.assert_series_equal(public["dauer_mittel_monate"][many], exact["dauer_mittel_monate"][many])


def test_a_small_area_gets_no_rate(demo) -> None:
    """Shrink one Sozialraum's young people below 300: its Eckwert disappears, the others stay."""
    from dataclasses import replace

    bev = demo.tables["bevoelkerung"].copy()
    zuordnung = demo.planungsraeume()
    sr = sorted(zuordnung["sozialraum_id"].dropna())[0]
    members = set(zuordnung.loc[zuordnung["sozialraum_id"] == sr, "raum_id"])
    bev.loc[bev["raum_id"].isin(members), "anzahl"] = bev.loc[bev["raum_id"].isin(members), "anzahl"] * 0 + 5
    small = replace(demo, tables={**demo.tables, "bevoelkerung": bev})
    oe = OeffentlicheEngine(small, jahre=[2024], verfahren=RUNDEN)
    table = oe.table("sozialraum").xs(2024, level="jahr")
    assert table.loc[(sr, "gesamt"), "bevoelkerung_u21"] < 300
    assert np.isnan(table.loc[(sr, "gesamt"), oe.optionen.eckwert])
    other = sorted(set(zuordnung["sozialraum_id"].dropna()) - {sr})[0]
    assert not np.isnan(table.loc[(other, "gesamt"), oe.optionen.eckwert])


def test_rounding_mode_rounds_every_count_to_five(demo, planung) -> None:
    oe = OeffentlicheEngine(demo, jahre=JAHRE, verfahren=RUNDEN)
    for ebene in ("sozialraum", "kreis"):
        public, exact = oe.table(ebene), planung.table(ebene)
        counts = public["inanspruchnahme"].dropna()
        assert (counts % 5 == 0).all()
        assert (np.abs(counts - exact["inanspruchnahme"][counts.index]) <= 2.5).all()
        assert "kosten_je_hilfe" not in public.columns  # money and cost per case would give the exact count


# --- the attacker ----------------------------------------------------------------------------
def _attack_system(engine: OeffentlicheEngine, rest: bool):
    """Every linear fact the public tables state about the unknown atoms of both years.

    Unknowns: cases per (year, Sozialraum or the rest of the Kreis, atom). Facts: each shown count
    and Kreis total; each shown change to the previous year (I(j) − I(j−1)); each shown Eckwert
    with the published population (I = Eckwert × population / scale); each shown share stationär
    (100 · stationär − share · (ambulant + teilstationär + stationär) = 0); each shown cost per case
    with the shown money (I = Ausgaben / Kosten je Hilfe). "< 5" adds 1 ≤ count ≤ 4.
    """
    m = gruppen_matrix()
    n_atoms = m.shape[1]
    areas = engine.areas("sozialraum")
    # With ``rest`` the Kreis holds more than its Sozialräume: one more unknown block.
    blocks = len(areas) + (1 if rest else 0)
    n_years = len(engine.jahre)
    size = n_years * blocks * n_atoms

    def row(year: int, block: int | None, group: str) -> np.ndarray:
        r = np.zeros(size)
        y = engine.jahre.index(year)
        for b in ([block] if block is not None else range(blocks)):
            start = (y * blocks + b) * n_atoms
            r[start:start + n_atoms] += m[G[group]]
        return r

    eq_rows, eq_rhs, ub_rows, ub_rhs, hidden = [], [], [], [], []
    opt = engine.optionen
    for ebene in ("sozialraum", "kreis"):
        table = engine.table(ebene)
        vermerk = engine.sperrvermerk(ebene)
        for (jahr, area, group), values in table.iterrows():
            block = None if area == KREIS_ID else areas.index(area)
            count = row(jahr, block, group)
            column = "inobhutnahmen" if group == "§42" else "gefaehrdungseinschaetzungen" if group == "§8a" \
                else "inanspruchnahme"
            value = values[column]
            if not np.isnan(value):
                eq_rows.append(count)
                eq_rhs.append(value)
            elif vermerk[(jahr, area, group)] != OFFEN:
                hidden.append(((jahr, area, group), count))
                if vermerk[(jahr, area, group)] == PRIMAER:
                    ub_rows += [count, -count]
                    ub_rhs += [4, -1]
            change = values.get("inanspruchnahme_vorjahr_abs", np.nan)
            if not np.isnan(change) and jahr - 1 in engine.jahre:
                eq_rows.append(count - row(jahr - 1, block, group))
                eq_rhs.append(change)
            eck = values.get(opt.eckwert, np.nan)
            if not np.isnan(eck):
                eq_rows.append(count)
                eq_rhs.append(round(eck * values[f"bevoelkerung_{opt.nenner}"] / opt.skala))
            kosten = values.get("kosten_je_hilfe", np.nan)
            if not np.isnan(kosten) and kosten > 0 and not np.isnan(values.get("ausgaben", np.nan)):
                eq_rows.append(count)
                eq_rhs.append(round(values["ausgaben"] / kosten))
            share = values.get("anteil_stationaer", np.nan)
            if not np.isnan(share) and group in ("hze", "hze_ohne_eb"):
                amb = "ambulant" if group == "hze" else "ambulant_ohne_eb"
                total = row(jahr, block, amb) + row(jahr, block, "teilstationaer") + row(jahr, block, "stationaer")
                eq_rows.append(100 * row(jahr, block, "stationaer") - share * total)
                eq_rhs.append(0.0)
    return (sparse.csr_matrix(np.array(eq_rows)), np.array(eq_rhs), sparse.csr_matrix(np.array(ub_rows)),
            np.array(ub_rhs, dtype=float), hidden)


def test_the_attacker_recovers_no_suppressed_count(oeffentlich, planung) -> None:
    gebiete = planung.table("sozialraum")["inanspruchnahme"].groupby(level=["jahr", "hilfeart"]).sum()
    kreis = planung.table("kreis")["inanspruchnahme"].droplevel("area")
    rest = not np.allclose(gebiete.reindex(kreis.index).fillna(0), kreis.fillna(0))
    a_eq, b_eq, a_ub, b_ub, hidden = _attack_system(oeffentlich, rest)
    assert len(hidden) > 50
    exact = {e: planung.table(e) for e in ("sozialraum", "kreis")}
    for (jahr, area, group), objective in hidden:
        bounds = []
        for sign in (1, -1):
            result = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=(0, None),
                             method="highs")
            assert result.success, result.message
            bounds.append(sign * result.fun)
        low, high = bounds
        ebene = "kreis" if area == KREIS_ID else "sozialraum"
        column = "inobhutnahmen" if group == "§42" else "gefaehrdungseinschaetzungen" if group == "§8a" \
            else "inanspruchnahme"
        truth = exact[ebene].loc[(jahr, area, group), column]
        assert low - 1e-6 <= truth <= high + 1e-6, (jahr, area, group)
        assert not geheimhaltung.bestimmbar(low, high), (jahr, area, group, low, high, truth)
