"""The Steckbrief (profile) of one area for one year: tables and a short German summary.

``steckbrief(engine, raum_id, jahr)`` gathers what a page shows about a Sozialraum (or a
Planungsraum): its age structure over the years, the help groups against the Kreis, the
social indicators and the Bedarfsindex, the offers located there, and a few generated
sentences (:class:`Aussage`). Every figure comes from the engine; each sentence names the
table and columns that show its figures, so the summary can always be traced to a shown value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .bedarfsindex import MIN_EINWOHNER
from .formatting import format_euro, format_number
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import EBENEN, Engine, Optionen
from .registry import describe, indikator_label
from .tables import TABLES

# The setting groups of the profile, in the order of the table.
HILFEN = ("gesamt", "ambulant", "teilstationaer", "stationaer", "§35a")
# Cut points of the readable age bands; where the data has no boundary at the first choice,
# the next is taken (school age ends at 15, or at 14 where the statistics cut there).
ALTERSGRENZEN = ((6,), (15, 14), (18,), (21,))

_INANSPRUCHNAHME_VON = {"gesamt": "der Hilfen gesamt", "ambulant": "ambulanter Hilfen zur Erziehung",
                        "teilstationaer": "teilstationärer Hilfen zur Erziehung",
                        "stationaer": "stationärer Hilfen zur Erziehung", "§35a": "der Eingliederungshilfe nach § 35a"}
_AUSGABEN_FUER = {"gesamt": "die Hilfen gesamt", "ambulant": "ambulante Hilfen zur Erziehung",
                  "teilstationaer": "teilstationäre Hilfen zur Erziehung",
                  "stationaer": "stationäre Hilfen zur Erziehung", "§35a": "die Eingliederungshilfe nach § 35a"}
# Denominator as it reads after "je 1.000 …" (Eckwert) and after "je Einwohner …" (Ausgaben).
_NENNER = {"u21": ("unter 21-Jährige", "unter 21 Jahren"), "u18": ("unter 18-Jährige", "unter 18 Jahren"),
           "18_21": ("18- bis unter 21-Jährige", "von 18 bis unter 21 Jahren"), "gesamt": ("Einwohner", "")}
# Figures are the engine's, with binary noise removed: 76.49999999999999 % is 76.5 % and
# rounds half up to 77 %, as the hand calculation says.
_STELLEN = 9


@dataclass(frozen=True)
class Aussage:
    """One sentence of the summary and the figures it states.

    ``tabelle`` names the Steckbrief table that shows the figures, in the row of ``hilfeart``
    (table ``hilfen``) or of ``kennzahl`` (table ``indikatoren``, row ``bedarfsindex``);
    ``spalten`` are that row's columns in the order the figures appear in the text.
    ``kreiswert`` is NaN where the sentence is not a comparison with the Kreis (trend,
    Bedarfsindex); ``abweichung_prozent`` is the deviation in % from the value the sentence
    compares with (Kreiswert, for the trend the previous year).
    """

    text: str
    kennzahl: str
    hilfeart: str | None
    wert: float
    kreiswert: float
    abweichung_prozent: float
    tabelle: str
    spalten: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Steckbrief:
    """Profile of one area (``ebene``, ``raum_id``) in ``jahr`` with the engine's ``optionen``.

    - ``bevoelkerung``: ``jahr, altersgruppe, einwohner`` for every year with population;
      ``altersgruppe`` an ordered categorical of readable bands (see :data:`ALTERSGRENZEN`),
      ``einwohner`` NaN where a count inside the band is unknown.
    - ``hilfen``: one row per :data:`HILFEN` group: ``hilfeart, label, inanspruchnahme,
      eckwert, eckwert_kreis, eckwert_abweichung_prozent, eckwert_vorjahr,
      eckwert_veraenderung_prozent, ausgaben, ausgaben_je_jugendeinwohner,
      ausgaben_je_jugendeinwohner_kreis, ausgaben_je_jugendeinwohner_abweichung_prozent``.
      Eckwert is ``optionen.eckwert``, Ausgaben je Jugendeinwohner ``optionen.ausgaben_je``;
      deviations in % of the Kreis value (NaN where it is 0 or missing).
    - ``indikatoren``: ``indikator, label, einheit, richtung, wert, kreiswert, abweichung,
      klasse, hinweis``; ``abweichung`` = wert − kreiswert in the indicator's unit. A last row
      ``bedarfsindex`` (when the index exists for the year) holds the index and its ``klasse``;
      an area without index (under 300 inhabitants, incomplete indicators) has NaN there and
      says why in ``hinweis``.
    - ``angebote``: the offers that existed in the year (``seit`` ≤ 31.12., ``bis`` ≥ 01.01.)
      in the area's Planungsräume: the columns of the angebote table plus ``raum_name``.
    - ``aussagen``: the summary (see :func:`steckbrief`).
    """

    ebene: str
    raum_id: str
    raum_name: str
    jahr: int
    optionen: Optionen
    bevoelkerung: pd.DataFrame
    hilfen: pd.DataFrame
    indikatoren: pd.DataFrame
    angebote: pd.DataFrame
    aussagen: tuple[Aussage, ...]


def steckbrief(engine: Engine, raum_id: str, jahr: int, ebene: str = "sozialraum", optionen: Optionen | None = None,
               schwelle: float = 0.2, max_aussagen: int = 5) -> Steckbrief:
    """The profile of ``raum_id`` in ``jahr``.

    Summary: each help group's Eckwert and Ausgaben je Jugendeinwohner whose deviation from
    the Kreis is at least ``schwelle`` (0.2 = 20 %), largest first, at most ``max_aussagen``
    (or one sentence that none is); then the change of the total Eckwert to the previous
    year and the Bedarfsindex class, where they exist. Missing values give no sentence.
    """
    if optionen is not None and optionen != engine.optionen:
        engine = engine.mit_optionen(optionen)
    if ebene not in EBENEN:
        raise ValueError(f"Unbekannte Ebene {ebene!r}; erlaubt: {', '.join(EBENEN)}")
    if raum_id not in engine.areas(ebene):
        raise ValueError(f"Gebiet {raum_id!r} gibt es auf der Ebene {ebene} nicht")
    if jahr not in engine.jahre:
        raise ValueError(f"Für {jahr} liegen keine Daten vor (Jahre: {', '.join(map(str, engine.jahre))})")
    hilfen = _hilfen(engine, ebene, raum_id, jahr)
    indikatoren = _indikatoren(engine, ebene, raum_id, jahr)
    return Steckbrief(ebene, raum_id, engine.dataset.area_names().get(raum_id, raum_id), jahr, engine.optionen,
                      _bevoelkerung(engine, ebene, raum_id), hilfen, indikatoren,
                      _angebote(engine, ebene, raum_id, jahr),
                      aussagen(hilfen, indikatoren, jahr, engine.optionen, schwelle, max_aussagen))


# --- tables -------------------------------------------------------------------------
def _hilfen(engine: Engine, ebene: str, raum_id: str, jahr: int) -> pd.DataFrame:
    table = engine.table(ebene)
    eck, je = engine.optionen.eckwert, engine.optionen.ausgaben_je

    def spalte(name: str, year: int = jahr) -> np.ndarray:
        if name not in table or year not in engine.jahre:
            return np.full(len(HILFEN), np.nan)
        return table.loc[(year, raum_id), name].reindex(list(HILFEN)).to_numpy(dtype=float)

    frame = pd.DataFrame({
        "hilfeart": HILFEN, "label": [HILFEGRUPPEN_BY_ID[h].label for h in HILFEN],
        "inanspruchnahme": spalte("inanspruchnahme"),
        "eckwert": spalte(eck), "eckwert_kreis": spalte(f"{eck}_kreiswert"),
        "eckwert_abweichung_prozent": spalte(f"{eck}_abweichung_kreis_prozent"),
        "eckwert_vorjahr": spalte(eck, jahr - 1), "eckwert_veraenderung_prozent": spalte(f"{eck}_vorjahr_prozent"),
        "ausgaben": spalte("ausgaben"),
        "ausgaben_je_jugendeinwohner": spalte(je), "ausgaben_je_jugendeinwohner_kreis": spalte(f"{je}_kreiswert"),
        "ausgaben_je_jugendeinwohner_abweichung_prozent": spalte(f"{je}_abweichung_kreis_prozent"),
    })
    return frame.round(_STELLEN)


def _indikatoren(engine: Engine, ebene: str, raum_id: str, jahr: int) -> pd.DataFrame:
    columns = ["indikator", "label", "einheit", "richtung", "wert", "kreiswert", "abweichung", "klasse", "hinweis"]
    ind = engine.indikatoren(ebene)
    ind = ind[(ind["jahr"] == jahr) & (ind["area"] == raum_id)].sort_values("indikator")
    kreis = engine.indikatoren("kreis")
    kreiswert = kreis[kreis["jahr"] == jahr].set_index("indikator")["wert"]
    quelle = engine.dataset.tables.get("indikatoren")
    einheit = {} if quelle is None or "einheit" not in quelle else \
        quelle.dropna(subset=["einheit"]).drop_duplicates("indikator").set_index("indikator")["einheit"].to_dict()
    frame = pd.DataFrame({
        "indikator": ind["indikator"].to_numpy(), "label": [indikator_label(i) for i in ind["indikator"]],
        "einheit": [str(einheit.get(i, "")) for i in ind["indikator"]],
        "richtung": ind["richtung"].fillna("").astype(str).to_numpy(), "wert": ind["wert"].to_numpy(dtype=float),
        "kreiswert": kreiswert.reindex(ind["indikator"]).to_numpy(dtype=float), "klasse": "", "hinweis": "",
    })
    frame["abweichung"] = frame["wert"] - frame["kreiswert"]
    index = engine.bedarfsindex(ebene, jahr) if ebene != "kreis" else None
    if index is not None:
        row = index[index["area"] == raum_id]
        wert = float(row["bedarfsindex"].iloc[0]) if len(row) else math.nan
        klasse, hinweis = "", ""
        if not math.isnan(wert):
            k = row["klasse"].iloc[0]
            klasse = str(row["klasse_label"].iloc[0]) if engine.optionen.klassen == "sd" else f"{int(k)}. Quartil"
        elif math.isnan(einwohner := _einwohner(engine, ebene, raum_id, jahr)):
            hinweis = "kein Bedarfsindex: Einwohnerzahl unbekannt"
        elif einwohner < MIN_EINWOHNER:
            hinweis = f"kein Bedarfsindex: weniger als {MIN_EINWOHNER} Einwohner"
        else:
            hinweis = "kein Bedarfsindex: Indikatoren unvollständig"
        info = describe("bedarfsindex")
        frame.loc[len(frame)] = {"indikator": "bedarfsindex", "label": info.label, "einheit": info.einheit,
                                 "richtung": "hoch", "wert": wert, "kreiswert": math.nan, "abweichung": math.nan,
                                 "klasse": klasse, "hinweis": hinweis}
    return frame[columns].round(_STELLEN)


def _einwohner(engine: Engine, ebene: str, raum_id: str, jahr: int) -> float:
    """All inhabitants, as the Bedarfsindex counts them (no population table: no limit)."""
    table = engine.table(ebene)
    if "bevoelkerung_gesamt" not in table:
        return math.inf
    return float(table.loc[(jahr, raum_id, "gesamt"), "bevoelkerung_gesamt"])


def _im_gebiet(engine: Engine, ebene: str, raum_id: str, frame: pd.DataFrame, jahr: int | None = None) -> np.ndarray:
    """Rows of ``frame`` that lie in the area, by the assignment valid in each row's year (or ``jahr``)."""
    ids = frame["raum_id"].astype(str)
    if ebene == "kreis":
        return np.ones(len(frame), dtype=bool)
    if ebene == "planungsraum":
        return (ids == raum_id).to_numpy()
    years = frame["jahr"].astype(int) if jahr is None else pd.Series(jahr, index=frame.index)
    assignment = engine.dataset.assignment(sorted(set(years)) or [0])
    lookup = dict(zip(zip(assignment["jahr"].astype(int), assignment["raum_id"]), assignment["sozialraum_id"]))
    # Data that arrives at Sozialraum level already carries the Sozialraum's id (as in the engine).
    return np.array([lookup.get((y, i), i) == raum_id for y, i in zip(years, ids)], dtype=bool)


