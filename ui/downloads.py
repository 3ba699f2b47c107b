"""Downloads of the active view: the Steckbrief as PDF, the committee report and the print map, built only when
clicked."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from sozialraum_analytics.kennzahlen import Optionen

from .daten import get_engine
from .zugang import ist_oeffentlich


def steckbrief_download(optionen: Optionen, jahr: int, raum_id: str, ebene: str, key: str) -> None:
    """The Steckbrief as PDF (its figures, sentences, charts and tables), built only when clicked."""
    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import steckbrief_bericht

    engine = get_engine(optionen)
    st.download_button("PDF", data=lambda: export.steckbrief_pdf(steckbrief_bericht(engine, raum_id, jahr, ebene)),
                       file_name=f"steckbrief_{raum_id}_{jahr}_{'oeffentlich' if ist_oeffentlich() else 'planung'}.pdf",
                       mime="application/pdf", on_click="ignore", icon=":material/download:", key=key)


def bericht_downloads(optionen: Optionen, jahr: int, raeume: Sequence[str] = (), formate: Sequence[str] = ("xlsx", "csv"),
                      key: str = "bericht") -> None:
    """Download buttons for the committee report of the active view; built only when clicked."""
    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import bericht

    engine = get_engine(optionen)
    mimes = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
             "pdf": "application/pdf",
             "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
    ansicht_name = "oeffentlich" if ist_oeffentlich() else "planung"
    spalten = st.columns(len(formate) + 3)
    for spalte, fmt in zip(spalten, formate):
        def daten(fmt: str = fmt) -> bytes:
            report = bericht(engine, jahr, list(raeume), mit_karte=fmt in ("pdf", "pptx"))
            return export.schreiben(report, fmt)
        spalte.download_button(fmt.upper(), data=daten, file_name=f"{key}_{jahr}_{ansicht_name}.{fmt}",
                               mime=mimes[fmt], on_click="ignore", icon=":material/download:", key=f"{key}_{fmt}")


def druckkarte_downloads(optionen: Optionen, ebene: str, jahr: int, kennzahl: str, schema: str, k: int,
                         abweichung: bool = False) -> None:
    """The map of the page for print (A4 landscape, PDF and PNG at 300 dpi), in the active view; built on the click."""
    import re

    from sozialraum_analytics.druckkarte import druckkarte

    engine = get_engine(optionen)  # now, in the page's session: the view the map is made in
    name = f"karte_{re.sub(r'[^0-9A-Za-z]+', '_', kennzahl).strip('_')}_{ebene}_{jahr}_" \
           f"{'oeffentlich' if ist_oeffentlich() else 'planung'}"
    for fmt, label, mime, hilfe in (
            ("pdf", "Karte drucken (PDF, A4 quer)", "application/pdf",
             "Die ganze Karte auf einer A4-Seite quer: Klassen, Namen, Legende, Titel, Quelle und Ansicht."),
            ("png", "Karte drucken (PNG, 300 dpi)", "image/png", "Dieselbe Seite als Bild, 3508 × 2480 Pixel.")):
        st.download_button(label, key=f"druckkarte_{fmt}", mime=mime, on_click="ignore", icon=":material/print:",
                           file_name=f"{name}.{fmt}", help=hilfe,
                           data=lambda fmt=fmt: druckkarte(engine, ebene, jahr, kennzahl, fmt, schema=schema, k=k,
                                                           abweichung=abweichung))
