"""The official population projection (Bevölkerungsvorausberechnung) for the Prognose.

A Statistisches Landesamt projects the population per Kreis (sometimes per Gemeinde), by age group and
year, in one or more variants (Hauptvariante, BEV-VARIANTE-02 …). The kind ``bevoelkerungsprognose`` of
the data contract holds one variant of it; the Prognose takes its population instead of the linear
extrapolation and says so.

Three steps, each here once:

1. :func:`pruefen` — after either reader (plain CSV/XLSX or a GENESIS export): choose the variant (two
   variants without a choice are an error, never one picked silently), refuse missing-value codes,
   overlapping age groups and duplicates, and say how "unter 21" is estimated from the groups.
2. :func:`jahre_hinweise` — a projection that ends where the observed population ends adds nothing:
   a warning at import and in the data check.
3. :func:`je_gebiet` — the projected population of a denominator per area of a level. The age groups
   give the denominator with the same linear share rule as the population
   (:func:`altersgruppen.population_in_range`: "20 bis unter 25" counts 1/5 for "unter 21"). A projection
   per Gemeinde (Planungsraum) or Sozialraum is summed up; a projection per Kreis serves the Kreis, and
   Sozialräume or Planungsräume get it distributed by their share of the population in the last observed
   year (the share held constant), which every note says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .altersgruppen import DENOMINATORS, Altersbereich, population_in_range
from .dialect import SPECIAL_VALUES, fold
from .formatting import format_number, format_percent, jahre_text
from .pruefbericht import ValidationReport

if TYPE_CHECKING:
    from .dataset import Dataset

EBENEN_RANG = {"planungsraum": 0, "sozialraum": 1, "kreis": 2}
OHNE_VARIANTE = "ohne Angabe der Variante"
OHNE_QUELLE = "ohne Quellenangabe"
_ZEICHEN = {grund: zeichen for zeichen, grund in reversed(list(SPECIAL_VALUES.items()))}
_MAX_MELDUNGEN = 50


# --- 1. checking a file --------------------------------------------------------------------------------------

def varianten(frame: pd.DataFrame) -> list[str]:
    """The variants of a projection table as a planner chooses among them: ``"BEV-VARIANTE-02: Geburtenrate, …"``,
    ``"Hauptvariante"``; empty when the table names none."""
    return [_variantentext(code, name) for code, name in _variantenpaare(frame)]


def pruefen(frame: pd.DataFrame | None, report: ValidationReport, variante: str | None = None) -> pd.DataFrame | None:
    """The checks of a projection table, whichever reader gave it; ``None`` (errors in ``report``) when it is refused.

    ``variante``: the variant to keep, by its code (``BEV-VARIANTE-02``), its name or a part of either that
    fits one variant only (``G2L2W2``, ``Haupt``). A table with one variant needs no choice; a table that
    names none takes ``variante`` as its name.
    """
    if frame is None:
        return None
    frame = frame.copy()
    for spalte in ("variante", "variante_code", "quelle"):
        werte = frame[spalte].astype(object) if spalte in frame else pd.Series([None] * len(frame), index=frame.index)
        frame[spalte] = werte.where(werte.notna(), "").map(lambda v: str(v).strip())
    frame = _variante_waehlen(frame, report, variante)
    if frame is None:
        return None
    _fehlende_werte(frame, report)
    _ueberschneidungen(frame, report)
    doppelt = frame.duplicated(["jahr", "raum_id", "variante", "alter_von", "alter_bis"], keep="first").to_numpy()
    if doppelt.any():
        erste = frame.groupby(["jahr", "raum_id", "variante", "alter_von", "alter_bis"], dropna=False, observed=True,
                              sort=False)["zeile"].transform("min").to_numpy()
        for position in np.flatnonzero(doppelt)[:_MAX_MELDUNGEN]:
            report.error(f"Jahr, Gebiet, Variante und Altersgruppe doppelt (schon in Zeile {int(erste[position])})",
                         int(frame["zeile"].iat[position]))
    if not report.ok:
        return None
    from .amtlich import altersgrenzen_hinweise  # the population's note, for the same rule

    for meldung in altersgrenzen_hinweise(frame):
        report.warning(meldung)
    frame = frame.drop(columns="variante_code")
    report.info(f"Vorausberechnung: {_gebiete(frame['raum_id'])}, Jahre {jahre_text(set(frame['jahr'].dropna().astype(int)))}, "
                f"{variante_und_quelle(frame)}.")
    return frame.reset_index(drop=True)


def _variantenpaare(frame: pd.DataFrame) -> list[tuple[str, str]]:
    codes = frame["variante_code"] if "variante_code" in frame else pd.Series([""] * len(frame), index=frame.index)
    namen = frame["variante"] if "variante" in frame else pd.Series([""] * len(frame), index=frame.index)
    paare = zip(codes.astype(object).fillna("").astype(str), namen.astype(object).fillna("").astype(str))
    return [p for p in dict.fromkeys((c.strip(), n.strip()) for c, n in paare) if any(p)]


def _variantentext(code: str, name: str) -> str:
    return f"{code}: {name}" if code and name and code != name else (name or code)


def _variante_waehlen(frame: pd.DataFrame, report: ValidationReport, variante: str | None) -> pd.DataFrame | None:
    paare = _variantenpaare(frame)
    leer = ((frame["variante"] == "") & (frame["variante_code"] == "")).to_numpy()
    if paare and leer.any():
        zeile = int(frame["zeile"].iat[int(np.argmax(leer))])
        report.error("Die Zeile nennt keine Variante, andere Zeilen der Datei schon: bitte für jede Zeile die Variante "
                     "angeben", zeile, "variante")
        return None
    wahl = (variante or "").strip()
    if not paare:
        if wahl:
            frame["variante"] = wahl
            report.info(f"Die Datei nennt keine Variante; übernommen als Variante „{wahl}“.")
        return frame
    if not wahl:
        if len(paare) == 1:
            return frame
        liste = "; ".join(f"„{_variantentext(*p)}“" for p in paare)
        report.error(f"Die Datei enthält {len(paare)} Varianten der Vorausberechnung: {liste}. Die Prognose braucht "
                     "genau eine; es wird keine stillschweigend genommen. Bitte eine wählen (Seite Daten importieren: "
                     "„Variante der Vorausberechnung“; Kommandozeile: --variante NAME; ein Datenordner braucht eine Datei mit "
                     "nur einer Variante).")
        return None
    gesucht = fold(wahl).strip()
    treffer = [p for p in paare if gesucht in (fold(p[0]).strip(), fold(p[1]).strip(), fold(_variantentext(*p)).strip())]
    if not treffer:
        treffer = [p for p in paare if gesucht and any(gesucht in fold(t) for t in p)]
    if len(treffer) != 1:
        liste = "; ".join(f"„{_variantentext(*p)}“" for p in paare)
        wie = "passt zu keiner" if not treffer else f"passt zu {len(treffer)}"
        report.error(f"Die Variante „{wahl}“ {wie} der Varianten der Datei: {liste}. Bitte den Code oder den Namen "
                     "einer Variante angeben.")
        return None
    code, name = treffer[0]
    behalten = ((frame["variante_code"] == code) & (frame["variante"] == name)).to_numpy()
    andere = [f"„{_variantentext(*p)}“" for p in paare if p != (code, name)]
    if andere:
        report.info(f"Gewählt: Variante „{_variantentext(code, name)}“; nicht übernommen: {', '.join(andere)}.")
    frame = frame[behalten].copy()
    if not name:
        frame["variante"] = code
    return frame


def _fehlende_werte(frame: pd.DataFrame, report: ValidationReport) -> None:
    """Every projected count is a number: an official sign or an empty cell is refused, never read as 0."""
    fehlt = frame["anzahl"].isna().to_numpy()
    if not fehlt.any():
        return
    gruende = frame["anzahl_grund"].astype(object) if "anzahl_grund" in frame else pd.Series(None, index=frame.index)
    spalte = frame.attrs.get("spalten", {}).get("anzahl", "anzahl")
    for position in np.flatnonzero(fehlt)[:_MAX_MELDUNGEN]:
        grund = gruende.iat[position]
        if isinstance(grund, str) and grund:
            zeichen = _ZEICHEN.get(grund, grund)
            was, wert = f"„{zeichen}“ ({grund}) ist keine Anzahl", zeichen
        else:
            was, wert = "Die Zelle ist leer", ""
        report.error(f"{was}: eine Vorausberechnung braucht in jeder Zelle eine Zahl (Fehlwert-Codes und amtliche "
                     "Zeichen werden nicht als 0 gelesen). Bitte die Tabelle ohne fehlende Werte exportieren",
                     int(frame["zeile"].iat[position]), spalte, wert or None)
    if fehlt.sum() > _MAX_MELDUNGEN:
        report.error(f"… und {int(fehlt.sum()) - _MAX_MELDUNGEN} weitere Zellen ohne Zahl.")


def _gruppe(von: float, bis: float) -> str:
    if not np.isfinite(bis):
        return f"{int(von)} Jahre und älter"
    return f"unter {int(bis)} Jahre" if von == 0 else f"{int(von)} bis unter {int(bis)} Jahre"


def _ueberschneidungen(frame: pd.DataFrame, report: ValidationReport) -> None:
    """Age groups of one area, year and variant must not overlap (the population's reader keeps the finest tiling;
    a projection is refused instead: which of two overlapping projections is meant cannot be guessed)."""
    von = frame["alter_von"].to_numpy(dtype=float)
    bis = np.nan_to_num(frame["alter_bis"].to_numpy(dtype=float, na_value=np.nan), nan=np.inf)
    gruppen = pd.Series(list(zip(von, bis)), index=frame.index)
    schluessel = [frame["jahr"].astype(str), frame["raum_id"].astype(str), frame["variante"]]
    gemeldet: set[tuple] = set()
    for _, teil in gruppen.groupby(schluessel, sort=False):
        bereiche = sorted(set(teil))
        for a, b in zip(bereiche, bereiche[1:]):
            if b[0] < a[1] and (a, b) not in gemeldet:
                gemeldet.add((a, b))
                zeile = int(frame.loc[teil.index[teil.map(lambda g, b=b: g == b).to_numpy()][0], "zeile"])
                report.error(f"Die Altersgruppen „{_gruppe(*a)}“ und „{_gruppe(*b)}“ überschneiden sich: so zählten "
                             "Menschen doppelt. Eine Vorausberechnung braucht überschneidungsfreie Altersgruppen "
                             "(Summenzeilen wie „Insgesamt“ werden von selbst ausgelassen)", zeile, "altersgruppe")
                if len(gemeldet) >= _MAX_MELDUNGEN:
                    return


def _gebiete(raum_ids: pd.Series) -> str:
    ids = sorted(set(raum_ids.astype(str)))
    return f"{len(ids)} {'Gebiet' if len(ids) == 1 else 'Gebiete'} ({', '.join(ids[:5])}{' …' if len(ids) > 5 else ''})"


def variante_und_quelle(frame: pd.DataFrame) -> str:
    """``"Statistisches Landesamt Baden-Württemberg, Variante Hauptvariante"`` for the notes."""
    quellen = [q for q in dict.fromkeys(frame["quelle"].astype(object).fillna("").astype(str)) if q] \
        if "quelle" in frame else []
    namen = [v for v in dict.fromkeys(frame["variante"].astype(object).fillna("").astype(str)) if v] \
        if "variante" in frame else []
    quelle = "; ".join(quellen) or OHNE_QUELLE
    return f"{quelle}, {'Variante ' + ', '.join(namen) if namen else OHNE_VARIANTE}"




# --- 2. years -----------------------------------------------------------------------------------------------

def jahre_hinweise(prognose: pd.DataFrame | None, bevoelkerung: pd.DataFrame | None) -> list[str]:
    """German warnings when the projection's years end where the observed population ends (or before)."""
    if prognose is None or bevoelkerung is None or not len(prognose) or not len(bevoelkerung):
        return []
    beobachtet = pd.to_numeric(bevoelkerung["jahr"], errors="coerce").dropna()
    vorausberechnet = pd.to_numeric(prognose["jahr"], errors="coerce").dropna()
    if not len(beobachtet) or not len(vorausberechnet):
        return []
    letztes, bis = int(beobachtet.max()), int(vorausberechnet.max())
    if bis > letztes:
        return []
    return [f"Die Bevölkerungsvorausberechnung reicht nur bis {bis} ({jahre_text(set(vorausberechnet.astype(int)))}), die "
            f"beobachtete Bevölkerung schon bis {letztes}: für diese Jahre gilt die beobachtete Bevölkerung, die "
            f"Prognose (ab {letztes + 1}) schreibt die Bevölkerung daher weiter linear fort. Eine neuere "
            "Vorausberechnung importieren."]


