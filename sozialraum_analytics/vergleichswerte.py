"""Vergleichswerte: the Kreis beside published values of other regions (the Land, Germany, similar Kreise).

A planner imports a small table of the data kind ``vergleichswerte`` (``jahr, bezug, kennzahl, hilfeart, wert,
quelle``; :mod:`.tables`), as the KVJS reports give them for the 44 Kreise of Baden-Württemberg or the
AKJStat for the Länder. This module reads its ``kennzahl`` column and sets each value beside the Kreis's value
of the same Kennzahl, help group and year, computed by the :class:`~sozialraum_analytics.kennzahlen.Engine`:

- **Which Kennzahlen.** Only rates and averages, which do not grow with the size of a region (:data:`BASEN`):
  Eckwert, Ausgaben je Jugendeinwohner, Kosten je Hilfe, Anteil stationär, Dauer (mean, median). Counts
  (Inanspruchnahme, Ausgaben, Bevölkerung) of another region are refused when the file is read.
- **Denominator and scale are part of the Kennzahl.** ``eckwert_je_1000_u21`` is the Eckwert per 1,000 young
  people under 21 (KVJS), ``eckwert_je_10000_u18`` per 10,000 under 18 (AKJStat); the German labels
  (``Eckwert je 1.000 unter 21 Jahre``) are read too. A short ``eckwert`` means the KVJS default (je 1.000,
  unter 21) and the check report says so. A value is compared only with the Kreis's value of the same
  denominator: the Kreis is computed on the reference's denominator (:func:`vergleich`), or, where one
  denominator is asked for (the Entwicklung chart), a reference of another scale is converted (exact: × 10)
  and said so, one of another denominator is left out and named (:attr:`Vergleich.ausgelassen`).
- **The difference** is the Kreis's value minus the reference (``differenz``; for a share in percentage
  points) and the Kreis's value in per cent of it: ``(Kreis / Vergleichswert − 1) × 100`` (``abweichung_prozent``),
  as the Abweichung vom Kreiswert of the areas (:mod:`.registry`).

Reference values are published aggregates of other regions: nothing of them is suppressed. The Kreis's value
beside them comes from the engine it is asked of: from the public view's engine it is protected as everywhere,
and a withheld value is marked (``gesperrt``) with its difference left out.

Computing references from official GENESIS tables of several Kreise is not offered: :mod:`.amtlich` reads
population and social indicators, not the help statistics (22xxx tables) a Kreis's Eckwert would need.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import registry
from .altersgruppen import DENOMINATORS
from .dialect import normalise_header
from .formatting import format_number
from .hilfearten import HILFEGRUPPEN, HILFEGRUPPEN_BY_ID, RATE_GROUPS

if TYPE_CHECKING:
    from .kennzahlen import Engine, Optionen

# The Kennzahlen (registry bases) a value of another region can be set against, in the order they are listed.
BASEN = ("eckwert", "ausgaben_je_jugendeinwohner", "kosten_je_hilfe", "anteil_stationaer", "dauer_mittel_monate",
         "dauer_median_monate")
ECKWERT_NENNER = ("u21", "u18", "18_21")
AUSGABEN_NENNER = ("u21", "u18")
# Anteil stationär is defined on the HzE (with and without Erziehungsberatung) only.
ANTEIL_GRUPPEN = ("hze", "hze_ohne_eb")
# Registry ids of counts: they grow with the region, so another region's value says nothing about the Kreis.
_ANZAHLEN = ("inanspruchnahme", "begonnen", "beendet", "andauernd", "ausgaben", "bevoelkerung", "inobhutnahmen",
             "gefaehrdungseinschaetzungen")
# Denominators as labels write them ("unter 21") -> the ids of altersgruppen.DENOMINATORS.
_NENNER = {"unter_21": "u21", "unter_18": "u18", "18_bis_unter_21": "18_21"}

SPALTEN = ["jahr", "kennzahl", "hilfeart", "bezug", "quelle", "vergleichswert", "kreiswert", "differenz",
           "abweichung_prozent", "gesperrt", "umgerechnet"]


# --- reading the kennzahl column ---------------------------------------------------------------------
@dataclass(frozen=True)
class Lesung:
    """How one ``kennzahl`` cell was read: the registry id, or the German reason why not; ``hinweis``: a
    default that was filled in (said in the check report)."""

    id: str | None
    fehler: str | None = None
    hinweis: str | None = None


def erlaubte_kennzahlen() -> str:
    """The comparable Kennzahlen as a German list for messages."""
    beispiele = [registry.eckwert_id(1000, "u21"), registry.eckwert_id(10000, "u18"), registry.ausgaben_je_id("u21"),
                 "kosten_je_hilfe", "anteil_stationaer", "dauer_mittel_monate", "dauer_median_monate"]
    return ", ".join(f"{i} ({kennzahl_label(i)})" for i in beispiele)


def _schluessel(text: str) -> str:
    """``Eckwert je 1.000 unter 21 Jahre`` -> ``eckwert_je_1000_unter_21``: thousands dots and "Jahre" dropped."""
    key = normalise_header(re.sub(r"(?<=\d)\.(?=\d{3})", "", str(text)))
    return re.sub(r"_(jahre|jahren|jaehrige|jaehrigen|j)$", "", key)


def kennzahl_lesen(text: str) -> Lesung:
    """A ``kennzahl`` cell as the registry id it names, with denominator and scale.

    >>> kennzahl_lesen("eckwert_je_10000_u18").id, kennzahl_lesen("Eckwert je 1.000 unter 21 Jahre").id
    ('eckwert_je_10000_u18', 'eckwert_je_1000_u21')
    >>> lesung = kennzahl_lesen("Eckwert")
    >>> lesung.id, lesung.hinweis
    ('eckwert_je_1000_u21', 'je 1.000 junge Menschen unter 21 Jahren (Standard, KVJS)')
    >>> kennzahl_lesen("Inanspruchnahme").fehler[:60]
    '„Inanspruchnahme“ ist eine Anzahl: sie wächst mit der Größe '
    """
    key = _schluessel(text)
    if not key:
        return Lesung(None, "Pflichtangabe fehlt")
    if m := re.fullmatch(r"eckwert(?:e)?(?:_je_(\d+))?(?:_(u21|u18|18_21|unter_21|unter_18|18_bis_unter_21))?", key):
        skala = int(m[1]) if m[1] else 1000
        nenner = _NENNER.get(m[2], m[2]) if m[2] else "u21"
        if skala <= 0:
            return Lesung(None, f"„{text}“: die Skala des Eckwerts muss eine positive Zahl sein (je 1.000, je 10.000)")
        teile = [] if m[1] else [f"je {format_number(skala)}"]
        teile += [] if m[2] else ["junge Menschen unter 21 Jahren"]
        hinweis = f"{' '.join(teile)} (Standard, KVJS)" if teile else None
        return Lesung(registry.eckwert_id(skala, nenner), hinweis=hinweis)
    if m := re.fullmatch(r"ausgaben_je_(?:jugend)?einwohner(?:_(u21|u18|unter_21|unter_18))?", key):
        nenner = _NENNER.get(m[1], m[1]) if m[1] else "u21"
        return Lesung(registry.ausgaben_je_id(nenner),
                      hinweis=None if m[1] else "je junger Mensch unter 21 Jahren (Standard, KVJS)")
    if key in ("kosten_je_hilfe", "kosten_je_fall", "ausgaben_je_hilfe", "ausgaben_je_fall"):
        return Lesung("kosten_je_hilfe")
    if key in ("anteil_stationaer", "anteil_stationaerer_hilfen", "anteil_stationaere_hilfen", "stationaer_anteil",
               "anteil_stationaer_prozent", "stationaerquote"):
        return Lesung("anteil_stationaer")
    if key in ("dauer_mittel_monate", "dauer_beendeter_hilfen_mittelwert", "dauer_mittelwert", "mittlere_dauer"):
        return Lesung("dauer_mittel_monate")
    if key in ("dauer_median_monate", "dauer_beendeter_hilfen_median", "dauer_median"):
        return Lesung("dauer_median_monate")
    anzahl = next((a for a in _ANZAHLEN if key == a or key.startswith(a + "_")), None)
    if anzahl is not None:
        label = registry.describe(anzahl).label if anzahl in registry.KENNZAHLEN else text
        return Lesung(None, f"„{text}“ ist eine Anzahl: sie wächst mit der Größe des Gebiets ({label}), ein Wert "
                            f"eines anderen Gebiets ist mit dem Kreis nicht vergleichbar. Erwartet wird eine Quote oder "
                            f"ein Durchschnitt: {erlaubte_kennzahlen()}")
    return Lesung(None, f"„{text}“ ist keine vergleichbare Kennzahl, erwartet wird eine davon: {erlaubte_kennzahlen()}")


def hilfeart_pruefen(kennzahl: str, hilfeart: str) -> str | None:
    """Why the Kreis has no value of ``kennzahl`` for the help group ``hilfeart`` (German), else ``None``."""
    base = registry.base_of(kennzahl)
    label = HILFEGRUPPEN_BY_ID[hilfeart].label if hilfeart in HILFEGRUPPEN_BY_ID else hilfeart
    if base == "anteil_stationaer" and hilfeart not in ANTEIL_GRUPPEN:
        return (f"Den Anteil stationärer Hilfen gibt es nur für die Hilfen zur Erziehung: Hilfeart „HzE“ oder "
                f"„HzE ohne Erziehungsberatung“ angeben, nicht „{label}“")
    if hilfeart not in RATE_GROUPS:
        return (f"Für „{label}“ gibt es {registry.describe(kennzahl).label} nicht: Inobhutnahmen und "
                "Gefährdungseinschätzungen sind keine Hilfen zur Erziehung")
    return None


def parameter(kennzahl: str) -> tuple[str, int | None, str | None]:
    """``eckwert_je_10000_u18`` -> ``("eckwert", 10000, "u18")``; other ids without scale or denominator.

    >>> parameter("eckwert_je_1000_u21"), parameter("ausgaben_je_jugendeinwohner_u18"), parameter("kosten_je_hilfe")
    (('eckwert', 1000, 'u21'), ('ausgaben_je_jugendeinwohner', None, 'u18'), ('kosten_je_hilfe', None, None))
    """
    if m := re.fullmatch(r"eckwert_je_(\d+)_(\w+)", kennzahl):
        return "eckwert", int(m[1]), m[2]
    if m := re.fullmatch(r"ausgaben_je_jugendeinwohner_(\w+)", kennzahl):
        return "ausgaben_je_jugendeinwohner", None, m[1]
    return kennzahl, None, None


def vergleichsschluessel(kennzahl: str) -> str:
    """The Kennzahl without its scale: two values that differ only in it are the same figure (a duplicate)."""
    base, _skala, nenner = parameter(kennzahl)
    return f"{base}_{nenner}" if nenner else base


def umrechnung(referenz: str, ziel: str) -> float | None:
    """The factor that turns a value of Kennzahl ``referenz`` into one of ``ziel``: 1 for the same Kennzahl,
    the ratio of the scales for an Eckwert of the same denominator, ``None`` when they are not comparable.

    >>> umrechnung("eckwert_je_1000_u21", "eckwert_je_10000_u21"), umrechnung("eckwert_je_1000_u18", "eckwert_je_1000_u21")
    (10.0, None)
    """
    if referenz == ziel:
        return 1.0
    (base_r, skala_r, nenner_r), (base_z, skala_z, nenner_z) = parameter(referenz), parameter(ziel)
    if base_r == base_z == "eckwert" and nenner_r == nenner_z:
        return skala_z / skala_r
    return None


def _skala_text(skala: int) -> str:
    return f"je {format_number(skala)}"


def _nicht_vergleichbar(bezug: str, referenz: str, ziel: str) -> str:
    return (f"{bezug}: {kennzahl_label(referenz)} ist mit {kennzahl_label(ziel)} nicht vergleichbar (anderer Nenner); "
            "dafür die Bezugsgröße umstellen")


# --- the comparison ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reihe:
    """One reference over the years, for a chart: its ``bezug``, sources, years and values (already converted)."""

    bezug: str
    quellen: tuple[str, ...]
    jahre: tuple[int, ...]
    werte: tuple[float, ...]
    umgerechnet: str = ""

    @property
    def text(self) -> str:
        """``Musterland (Beispiel): Beispielwerte (Demo)``, with how the values were converted."""
        return f"{self.bezug}: {'; '.join(self.quellen)}" + (f" ({self.umgerechnet})" if self.umgerechnet else "")


def quellen_zeile(reihen: list[Reihe]) -> str:
    """The line under a chart that names each reference line's source (references of one source together).

    >>> quellen_zeile([Reihe("Land", ("KVJS 2024",), (2022, 2023), (1.8, 2.0)),
    ...                Reihe("Bund", ("KVJS 2024",), (2022, 2023), (1.9, 2.1), "umgerechnet von je 10.000 auf je 1.000")])
    'Vergleichswerte (grau): Land, Bund (umgerechnet von je 10.000 auf je 1.000) – Quelle: KVJS 2024'
    """
    je_quelle: dict[tuple[str, ...], list[str]] = {}
    for r in reihen:
        je_quelle.setdefault(r.quellen, []).append(r.bezug + (f" ({r.umgerechnet})" if r.umgerechnet else ""))
    return "Vergleichswerte (grau): " + " · ".join(f"{', '.join(bezuege)} – Quelle: {'; '.join(quellen)}"
                                                   for quellen, bezuege in je_quelle.items())


@dataclass(frozen=True)
class Vergleich:
    """The Kreis beside the reference values.

    ``werte``: one row per reference value, columns :data:`SPALTEN`: ``jahr``, ``kennzahl`` (registry id the
    row compares in), ``hilfeart`` (help group id), ``bezug``, ``quelle``, ``vergleichswert`` (converted to
    ``kennzahl`` where ``umgerechnet`` says how), ``kreiswert`` (NaN: no value or withheld), ``differenz``
    (Kreis − Vergleichswert), ``abweichung_prozent`` ((Kreis / Vergleichswert − 1) × 100), ``gesperrt``
    (the public view withholds the Kreis's value). ``ausgelassen``: German notes on references of the asked
    Kennzahl that have another denominator.
    """

    werte: pd.DataFrame
    ausgelassen: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.werte)

    def quellen(self) -> list[tuple[str, str]]:
        """The distinct (bezug, quelle) pairs, in the order of the rows."""
        paare = zip(self.werte["bezug"].astype(str), self.werte["quelle"].astype(str))
        return list(dict.fromkeys(paare))

    def quellen_text(self) -> str:
        """``Musterland (Beispiel), Bund (Beispiel): Beispielwerte (Demo) · …``: each source with its references."""
        je_quelle: dict[str, list[str]] = {}
        for bezug, quelle in self.quellen():
            je_quelle.setdefault(quelle, []).append(bezug)
        return " · ".join(f"{', '.join(bezuege)}: {quelle}" for quelle, bezuege in je_quelle.items())

    def reihen(self) -> list[Reihe]:
        """One :class:`Reihe` per ``bezug`` (of one Kennzahl and help group, as :func:`vergleich` was asked)."""
        out = []
        for bezug, teil in self.werte.groupby("bezug", sort=False):
            teil = teil.sort_values("jahr")
            out.append(Reihe(str(bezug), tuple(dict.fromkeys(teil["quelle"].astype(str))),
                             tuple(int(j) for j in teil["jahr"]), tuple(float(w) for w in teil["vergleichswert"]),
                             next((u for u in teil["umgerechnet"] if u), "")))
        return out


def _leer() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c not in ("kennzahl", "hilfeart", "bezug", "quelle",
                                                               "umgerechnet", "gesperrt") else object)
                         for c in SPALTEN})


def vergleichswerte(engine: Engine) -> pd.DataFrame | None:
    """The imported reference values of the engine's data (``jahr, bezug, kennzahl, hilfeart, wert, quelle``)."""
    tabelle = engine.dataset.tables.get("vergleichswerte")
    if tabelle is None or not len(tabelle):
        return None
    out = pd.DataFrame({"jahr": pd.to_numeric(tabelle["jahr"], errors="coerce"),
                        "bezug": tabelle["bezug"].astype(str), "kennzahl": tabelle["kennzahl"].astype(str),
                        "hilfeart": (tabelle["hilfeart"].astype(object).where(tabelle["hilfeart"].notna(), "gesamt")
                                     if "hilfeart" in tabelle else "gesamt"),
                        "wert": pd.to_numeric(tabelle["wert"], errors="coerce"),
                        "quelle": tabelle["quelle"].astype(str)})
    out = out.dropna(subset=["jahr", "wert"])
    return out.assign(jahr=out["jahr"].astype(int), hilfeart=out["hilfeart"].astype(str)).reset_index(drop=True)


def optionen_fuer(optionen: Optionen, kennzahl: str) -> Optionen:
    """The engine options under which the engine computes ``kennzahl`` (its denominator and scale)."""
    base, skala, nenner = parameter(kennzahl)
    if base == "eckwert":
        return replace(optionen, skala=skala, nenner=nenner)
    if base == "ausgaben_je_jugendeinwohner":
        return replace(optionen, ausgaben_nenner=nenner)
    return optionen


def _kreiswerte(engine: Engine, kennzahl: str, hilfeart: pd.Series, jahre: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The Kreis's value of ``kennzahl`` per row (NaN: none or withheld) and whether the public view withholds it."""
    from .dataset import KREIS_ID

    tabelle = engine.table("kreis")
    schluessel = pd.MultiIndex.from_arrays([jahre.astype(int).to_numpy(), np.full(len(jahre), KREIS_ID, dtype=object),
                                            hilfeart.to_numpy()])
    werte = (tabelle[kennzahl].reindex(schluessel).to_numpy(dtype=float) if kennzahl in tabelle.columns
             else np.full(len(jahre), np.nan))  # the public view drops what it never shows (rounding: Kosten je Hilfe)
    gesperrt = np.zeros(len(jahre), dtype=bool)
    if engine.oeffentlich:
        vermerk = engine.sperrvermerk("kreis", kennzahl).reindex(schluessel).fillna(0).to_numpy()
        exakt = engine.basis("kreis").get(kennzahl)
        genau = np.full(len(jahre), np.nan)
        if exakt is not None:
            # A value the exact engine has and the public one does not give is withheld ("•"), not missing ("–").
            genau = pd.Series(exakt.ravel(), index=tabelle.index).reindex(schluessel).to_numpy(dtype=float)
        gesperrt = (vermerk != 0) | (np.isnan(werte) & ~np.isnan(genau))
        werte = np.where(gesperrt, np.nan, werte)
    return werte, gesperrt


def vergleich(engine: Engine, kennzahl: str | None = None, hilfeart: str | None = None,
              jahre: list[int] | None = None, engine_fuer: Callable[[Optionen], Engine] | None = None) -> Vergleich:
    """The Kreis beside every imported reference value (of ``hilfeart`` and ``jahre`` where given).

    Without ``kennzahl`` each value is compared in its own Kennzahl: the Kreis is computed on the reference's
    denominator and scale by ``engine_fuer(optionen)`` (default: :meth:`Engine.mit_optionen`; the dashboard
    passes its cached engines of the same view). With ``kennzahl`` (an id the engine computes, e.g.
    ``engine.optionen.eckwert``) only the references of that Kennzahl are taken, converted to its scale; those
    with another denominator are named in :attr:`Vergleich.ausgelassen`.
    """
    referenzen = vergleichswerte(engine)
    if referenzen is None:
        return Vergleich(_leer())
    if hilfeart is not None:
        referenzen = referenzen[referenzen["hilfeart"] == hilfeart]
    if jahre is not None:
        referenzen = referenzen[referenzen["jahr"].isin(list(jahre))]
    ausgelassen: list[str] = []
    if kennzahl is not None:
        faktor = referenzen["kennzahl"].map(lambda k: umrechnung(k, kennzahl)).astype(float)
        gleich = referenzen["kennzahl"].map(lambda k: registry.base_of(k) == registry.base_of(kennzahl)).astype(bool)
        anders = referenzen[faktor.isna() & gleich][["bezug", "kennzahl"]].drop_duplicates()
        ausgelassen += [_nicht_vergleichbar(bezug, ref, kennzahl) for bezug, ref in anders.itertuples(index=False)]
        passend = faktor.notna()
        referenzen, faktor = referenzen[passend], faktor[passend]
        referenzen = referenzen.assign(
            wert=referenzen["wert"] * faktor, kennzahl=kennzahl,
            umgerechnet=["" if f == 1 else f"umgerechnet von {_skala_text(parameter(k)[1])} auf "
                                           f"{_skala_text(parameter(kennzahl)[1])}"
                         for k, f in zip(referenzen["kennzahl"], faktor)])
    else:
        referenzen = referenzen.assign(umgerechnet="")
    if referenzen.empty:
        return Vergleich(_leer(), tuple(ausgelassen))
    engine_fuer = engine_fuer or engine.mit_optionen
    bezuege = {b: i for i, b in enumerate(dict.fromkeys(referenzen["bezug"]))}  # as the file lists them
    teile = []
    for kz, teil in referenzen.groupby("kennzahl", sort=False):
        optionen = optionen_fuer(engine.optionen, str(kz))
        rechner = engine if optionen == engine.optionen else engine_fuer(optionen)
        kreis, gesperrt = _kreiswerte(rechner, str(kz), teil["hilfeart"], teil["jahr"])
        teile.append(teil.assign(kreiswert=kreis, gesperrt=gesperrt))
    werte = pd.concat(teile, ignore_index=True).rename(columns={"wert": "vergleichswert"})
    with np.errstate(invalid="ignore", divide="ignore"):
        werte["differenz"] = werte["kreiswert"] - werte["vergleichswert"]
        werte["abweichung_prozent"] = np.where(werte["vergleichswert"] > 0,
                                               (werte["kreiswert"] / werte["vergleichswert"] - 1) * 100, np.nan)
    gruppen = {g.id: i for i, g in enumerate(HILFEGRUPPEN)}
    werte = werte.assign(_k=[_reihenfolge(k) for k in werte["kennzahl"]],
                         _g=[gruppen.get(h, 99) for h in werte["hilfeart"]], _b=werte["bezug"].map(bezuege))
    werte = werte.sort_values(["_k", "_g", "_b", "jahr"], kind="mergesort").reset_index(drop=True)
    return Vergleich(werte[SPALTEN], tuple(ausgelassen))


def _reihenfolge(kennzahl: str) -> tuple[int, int, int]:
    """Kennzahlen in the order of :data:`BASEN`, an Eckwert's denominators as the dashboard offers them, then scales."""
    base, skala, nenner = parameter(kennzahl)
    nenner_rang = ECKWERT_NENNER.index(nenner) if nenner in ECKWERT_NENNER else 9
    return BASEN.index(base) if base in BASEN else 99, nenner_rang, skala or 0


def vergleich_im_jahr(engine: Engine, jahr: int, engine_fuer: Callable[[Optionen], Engine] | None = None) -> Vergleich:
    """The Kreis beside each reference in ``jahr``, or, where a reference has no value then, in its latest
    earlier year with one (published figures come a year or two late); references only of later years are
    left out. Each row compares in the reference's own Kennzahl (see :func:`vergleich`)."""
    referenzen = vergleichswerte(engine)
    if referenzen is None:
        return Vergleich(_leer())
    frueher = referenzen[referenzen["jahr"] <= jahr]
    if frueher.empty:
        return Vergleich(_leer())
    letzte = frueher.groupby(["kennzahl", "hilfeart", "bezug"], sort=False)["jahr"].transform("max")
    jahre = sorted(set(frueher.loc[frueher["jahr"] == letzte, "jahr"]))
    alle = vergleich(engine, jahre=jahre, engine_fuer=engine_fuer).werte
    serie = alle.groupby(["kennzahl", "hilfeart", "bezug"], sort=False)["jahr"].transform("max")
    gewaehlt = alle[(alle["jahr"] == serie) & (alle["jahr"] <= jahr)]
    return Vergleich(gewaehlt.reset_index(drop=True))


def hilfe_text(hilfeart: str) -> str:
    """The help group's German label (``gesamt`` -> ``Hilfen gesamt``)."""
    gruppe = HILFEGRUPPEN_BY_ID.get(hilfeart)
    return gruppe.label if gruppe else hilfeart


def kennzahl_label(kennzahl: str) -> str:
    """The Kennzahl's German label with its denominator (``Ausgaben je Jugendeinwohner (unter 18 Jahre)``).

    >>> kennzahl_label("eckwert_je_10000_u18"), kennzahl_label("ausgaben_je_jugendeinwohner_u21")
    ('Eckwert je 10.000 unter 18 Jahre', 'Ausgaben je Jugendeinwohner (unter 21 Jahre)')
    """
    base, _skala, nenner = parameter(kennzahl)
    label = registry.describe(kennzahl).label
    if base == "ausgaben_je_jugendeinwohner":
        return f"{label} ({DENOMINATORS[nenner].label.replace('0 bis unter', 'unter')})"
    return label


def kennzahl_text(kennzahl: str, hilfeart: str) -> str:
    """``Eckwert je 1.000 unter 21 Jahre, Hilfen gesamt``."""
    return f"{kennzahl_label(kennzahl)}, {hilfe_text(hilfeart)}"