def _bevoelkerung(engine: Engine, ebene: str, raum_id: str) -> pd.DataFrame:
    columns = ["jahr", "altersgruppe", "einwohner"]
    bev = engine.dataset.tables.get("bevoelkerung")
    if bev is None or not len(bev):
        return pd.DataFrame(columns=columns)
    bev = bev.dropna(subset=["jahr", "raum_id", "alter_von"])
    bev = bev[_im_gebiet(engine, ebene, raum_id, bev)]
    if not len(bev):
        return pd.DataFrame(columns=columns)
    von = bev["alter_von"].to_numpy(dtype=float)
    bis = bev["alter_bis"].to_numpy(dtype=float, na_value=np.nan)
    oben = np.where(np.isnan(bis), np.inf, bis)
    grenzen = set(von) | set(bis[~np.isnan(bis)])
    schnitte = []
    for wahl in ALTERSGRENZEN:
        # A cut point is usable where some group ends there and no group straddles it.
        schnitt = next((c for c in wahl if c in grenzen and not ((von < c) & (oben > c)).any()), None)
        if schnitt is not None:
            schnitte.append(schnitt)
    kanten = [int(von.min()), *schnitte, None if np.isinf(oben.max()) else int(oben.max())]
    labels = [f"{lo} und älter" if hi is None else f"{lo} bis unter {hi}" for lo, hi in zip(kanten, kanten[1:])]
    band = np.searchsorted(np.array(schnitte, dtype=float), von, side="right")
    rows = pd.DataFrame({"jahr": bev["jahr"].astype(int).to_numpy(),
                         "altersgruppe": pd.Categorical.from_codes(band, categories=labels, ordered=True),
                         "anzahl": bev["anzahl"].to_numpy(dtype=float, na_value=np.nan)})
    grouped = rows.groupby(["jahr", "altersgruppe"], observed=True)["anzahl"]
    # A band with an unknown count inside has no total.
    einwohner = grouped.sum().where(grouped.count() == grouped.size())
    return einwohner.rename("einwohner").reset_index()[columns]