def mit_der_bevoelkerung_pruefen(ergebnis, bevoelkerung: pd.DataFrame | None) -> None:  # noqa: ANN001 - ReadResult
    """:func:`jahre_hinweise` of a read projection (a :class:`readers.ReadResult`) against the population the
    dashboard shows, added to its report as warnings (the upload page and ``importieren`` alike)."""
    if ergebnis.kind == "bevoelkerungsprognose" and ergebnis.ok:
        for meldung in jahre_hinweise(ergebnis.frame, bevoelkerung):
            ergebnis.report.warning(meldung)


# --- 3. the population per area -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bevoelkerungsvorgabe:
    """The projected population of one area for :func:`prognose.prognostizieren`.

    ``werte``: ``jahr, bevoelkerung`` (None when the projection cannot be used for this area; ``hinweise``
    say why); ``herkunft``: ``"Statistisches Landesamt …, Variante …"``; ``hinweise``: German notes
    (estimated age limits, distribution by shares).
    """

    werte: pd.DataFrame | None
    herkunft: str
    hinweise: tuple[str, ...] = ()

    @property
    def quelle(self) -> str:
        """What every output names: ``"amtliche Vorausberechnung (Statistisches Landesamt …, Variante …)"``."""
        return f"amtliche Vorausberechnung ({self.herkunft})"


