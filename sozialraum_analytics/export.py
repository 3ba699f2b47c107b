"""Exports of the committee report: XLSX, CSV, PPTX, PDF, and charts as PNG/SVG.

Every export states source, date, data version, view and the denominator note (:class:`Kopf`).
Text from data files is data: in XLSX and CSV a cell starting with ``=``, ``+``, ``-`` or ``@`` is
neutralised; in slides and PDF it is plain text. Static chart images are drawn by plotly's
kaleido in the local Chromium (no internet); the PDF embeds the DejaVu fonts from ``static/fonts``
(€, –, umlauts).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .bericht import Bericht, Tabelle
from .formatting import format_number, neutralise_formula, to_german_csv

FORMATE = ("xlsx", "csv", "pptx", "pdf")
FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"


def _browser() -> None:
    """Point kaleido at Debian's chromium when it has not found a browser of its own."""
    import os
    import shutil

    if not os.environ.get("BROWSER_PATH"):
        for name in ("chromium", "chromium-browser", "google-chrome"):
            path = shutil.which(name)
            if path:
                os.environ["BROWSER_PATH"] = path
                break


def bild(fig, fmt: str = "png", scale: float = 2.0) -> bytes:  # noqa: ANN001
    """A chart as PNG or SVG bytes (plotly + kaleido in the local Chromium)."""
    import warnings

    import plotly.io as pio

    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    if fmt not in ("png", "svg"):
        raise ValueError(f"Bildformat {fmt!r}: erlaubt sind png und svg")
    _browser()
    return pio.to_image(fig, format=fmt, scale=scale if fmt == "png" else 1)


def bilder(figuren: dict, fmt: str = "png", scale: float = 2.0) -> dict[str, bytes]:
    """Several charts in one Chromium session."""
    import kaleido

    _browser()
    started = False
    try:
        kaleido.start_sync_server(silence_warnings=True)
        started = True
    except Exception:  # noqa: BLE001 - already running or not available: plain calls
        pass
    try:
        return {name: bild(fig, fmt, scale) for name, fig in figuren.items()}
    finally:
        if started:
            kaleido.stop_sync_server(silence_warnings=True)


# --- tables -------------------------------------------------------------------------------
def _zelle(wert: object) -> object:
    if wert is None or (isinstance(wert, float) and pd.isna(wert)):
        return None
    if isinstance(wert, str):
        return neutralise_formula(wert)
    return wert