def _angebote(engine: Engine, ebene: str, raum_id: str, jahr: int) -> pd.DataFrame:
    columns = [c.name for c in TABLES["angebote"].columns]
    angebote = engine.dataset.tables.get("angebote")
    if angebote is None or not len(angebote):
        return pd.DataFrame(columns=[*columns, "raum_name"])
    frame = angebote.reindex(columns=columns)
    frame = frame[frame["raum_id"].notna()]
    seit, bis = pd.to_datetime(frame["seit"]), pd.to_datetime(frame["bis"])
    besteht = (seit.isna() | (seit <= pd.Timestamp(jahr, 12, 31))) & (bis.isna() | (bis >= pd.Timestamp(jahr, 1, 1)))
    frame = frame[besteht.to_numpy() & _im_gebiet(engine, ebene, raum_id, frame, jahr)]
    namen = engine.dataset.area_names()
    frame = frame.assign(raum_id=frame["raum_id"].astype(str))
    frame["raum_name"] = [namen.get(i, i) for i in frame["raum_id"]]
    return frame.sort_values(["typ", "name"]).reset_index(drop=True)


# --- the summary ----------------------------------------------------------------------
def aussagen(hilfen: pd.DataFrame, indikatoren: pd.DataFrame, jahr: int, optionen: Optionen | None = None,
             schwelle: float = 0.2, max_aussagen: int = 5) -> tuple[Aussage, ...]:
    """The summary of a Steckbrief from its ``hilfen`` and ``indikatoren`` tables (rules: :func:`steckbrief`)."""
    optionen = optionen or Optionen()
    kandidaten, verglichen = _vergleiche(hilfen, optionen, schwelle)
    # Largest deviation first; ties keep Eckwert before Ausgaben and the order of the groups.
    saetze = sorted(kandidaten, key=lambda a: -abs(a.abweichung_prozent))[:max_aussagen]
    if not saetze:
        schwelle_text = format_number(schwelle * 100, 0 if float(schwelle * 100).is_integer() else 1)
        text = (f"Keine der Kennzahlen weicht um {schwelle_text} % oder mehr vom Kreiswert ab." if verglichen
                else f"Für {jahr} lässt sich keine Kennzahl mit dem Kreiswert vergleichen.")
        saetze.append(Aussage(text, "abweichung_kreis_prozent", None, math.nan, math.nan, math.nan, "hilfen"))
    saetze += _trend(hilfen, optionen, jahr) + _bedarf(indikatoren)
    return tuple(saetze)