@dataclass(frozen=True)
class GebietsVorausberechnung:
    """:func:`je_gebiet`: ``werte`` = ``raum_id, jahr, bevoelkerung`` for the areas of a level, ``herkunft`` as in
    :class:`Bevoelkerungsvorgabe`, ``hinweise`` for every area, ``je_gebiet`` notes of single areas."""

    werte: pd.DataFrame
    herkunft: str
    hinweise: tuple[str, ...] = ()
    je_gebiet: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def fuer(self, gebiet: str) -> Bevoelkerungsvorgabe:
        """The projection of one area (``KREIS_ID`` for the Kreis)."""
        zeilen = self.werte.loc[(self.werte["raum_id"] == gebiet) & self.werte["bevoelkerung"].notna(),
                                ["jahr", "bevoelkerung"]].reset_index(drop=True)
        return Bevoelkerungsvorgabe(zeilen if len(zeilen) else None, self.herkunft,
                                    self.hinweise + self.je_gebiet.get(gebiet, ()))


def je_gebiet(tabelle: pd.DataFrame, ebene: str, nenner: str, dataset: Dataset, beobachtet: pd.DataFrame | None,
              gebiete: list[str]) -> GebietsVorausberechnung:
    """The projected population of denominator ``nenner`` (``u21``, ``u18``, ``18_21``) per area of ``ebene``.

    ``tabelle``: the ``bevoelkerungsprognose`` table (one variant); ``beobachtet``: the observed population per
    ``jahr, raum_id`` with one column per denominator (the engine's); ``gebiete``: the areas of ``ebene``.
    The projection's own level is found from its keys: Planungsräume, Sozialräume, or one key that is the
    Kreis (the only one, or the one every Planungsraum key starts with, e.g. ``08317`` for ``08317001``).
    """
    bereich = DENOMINATORS[nenner]
    quelle = variante_und_quelle(tabelle)
    leer = pd.DataFrame({"raum_id": pd.Series(dtype=object), "jahr": pd.Series(dtype=int),
                         "bevoelkerung": pd.Series(dtype=float)})
    zeilen = tabelle.dropna(subset=["jahr", "raum_id", "alter_von"])
    zeilen = zeilen.assign(raum_id=zeilen["raum_id"].astype(str), jahr=zeilen["jahr"].astype(np.int64))
    projektion = population_in_range(zeilen, bereich)[["jahr", "raum_id", "anzahl"]]
    hinweise = [h for h in (_schaetz_hinweis(zeilen, bereich),) if h]

    pr = dataset.planungsraeume()
    pr_ids, sr_ids = set(pr["raum_id"].astype(str)), set(pr["sozialraum_id"].dropna().astype(str))
    ids = set(projektion["raum_id"])
    if ids & pr_ids:
        quelle_ebene, genutzt = "planungsraum", ids & pr_ids
    elif ids & sr_ids:
        quelle_ebene, genutzt = "sozialraum", ids & sr_ids
    else:
        quelle_ebene = "kreis"
        kandidaten = sorted(ids) if len(ids) == 1 else sorted(i for i in ids if pr_ids and all(p.startswith(i) for p in pr_ids))
        if len(kandidaten) != 1:
            gefunden = ", ".join(sorted(ids)[:8]) + (" …" if len(ids) > 8 else "")
            return GebietsVorausberechnung(leer, quelle, (
                f"Die Vorausberechnung lässt sich keinem Gebiet zuordnen: ihre Schlüssel ({gefunden}) sind weder "
                "Planungsräume noch Sozialräume noch der eine Kreis (der Schlüssel, mit dem alle Planungsräume "
                "beginnen). Beim Import auf den Kreis einschränken (z. B. --kreis 08317). Die Bevölkerung wird "
                "daher linear fortgeschrieben.",))
        genutzt = set(kandidaten)
    if ids - genutzt:
        weg = sorted(ids - genutzt)
        hinweise.append(f"Nicht verwendet (keine Gebiete dieser Ebene): {', '.join(weg[:8])}{' …' if len(weg) > 8 else ''}.")
    projektion = projektion[projektion["raum_id"].isin(genutzt)]

    if EBENEN_RANG[quelle_ebene] <= EBENEN_RANG[ebene]:
        werte, je = _zusammenfassen(projektion, quelle_ebene, ebene, dataset, pr_ids, sr_ids, genutzt)
    else:
        werte, je, verteilt = _verteilen(projektion, quelle_ebene, ebene, dataset, beobachtet, bereich, gebiete)
        hinweise.append(verteilt)
    werte = werte[werte["raum_id"].isin(gebiete)].sort_values(["raum_id", "jahr"], ignore_index=True)
    return GebietsVorausberechnung(werte.reindex(columns=list(leer.columns)), quelle, tuple(hinweise), je)


