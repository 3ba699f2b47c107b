"""The composite needs index (Bedarfsindex), after Berlin MSS / Hamburg RISE / Münster.

For one year: each indicator is z-standardised across the areas (population standard
deviation, ddof=0, since the areas are the whole Kreis, not a sample), its sign flipped
where a low value means more need; the weighted mean of the z-values is standardised
again, so that the classes by standard deviation (default hoch > +1, erhöht 0…+1,
durchschnittlich −1…0, niedrig < −1; other boundaries by :class:`Klasseneinteilung`) mean the
same whatever the number of indicators.
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


@dataclass(frozen=True)
class Klasseneinteilung:
    """Class boundaries of the Bedarfsindex (in standard deviations) and the names of the classes.

    ``grenzen`` are the k−1 inner boundaries, increasing; ``namen`` the k names from the lowest need
    (class 1) to the highest (class k). Default: −1, 0, +1 with niedrig, durchschnittlich, erhöht,
    hoch. Social monitorings cut elsewhere, e.g. Berlin's MSS at −1, +1 and +1,5. A value exactly on
    a boundary belongs to the class nearer to the mean: on a negative boundary to the class above it,
    on 0 or a positive boundary to the class below it (−1 is durchschnittlich, +1 is erhöht).
    """

    grenzen: tuple[float, ...] = (-1.0, 0.0, 1.0)
    namen: tuple[str, ...] = ("niedrig", "durchschnittlich", "erhöht", "hoch")

    def __post_init__(self) -> None:
        grenzen = tuple(float(g) for g in self.grenzen)
        if not grenzen or not all(np.isfinite(grenzen)):
            raise ValueError("Die Klassengrenzen müssen Zahlen sein, mindestens eine (z. B. -1, 0, 1).")
        if any(b <= a for a, b in zip(grenzen, grenzen[1:])):
            raise ValueError("Die Klassengrenzen müssen aufsteigen, jede größer als die vorige (z. B. -1, 1, 1,5).")
        namen = tuple(str(n).strip() for n in self.namen)
        if len(namen) != len(grenzen) + 1:
            raise ValueError(f"{len(grenzen)} Grenzen ergeben {len(grenzen) + 1} Klassen; genannt sind "
                             f"{len(namen)} Namen ({', '.join(namen)}).")
        if any(not n for n in namen) or len(set(namen)) != len(namen):
            raise ValueError("Jede Klasse braucht einen eigenen, nicht leeren Namen.")
        object.__setattr__(self, "grenzen", grenzen)
        object.__setattr__(self, "namen", namen)

    @classmethod
    def aus_text(cls, grenzen: str, namen: str | None = None) -> Klasseneinteilung:
        """From a planner's text: ``"-1,1,1.5"`` (command line), ``"-1; 1; 1,5"`` or ``"-1 1 1,5"``;
        names separated by ``;`` or ``,``.

        Without names: four classes keep the usual names, other numbers are "Klasse 1" … "Klasse k".
        """
        import re

        from .dialect import parse_number

        text = grenzen.strip().replace("−", "-")
        if ";" in text:  # "-1; 1; 1,5": German decimals
            teile, stil = text.split(";"), "de"
        elif re.search(r"\d,\d", text) and re.search(r"\s", text) and "." not in text:  # "-1 1 1,5"
            teile, stil = text.split(), "de"
        else:  # "-1,1,1.5" as on the command line
            teile, stil = re.split(r"[,\s]+", text), "en"
        werte = []
        for teil in (t.strip() for t in teile if t.strip()):
            zahl = parse_number(teil, stil)
            if zahl is None:
                raise ValueError(f"„{teil}“ ist keine Zahl: erwartet werden Grenzen wie -1, 1, 1.5.")
            werte.append(zahl)
        if namen and namen.strip():
            liste = tuple(n.strip() for n in re.split(r"[;,]", namen) if n.strip())
        elif len(werte) == 3:
            liste = cls.namen
        else:
            liste = tuple(f"Klasse {i}" for i in range(1, len(werte) + 2))
        return cls(tuple(werte), liste)

    @property
    def k(self) -> int:
        return len(self.namen)

    def klassen(self, index: pd.Series) -> pd.Series:
        """Class 1 (lowest need) … k per area; NaN where there is no index."""
        werte = index.to_numpy(dtype=float)
        klasse = np.ones(len(werte))
        for grenze in self.grenzen:
            klasse += (werte >= grenze) if grenze < 0 else (werte > grenze)
        return pd.Series(np.where(np.isnan(werte), np.nan, klasse), index=index.index)

    def name(self, klasse: float) -> str | None:
        return None if klasse is None or np.isnan(klasse) else self.namen[int(klasse) - 1]

    def bereiche(self) -> list[str]:
        """The range of each class in words: ``"unter −1"``, ``"−1 bis 0"``, ``"über 0 bis +1"``, ``"über +1"``."""
        from .formatting import format_signed

        def z(g: float) -> str:
            stellen = len(f"{g:g}".partition(".")[2])
            return format_signed(g, stellen).replace("-", "−")

        out = []
        for i in range(self.k):
            unten = self.grenzen[i - 1] if i > 0 else None
            oben = self.grenzen[i] if i < len(self.grenzen) else None
            if unten is None:
                out.append(f"unter {z(oben)}" if oben <= 0 else f"bis {z(oben)}")
            elif oben is None:
                out.append(f"über {z(unten)}" if unten >= 0 else f"ab {z(unten)}")
            else:
                von = f"über {z(unten)}" if unten >= 0 else z(unten)
                bis = f"unter {z(oben)}" if oben < 0 else z(oben)
                out.append(f"{von} bis {bis}")
        return out

    def beschreibung(self) -> str:
        """``"1 = niedrig (unter −1), 2 = durchschnittlich (−1 bis 0), …"``: for legend and Methodik."""
        return ", ".join(f"{i} = {name} ({bereich})"
                         for i, (name, bereich) in enumerate(zip(self.namen, self.bereiche()), start=1))

    @property
    def ist_standard(self) -> bool:
        return self == Klasseneinteilung()


STANDARD_EINTEILUNG = Klasseneinteilung()


def klassen_sd(index: pd.Series, einteilung: Klasseneinteilung = STANDARD_EINTEILUNG) -> pd.Series:
    """Classes by standard deviations: default 4 hoch (> +1), 3 erhöht (0 … +1], 2 durchschnittlich
    [−1 … 0], 1 niedrig (< −1); other boundaries and names by ``einteilung``."""
    return einteilung.klassen(index)


def klassen_quantile(index: pd.Series, k: int = 4) -> pd.Series:
    """Classes 1…k by quantiles of the index (k = 4: quartiles), highest need = k."""
    ranks = index.rank(method="average", pct=True)
    return np.ceil(ranks * k).clip(1, k)


def compute_bedarfsindex(indikatoren: pd.DataFrame, einwohner: pd.Series, jahr: int,
                         gewichte: dict[str, float] | None = None, schema: str = "sd",
                         einteilung: Klasseneinteilung = STANDARD_EINTEILUNG) -> Bedarfsindex:
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
    klasse = klassen_sd(index, einteilung) if schema == "sd" else klassen_quantile(index)
    werte = z.assign(bedarfsindex=index, klasse=klasse).reset_index().rename(columns={"index": "raum_id"})
    werte = werte.rename(columns={werte.columns[0]: "raum_id"})
    return Bedarfsindex(jahr, gewichte, werte, tuple(sorted(wide.index[~eligible])))