def _prozent(value: float) -> str:
    return format_number(abs(value), 0)


def _eckwert_einheit(optionen: Optionen) -> str:
    return f"je {format_number(optionen.skala)} {_NENNER[optionen.nenner][0]}"


def _vergleiche(hilfen: pd.DataFrame, optionen: Optionen, schwelle: float) -> tuple[list[Aussage], bool]:
    """Sentences on the figures at least ``schwelle`` off the Kreis, and whether any figure could be compared."""
    eck_stellen, euro_stellen = describe(optionen.eckwert).dezimalen, describe(optionen.ausgaben_je).dezimalen
    euro_einheit = f"je Einwohner {_NENNER[optionen.ausgaben_nenner][1]}".rstrip()
    kandidaten, verglichen = [], False
    for spalte, kennzahl in (("eckwert", optionen.eckwert), ("ausgaben_je_jugendeinwohner", optionen.ausgaben_je)):
        for row in hilfen.to_dict("records"):
            wert, kreis, abweichung = row[spalte], row[f"{spalte}_kreis"], row[f"{spalte}_abweichung_prozent"]
            if any(math.isnan(v) for v in (wert, kreis, abweichung)) or kreis <= 0:
                continue
            verglichen = True
            if abweichung == 0 or abs(abweichung) < schwelle * 100 - 1e-9:
                continue
            lage = f"{_prozent(abweichung)} % {'über' if abweichung > 0 else 'unter'} dem Kreiswert"
            h = row["hilfeart"]
            if spalte == "eckwert":
                text = (f"Die Inanspruchnahme {_INANSPRUCHNAHME_VON[h]} liegt {lage} (Eckwert {format_number(wert, eck_stellen)} "
                        f"gegenüber {format_number(kreis, eck_stellen)} {_eckwert_einheit(optionen)}).")
            else:
                text = (f"Die Ausgaben je Jugendeinwohner für {_AUSGABEN_FUER[h]} liegen {lage} "
                        f"({format_euro(wert, euro_stellen)} gegenüber {format_euro(kreis, euro_stellen)} {euro_einheit}).")
            kandidaten.append(Aussage(text, kennzahl, h, wert, kreis, abweichung, "hilfen",
                                      (f"{spalte}_abweichung_prozent", spalte, f"{spalte}_kreis")))
    return kandidaten, verglichen


