"""Meilensteine of the steering group: stored in the database, every change kept as history.

A milestone has a title, a Sozialraum (or none: all), a due date, a status, who is responsible and a
note. Creating, changing and deleting each write the new state into ``meilensteine`` (revision
``stand`` + 1) and a copy with who and when into ``meilenstein_historie``, in one transaction:
the history is complete, and nothing is ever overwritten without trace. Deleting only marks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from .store import Store, meilenstein_historie, meilensteine

STATUS = ("geplant", "in Arbeit", "erledigt", "verschoben", "entfallen")
FELDER = ("titel", "raum_id", "faellig", "status", "verantwortlich", "notiz")


class MeilensteinFehler(ValueError):
    """A German message for the form."""


@dataclass(frozen=True)
class Meilenstein:
    titel: str
    faellig: dt.date
    status: str = "geplant"
    raum_id: str | None = None
    verantwortlich: str | None = None
    notiz: str | None = None

    def pruefen(self) -> None:
        if not (self.titel or "").strip():
            raise MeilensteinFehler("Ein Meilenstein braucht einen Titel.")
        if len(self.titel) > 200:
            raise MeilensteinFehler("Der Titel ist zu lang (höchstens 200 Zeichen).")
        if self.status not in STATUS:
            raise MeilensteinFehler(f"Unbekannter Status „{self.status}“; erlaubt: {', '.join(STATUS)}.")
        if not isinstance(self.faellig, dt.date):
            raise MeilensteinFehler("Das Fälligkeitsdatum fehlt oder ist kein Datum.")

    def werte(self) -> dict:
        return {"titel": self.titel.strip(), "raum_id": self.raum_id or None, "faellig": self.faellig,
                "status": self.status, "verantwortlich": (self.verantwortlich or "").strip() or None,
                "notiz": (self.notiz or "").strip() or None}


def _jetzt() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def anlegen(store: Store, meilenstein: Meilenstein, benutzer: str) -> int:
    """Store a new milestone; returns its id."""
    meilenstein.pruefen()
    werte = meilenstein.werte()
    with store._transaction() as conn:
        neu = conn.execute(meilensteine.insert().values(**werte, stand=1, geloescht=False)
                           .returning(meilensteine.c.id)).scalar_one()
        conn.execute(meilenstein_historie.insert().values(meilenstein_id=neu, stand=1, aktion="angelegt",
                                                          zeit=_jetzt(), benutzer=benutzer, **werte))
    return int(neu)


def aendern(store: Store, meilenstein_id: int, meilenstein: Meilenstein, benutzer: str,
            stand: int | None = None) -> int:
    """Replace a milestone's fields; the old state stays in the history. Returns the new revision.

    With ``stand`` given, the change is refused when someone else changed it meanwhile.
    """
    meilenstein.pruefen()
    werte = meilenstein.werte()
    with store._transaction() as conn:
        row = conn.execute(sa.select(meilensteine.c.stand, meilensteine.c.geloescht)
                           .where(meilensteine.c.id == meilenstein_id)).one_or_none()
        if row is None or row.geloescht:
            raise MeilensteinFehler(f"Den Meilenstein {meilenstein_id} gibt es nicht (mehr).")
        if stand is not None and row.stand != stand:
            raise MeilensteinFehler("Der Meilenstein wurde inzwischen von jemand anderem geändert. "
                                    "Bitte neu laden und die Änderung noch einmal eintragen.")
        neu = row.stand + 1
        conn.execute(meilensteine.update().where(meilensteine.c.id == meilenstein_id).values(**werte, stand=neu))
        conn.execute(meilenstein_historie.insert().values(meilenstein_id=meilenstein_id, stand=neu, aktion="geändert",
                                                          zeit=_jetzt(), benutzer=benutzer, **werte))
    return neu


def loeschen(store: Store, meilenstein_id: int, benutzer: str) -> None:
    """Mark a milestone as deleted (it leaves the list; its history stays)."""
    with store._transaction() as conn:
        row = conn.execute(sa.select(meilensteine).where(meilensteine.c.id == meilenstein_id)).one_or_none()
        if row is None or row.geloescht:
            raise MeilensteinFehler(f"Den Meilenstein {meilenstein_id} gibt es nicht (mehr).")
        conn.execute(meilensteine.update().where(meilensteine.c.id == meilenstein_id)
                     .values(geloescht=True, stand=row.stand + 1))
        conn.execute(meilenstein_historie.insert().values(
            meilenstein_id=meilenstein_id, stand=row.stand + 1, aktion="gelöscht", zeit=_jetzt(), benutzer=benutzer,
            **{f: getattr(row, f) for f in FELDER}))


def liste(store: Store) -> pd.DataFrame:
    """The current milestones by due date: id, titel, raum_id, faellig, status, verantwortlich, notiz, stand."""
    columns = ["id", *FELDER, "stand"]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*[meilensteine.c[c] for c in columns])
                            .where(meilensteine.c.geloescht.is_(False))
                            .order_by(meilensteine.c.faellig, meilensteine.c.id)).all()
    frame = _texte(pd.DataFrame(rows, columns=columns))
    frame["faellig"] = pd.to_datetime(frame["faellig"]).dt.date
    return frame


def _texte(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty text fields as None (not NaN): "no Sozialraum" means all of them."""
    for column in ("raum_id", "verantwortlich", "notiz"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def historie(store: Store, meilenstein_id: int | None = None) -> pd.DataFrame:
    """Every state ever stored (newest first): meilenstein_id, stand, aktion, zeit, benutzer and the fields."""
    columns = ["meilenstein_id", "stand", "aktion", "zeit", "benutzer", *FELDER]
    query = sa.select(*[meilenstein_historie.c[c] for c in columns])
    if meilenstein_id is not None:
        query = query.where(meilenstein_historie.c.meilenstein_id == meilenstein_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(meilenstein_historie.c.zeit.desc(), meilenstein_historie.c.id.desc())).all()
    return _texte(pd.DataFrame(rows, columns=columns))


def ueberfaellig(frame: pd.DataFrame, heute: dt.date) -> pd.Series:
    """Milestones past due and not done (erledigt or entfallen)."""
    return (pd.to_datetime(frame["faellig"]).dt.date < heute) & ~frame["status"].isin(["erledigt", "entfallen"])