def _ziel(dataset: Dataset, quelle_ebene: str, ebene: str, jahre, raum_ids) -> list:  # noqa: ANN001 - sequences
    """The area of ``ebene`` of each projection key (a key of ``quelle_ebene``) in each year."""
    from .dataset import KREIS_ID  # dataset reads files through lesen, which checks with this module

    if ebene == "kreis":
        return [KREIS_ID] * len(raum_ids)
    if ebene == quelle_ebene:
        return list(raum_ids)
    return dataset.sozialraum_von(jahre, raum_ids)


def _zusammenfassen(projektion: pd.DataFrame, quelle_ebene: str, ebene: str, dataset: Dataset, pr_ids: set[str],
                    sr_ids: set[str], genutzt: set[str]) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Sum the projection's areas into the areas of ``ebene``; an area some member of which the projection lacks
    in a year gets no value for that year (its members are named)."""
    erwartet = sorted(pr_ids if quelle_ebene == "planungsraum" else sr_ids if quelle_ebene == "sozialraum" else genutzt)
    teile, fehlend = [], {}
    for jahr, jahresteil in projektion.groupby("jahr", sort=True):
        vorhanden = jahresteil.dropna(subset=["anzahl"])
        ziel = pd.Series(_ziel(dataset, quelle_ebene, ebene, int(jahr), erwartet), index=erwartet)
        summe = vorhanden.assign(gebiet=vorhanden["raum_id"].map(ziel)).groupby("gebiet")["anzahl"].sum()
        for raum_id in sorted(set(erwartet) - set(vorhanden["raum_id"])):
            fehlend.setdefault(ziel[raum_id], {}).setdefault(raum_id, []).append(int(jahr))
        luecken = {ziel[r] for r in set(erwartet) - set(vorhanden["raum_id"])}
        teile.append(pd.DataFrame({"raum_id": summe.index.astype(str), "jahr": int(jahr),
                                   "bevoelkerung": [np.nan if g in luecken else v for g, v in summe.items()]}))
    werte = pd.concat(teile, ignore_index=True) if teile else pd.DataFrame(columns=["raum_id", "jahr", "bevoelkerung"])
    je = {gebiet: (f"Die Vorausberechnung fehlt für {', '.join(f'{r} ({jahre_text(j)})' for r, j in sorted(glieder.items()))}: "
                   "in diesen Jahren wird die Bevölkerung des Gebiets linear fortgeschrieben.",)
          for gebiet, glieder in fehlend.items()}
    return werte, je


def _verteilen(projektion: pd.DataFrame, quelle_ebene: str, ebene: str, dataset: Dataset,
               beobachtet: pd.DataFrame | None, bereich: Altersbereich,
               gebiete: list[str]) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]], str]:
    """A coarser projection onto the areas of ``ebene`` by each area's share of the observed population in the
    last observed year: projection(area, j) = projection(its Kreis or Sozialraum, j) × share."""
    wer = "den Kreis" if quelle_ebene == "kreis" else "die Sozialräume"
    wen = "die Sozialräume" if ebene == "sozialraum" else "die Planungsräume"
    spalte = bereich.id
    if beobachtet is None or spalte not in beobachtet or beobachtet[spalte].notna().sum() == 0:
        return (pd.DataFrame(columns=["raum_id", "jahr", "bevoelkerung"]), {},
                f"Die Vorausberechnung liegt nur für {wer} vor, und ohne beobachtete Bevölkerung lässt sie sich nicht "
                f"auf {wen} verteilen: die Bevölkerung wird linear fortgeschrieben.")
    basis = beobachtet.dropna(subset=[spalte])
    jahr0 = int(basis["jahr"].max())
    basis = basis[basis["jahr"] == jahr0]
    ids = basis["raum_id"].astype(str).tolist()
    gebiet = _ziel(dataset, "planungsraum", ebene, jahr0, ids)
    ober = _ziel(dataset, "planungsraum", quelle_ebene, jahr0, ids)
    kreis_schluessel = next(iter(set(projektion["raum_id"]))) if quelle_ebene == "kreis" else None
    teil = pd.DataFrame({"gebiet": [str(g) for g in gebiet],
                         "ober": [kreis_schluessel if quelle_ebene == "kreis" else str(o) for o in ober],
                         "anzahl": basis[spalte].to_numpy(dtype=float)})
    je_gebiet = teil.groupby(["gebiet", "ober"], sort=True)["anzahl"].sum().reset_index()
    je_ober = teil.groupby("ober")["anzahl"].sum()
    je_gebiet["anteil"] = je_gebiet["anzahl"] / je_gebiet["ober"].map(je_ober)
    je_gebiet = je_gebiet[je_gebiet["gebiet"].isin(gebiete)]
    werte = je_gebiet.merge(projektion.rename(columns={"raum_id": "ober", "anzahl": "ober_anzahl"}), on="ober")
    werte = pd.DataFrame({"raum_id": werte["gebiet"], "jahr": werte["jahr"].astype(int),
                          "bevoelkerung": werte["anteil"] * werte["ober_anzahl"]})
    je = {}
    for zeile in je_gebiet.itertuples():
        gesamt = je_ober.get(zeile.ober, np.nan)
        je[zeile.gebiet] = (f"Anteil {'am Kreis' if quelle_ebene == 'kreis' else 'an seinem Sozialraum'}: "
                            f"{format_percent(zeile.anteil * 100, 1)} ({format_number(zeile.anzahl)} von "
                            f"{format_number(gesamt)} Einwohnern {bereich.label} am 31.12.{jahr0}).",)
    verteilt = (f"Die Vorausberechnung liegt nur für {wer} vor: auf {wen} verteilt nach ihrem Anteil an der "
                f"Bevölkerung ({bereich.label}) am 31.12.{jahr0}; angenommen ist, dass dieser Anteil gleich bleibt.")
    return werte, je, verteilt


def _schaetz_hinweis(zeilen: pd.DataFrame, bereich: Altersbereich) -> str | None:
    """How the denominator is estimated from groups that straddle its limits (as for the population)."""
    von = zeilen["alter_von"].to_numpy(dtype=float)
    bis = np.nan_to_num(zeilen["alter_bis"].to_numpy(dtype=float, na_value=np.nan), nan=np.inf)
    grenzen = [g for g in (bereich.von, bereich.bis) if g is not None and g > 0]
    teile = []
    for grenze in grenzen:
        for a, b in sorted({(v, o) for v, o in zip(von, bis) if v < grenze < o}):
            if not np.isfinite(b):
                return (f"{bereich.label} lässt sich aus den Altersgruppen der Vorausberechnung nicht bilden: die Gruppe "
                        f"ab {int(a)} Jahren ist nach oben offen.")
            innen = (grenze - a) if grenze == bereich.bis else (b - grenze)
            teile.append(f"„{_gruppe(a, b)}“ zu {Fraction(int(innen), int(b - a))}")
    if not teile:
        return None
    return (f"Bevölkerung {bereich.label} aus den Altersgruppen der Vorausberechnung geschätzt: {', '.join(teile)} "
            "(die Altersjahre einer Gruppe gelten als gleich stark besetzt, dieselbe lineare Aufteilung wie bei der "
            "Bevölkerung).")