def xlsx(bericht: Bericht) -> bytes:
    """One sheet "Info" with the Kopf, one sheet per table; strings are never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    info = wb.active
    info.title = "Info"
    info.append(["Sozialraum-Analytics: Bericht für den Jugendhilfeausschuss"])
    info["A1"].font = Font(bold=True, size=14)
    for label, wert in bericht.kopf.zeilen():
        info.append([label, neutralise_formula(wert)])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 110
    for nummer, tabelle in enumerate(bericht.alle_tabellen, start=1):
        ws = wb.create_sheet(f"Tabelle {nummer}")
        ws.append([neutralise_formula(tabelle.titel)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([neutralise_formula(str(c)) for c in tabelle.daten.columns])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in tabelle.daten.itertuples(index=False, name=None):
            ws.append([_zelle(v) for v in row])
        ws.append([])
        ws.append([neutralise_formula(tabelle.hinweis)])
        ws.append([neutralise_formula(bericht.kopf.fusszeile())])
        ws.column_dimensions["A"].width = 40
        # openpyxl reads a str starting with "=" as a formula: force every text cell to be text.
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv(bericht: Bericht) -> bytes:
    """German Excel CSV (``;``, decimal comma, UTF-8 with BOM): the Kopf, then every table."""
    teile = [to_german_csv(pd.DataFrame(bericht.kopf.zeilen(), columns=["Angabe", "Wert"]))]
    for tabelle in bericht.alle_tabellen:
        teile.append(to_german_csv(pd.DataFrame({"Tabelle": [tabelle.titel]})))
        teile.append(to_german_csv(tabelle.daten))
        if tabelle.hinweis:
            teile.append(to_german_csv(pd.DataFrame({"Hinweis": [tabelle.hinweis]})))
    return "\r\n".join(teile).encode("utf-8-sig")


def _text(wert: object, spalte: str) -> str:
    if wert is None or (isinstance(wert, float) and pd.isna(wert)):
        return "–"
    if isinstance(wert, str):
        return wert
    if spalte == "Jahr":
        return str(int(wert))
    dezimalen = 0 if isinstance(wert, int) or spalte.startswith(("Inanspruchnahme", "Ausgaben")) else 1
    if spalte == "Bedarfsindex":
        dezimalen = 2
    return format_number(wert, dezimalen)


def tabellen_text(tabelle: Tabelle) -> list[list[str]]:
    """A table as German text cells (header first), for slides and PDF."""
    columns = [str(c) for c in tabelle.daten.columns]
    return [columns] + [[_text(v, c) for v, c in zip(row, columns)]
                        for row in tabelle.daten.itertuples(index=False, name=None)]


# --- slides --------------------------------------------------------------------------------
def pptx(bericht: Bericht, bilder_png: dict[str, bytes] | None = None) -> bytes:
    """The committee deck, 16:9: title, Kreis, map, trend, one slide per chosen Sozialraum, Bedarf."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    bilder_png = bilder_png if bilder_png is not None else bilder(bericht.figuren)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    blank = prs.slide_layouts[6]
    k = bericht.kopf
    width = prs.slide_width

    def textbox(slide, text: str, top: float, size: int, bold: bool = False, height: float = 0.8):  # noqa: ANN001, ANN202
        box = slide.shapes.add_textbox(Emu(457200), Emu(int(top * 914400)), width - Emu(914400),
                                       Emu(int(height * 914400)))
        box.text_frame.word_wrap = True
        para = box.text_frame.paragraphs[0]
        para.text = text
        para.font.size, para.font.bold = Pt(size), bold
        return box

    def folie(titel: str):  # noqa: ANN202
        slide = prs.slides.add_slide(blank)
        textbox(slide, titel, 0.3, 32, bold=True)
        textbox(slide, k.fusszeile(), 7.05, 10, height=0.4)
        return slide

    slide = prs.slides.add_slide(blank)
    textbox(slide, f"Hilfen zur Erziehung im {k.kreis}", 1.6, 40, bold=True, height=1.2)
    textbox(slide, f"Bericht für den Jugendhilfeausschuss · Berichtsjahr {k.jahr}", 2.9, 24)
    textbox(slide, f"{k.version} · Stand {k.datum:%d.%m.%Y} · {k.ansicht}", 3.7, 18)
    textbox(slide, f"Quelle: {k.quelle}", 4.4, 14, height=0.8)
    textbox(slide, k.nenner + (" " + k.geheimhaltung if k.geheimhaltung else ""), 5.2, 12, height=1.6)

    def tabelle_folie(tabelle: Tabelle, max_spalten: int = 12) -> None:
        slide = folie(tabelle.titel)
        zellen = [row[:max_spalten] for row in tabellen_text(tabelle)]
        rows, cols = len(zellen), len(zellen[0])
        shape = slide.shapes.add_table(rows, cols, Emu(457200), Emu(1100000), width - Emu(914400),
                                       Emu(min(5200000, 330000 * rows)))
        size = Pt(14 if rows <= 12 and cols <= 6 else 11)
        for i, row in enumerate(zellen):
            for j, text in enumerate(row):
                cell = shape.table.cell(i, j)
                cell.text = text
                for para in cell.text_frame.paragraphs:
                    para.font.size = size
        if tabelle.hinweis:
            textbox(slide, tabelle.hinweis, 6.45, 10, height=0.6)

    def bild_folie(titel: str, name: str) -> None:
        if name not in bilder_png:
            return
        slide = folie(titel)
        slide.shapes.add_picture(io.BytesIO(bilder_png[name]), Emu(1300000), Emu(1050000),
                                 height=Emu(5500000))

    tabelle_folie(bericht.tabellen[0])
    bild_folie(f"Eckwerte der Sozialräume {k.jahr}", "eckwerte")
    bild_folie(f"Karte: Eckwert je Sozialraum {k.jahr}", "karte")
    bild_folie(f"Entwicklung im {k.kreis}", "entwicklung")
    tabelle_folie(bericht.tabellen[1])
    for seite in bericht.raeume:
        slide = folie(f"Sozialraum {seite.name}")
        zeilen = [f"{label}: {wert}" for label, wert in seite.kennzahlen] + [""] + seite.aussagen
        box = textbox(slide, zeilen[0], 1.2, 20, height=5.5)
        for zeile in zeilen[1:]:
            para = box.text_frame.add_paragraph()
            para.text = zeile
            para.font.size = Pt(18)
    if len(bericht.tabellen) > 3:
        bild_folie(f"Bedarf und Inanspruchnahme {k.jahr}", "bedarf")
    if bericht.meilensteine is not None:
        tabelle_folie(bericht.meilensteine)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------
