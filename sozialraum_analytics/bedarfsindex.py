"""The composite needs index (Bedarfsindex), after Berlin MSS / Hamburg RISE / Münster.

For one year: each indicator is z-standardised across the areas (population standard
deviation, ddof=0, since the areas are the whole Kreis, not a sample), its sign flipped
where a low value means more need; the weighted mean of the z-values is standardised
again, so that the classes by standard deviation (hoch > +1, erhöht 0…+1,
durchschnittlich −1…0, niedrig < −1) mean the same whatever the number of indicators.
Areas under 300 inhabitants get no index and do not enter the standardisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_EINWOHNER = 300
KLASSEN = {4: "hoch", 3: "erhöht", 2: "durchschnittlich", 1: "niedrig"}


@dataclass(frozen=True)
class Bedarfsindex:
    """Result for one year: ``werte`` has columns raum_id, z_<indikator>…, bedarfsindex, klasse."""

    jahr: int
    gewichte: dict[str, float]
    werte: pd.DataFrame
    ausgeschlossen: tuple[str, ...]  # areas without index (too small or data missing)


def zscore(values: pd.Series) -> pd.Series:
    """(x − mean) / sd with the population sd; 0 where all areas are equal."""
    sd = values.std(ddof=0)
    if not sd or np.isnan(sd):
        return values * 0.0
    return (values - values.mean()) / sd


def klassen_sd(index: pd.Series) -> pd.Series:
    """4 hoch (> +1), 3 erhöht (0 … +1], 2 durchschnittlich [−1 … 0], 1 niedrig (< −1)."""
    classes = np.select([index > 1, index > 0, index >= -1], [4, 3, 2], default=1)
    return pd.Series(np.where(index.isna(), np.nan, classes), index=index.index)


def klassen_quantile(index: pd.Series, k: int = 4) -> pd.Series:
    """Classes 1…k by quantiles of the index (k = 4: quartiles), highest need = k."""
    ranks = index.rank(method="average", pct=True)
    return np.ceil(ranks * k).clip(1, k)


def compute_bedarfsindex(indikatoren: pd.DataFrame, einwohner: pd.Series, jahr: int,
                         gewichte: dict[str, float] | None = None, schema: str = "sd") -> Bedarfsindex:
    """The index for ``jahr``.

    ``indikatoren``: long rows jahr, raum_id, indikator, wert, richtung ("hoch"/"niedrig").
    ``einwohner``: total population per raum_id in that year (areas under 300 are left out).
    """
    rows = indikatoren[indikatoren["jahr"] == jahr]
    wide = rows.pivot_table(index="raum_id", columns="indikator", values="wert", aggfunc="first", observed=True)
    wide.index = wide.index.astype(str)
    richtung = rows.dropna(subset=["richtung"]).drop_duplicates("indikator").set_index("indikator")["richtung"] \
        if "richtung" in rows else pd.Series(dtype=object)
    gewichte = {name: 1.0 for name in wide.columns} if not gewichte else \
        {name: float(gewichte.get(name, 0.0)) for name in wide.columns}
    einwohner = einwohner.reindex(wide.index)
    small = einwohner.isna() | (einwohner < MIN_EINWOHNER)
    used = [name for name, weight in gewichte.items() if weight > 0]
    complete = wide[used].notna().all(axis=1) if used else pd.Series(False, index=wide.index)
    eligible = ~small & complete
    z = pd.DataFrame(index=wide.index)
    for name in used:
        sign = -1.0 if richtung.get(name) == "niedrig" else 1.0
        z[f"z_{name}"] = sign * zscore(wide.loc[eligible, name].astype(float))
    total = sum(gewichte[name] for name in used)
    if used and total > 0:
        mean = sum(z[f"z_{name}"] * gewichte[name] for name in used) / total
        index = zscore(mean[eligible])
    else:
        index = pd.Series(np.nan, index=wide.index)
    index = index.reindex(wide.index)
    klasse = klassen_sd(index) if schema == "sd" else klassen_quantile(index)
    werte = z.assign(bedarfsindex=index, klasse=klasse).reset_index().rename(columns={"index": "raum_id"})
    werte = werte.rename(columns={werte.columns[0]: "raum_id"})
    return Bedarfsindex(jahr, gewichte, werte, tuple(sorted(wide.index[~eligible])))