def _trend(hilfen: pd.DataFrame, optionen: Optionen, jahr: int) -> list[Aussage]:
    """The change of the total Eckwert to the previous year (none without a previous value > 0)."""
    gesamt = hilfen.set_index("hilfeart").loc["gesamt"]
    veraenderung, vorjahr, wert = (float(gesamt[c]) for c in ("eckwert_veraenderung_prozent", "eckwert_vorjahr", "eckwert"))
    if any(math.isnan(v) for v in (veraenderung, vorjahr, wert)):
        return []
    stellen = describe(optionen.eckwert).dezimalen
    spalten = ("eckwert_veraenderung_prozent", "eckwert_vorjahr", "eckwert")
    if _prozent(veraenderung) == "0":
        richtung, spalten = "etwa gleich geblieben", spalten[1:]
    else:
        richtung = f"um {_prozent(veraenderung)} % {'gestiegen' if veraenderung > 0 else 'gesunken'}"
    text = (f"Der Eckwert der Hilfen gesamt ist gegenüber {jahr - 1} {richtung} (von {format_number(vorjahr, stellen)} "
            f"auf {format_number(wert, stellen)} {_eckwert_einheit(optionen)}).")
    return [Aussage(text, f"{optionen.eckwert}_vorjahr_prozent", "gesamt", wert, math.nan, veraenderung, "hilfen", spalten)]


def _bedarf(indikatoren: pd.DataFrame) -> list[Aussage]:
    """The Bedarfsindex and its class, where the area has one."""
    index = indikatoren[indikatoren["indikator"] == "bedarfsindex"]
    if not len(index) or math.isnan(index["wert"].iloc[0]):
        return []
    wert, klasse = float(index["wert"].iloc[0]), index["klasse"].iloc[0]
    text = f"Der Bedarfsindex liegt mit {format_number(wert, describe('bedarfsindex').dezimalen)} in der Klasse „{klasse}“."
    return [Aussage(text, "bedarfsindex", None, wert, math.nan, math.nan, "indikatoren", ("wert",))]