def pdf(bericht: Bericht, bilder_png: dict[str, bytes] | None = None, nur_raum: str | None = None) -> bytes:
    """The report as PDF (A4 landscape); with ``nur_raum`` the Steckbrief of one Sozialraum."""
    from fpdf import FPDF

    bilder_png = bilder_png if bilder_png is not None else (bilder(bericht.figuren) if nur_raum is None else {})
    k = bericht.kopf
    doc = FPDF(orientation="L", format="A4")
    doc.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    doc.set_auto_page_break(True, margin=18)
    doc.set_title(f"Sozialraum-Analytics {k.kreis} {k.jahr}")

    def fuss() -> None:
        doc.set_y(-14)
        doc.set_font("DejaVu", "", 7)
        doc.multi_cell(0, 3.5, k.fusszeile())

    def seite(titel: str) -> None:
        doc.add_page()
        doc.set_font("DejaVu", "B", 18)
        doc.multi_cell(0, 9, titel)
        doc.ln(2)

    def absatz(text: str, size: int = 10) -> None:
        doc.set_font("DejaVu", "", size)
        doc.multi_cell(0, size * 0.5, text)
        doc.ln(1)

    def tabelle(t: Tabelle) -> None:
        seite(t.titel)
        zellen = tabellen_text(t)
        doc.set_font("DejaVu", "", 8 if len(zellen[0]) > 8 else 10)
        with doc.table(first_row_as_headings=True, text_align="LEFT") as table:
            for row in zellen:
                r = table.row()
                for text in row:
                    r.cell(text)
        if t.hinweis:
            absatz(t.hinweis, 8)
        fuss()

    if nur_raum is None:
        seite(f"Hilfen zur Erziehung im {k.kreis}: Bericht {k.jahr}")
        for label, wert in k.zeilen():
            absatz(f"{label}: {wert}")
        fuss()
        for t in bericht.alle_tabellen:
            tabelle(t)
        for name, titel in (("eckwerte", "Eckwerte der Sozialräume"), ("karte", "Karte"),
                            ("entwicklung", "Entwicklung"), ("bedarf", "Bedarf und Inanspruchnahme")):
            if name in bilder_png:
                seite(titel)
                doc.image(io.BytesIO(bilder_png[name]), h=150)
                fuss()
    for raum in bericht.raeume:
        if nur_raum is not None and raum.raum_id != nur_raum:
            continue
        seite(f"Steckbrief Sozialraum {raum.name} {k.jahr}")
        for label, wert in raum.kennzahlen:
            absatz(f"{label}: {wert}", 11)
        doc.ln(2)
        for aussage in raum.aussagen:
            absatz(f"• {aussage}", 11)
        doc.ln(2)
        for label, wert in k.zeilen():
            absatz(f"{label}: {wert}", 8)
        fuss()
    return bytes(doc.output())


def schreiben(bericht: Bericht, fmt: str) -> bytes:
    """The report in one of :data:`FORMATE`."""
    if fmt == "xlsx":
        return xlsx(bericht)
    if fmt == "csv":
        return csv(bericht)
    if fmt == "pptx":
        return pptx(bericht)
    if fmt == "pdf":
        return pdf(bericht)
    raise ValueError(f"Unbekanntes Format {fmt!r}; erlaubt: {', '.join(FORMATE)}")
