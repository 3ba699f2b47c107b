"""Exports of the committee report: XLSX, CSV, PPTX, PDF, and charts as PNG/SVG.

Every export states source, date, data version, view and the denominator note (:class:`Kopf`).
Text from data files is data: in XLSX and CSV a cell starting with ``=``, ``+``, ``-`` or ``@`` is
neutralised; in slides and PDF it is plain text. Static chart images are drawn by plotly's
kaleido in the local Chromium (no internet); the PDF embeds the DejaVu fonts from ``static/fonts``
(€, –, umlauts).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pandas as pd

from .ausschussbericht import Bericht, Steckbriefbericht, Tabelle, folien, ist_zahl, spaltenbreiten, tabellen_text
from .formatting import mit_ebene, to_german_csv
from .kennzahlen import EBENE_LABELS

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


# Chart images are drawn one at a time: kaleido's server is a single queue whose answers go to whoever asks
# next, and one export stopping it would end another's; so two sessions drawing at once could swap or lose images.
_ZEICHNEN = threading.RLock()


def bild(fig, fmt: str = "png", scale: float = 2.0) -> bytes:  # noqa: ANN001
    """A chart as PNG or SVG bytes (plotly + kaleido in the local Chromium); sessions take turns."""
    import warnings

    import plotly.io as pio

    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    if fmt not in ("png", "svg"):
        raise ValueError(f"Bildformat {fmt!r}: erlaubt sind png und svg")
    _browser()
    with _ZEICHNEN:
        return pio.to_image(fig, format=fmt, scale=scale if fmt == "png" else 1)


def bilder(figuren: dict, fmt: str = "png", scale: float = 2.0) -> dict[str, bytes]:
    """Several charts in one Chromium session, started and ended here (no other session draws meanwhile)."""
    import kaleido

    _browser()
    with _ZEICHNEN:
        kaleido.start_sync_server(silence_warnings=True)
        try:
            return {name: bild(fig, fmt, scale) for name, fig in figuren.items()}
        finally:
            kaleido.stop_sync_server(silence_warnings=True)


# --- tables -------------------------------------------------------------------------------
def _zelle(wert: object) -> object:
    if wert is None or (isinstance(wert, float) and pd.isna(wert)):
        return None
    return wert


def xlsx(bericht: Bericht) -> bytes:
    """One sheet "Info" with the Kopf, one sheet per table; strings are never formulas.

    Text stays as written (no visible ``'``): every text cell gets openpyxl's string type, which Excel
    shows as text and never runs. The CSV, which has no cell types, keeps its neutralisation.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    info = wb.active
    info.title = "Info"
    info.append(["Sozialraum-Analytics: Bericht für den Jugendhilfeausschuss"])
    info["A1"].font = Font(bold=True, size=14)
    for label, wert in bericht.kopf.zeilen():
        info.append([label, wert])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 110
    for nummer, tabelle in enumerate(bericht.alle_tabellen, start=1):
        ws = wb.create_sheet(f"Tabelle {nummer}")
        ws.append([tabelle.titel])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([str(c) for c in tabelle.daten.columns])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in tabelle.daten.itertuples(index=False, name=None):
            ws.append([_zelle(v) for v in row])
        ws.append([])
        ws.append([tabelle.hinweis])
        ws.append([bericht.kopf.fusszeile()])
        ws.column_dimensions["A"].width = 40
    # openpyxl reads a str starting with "=" as a formula: every text cell of every sheet is text.
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
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


# --- slides --------------------------------------------------------------------------------
ZOLL = 914400  # EMU per inch
BREITE, HOEHE = 13.333, 7.5  # 16:9, inches
RAND = 0.5
INHALT_OBEN = 1.3  # below the title
FUSS_OBEN = 6.95  # the footer line
ZEICHEN_ZOLL = 0.118  # an average character of 14 pt text, inches (0.6 em)
ZEILE_ZOLL = 0.42  # a table row at 14 pt with its padding
ZEILENSPRUNG_ZOLL = 0.24  # each further line of a wrapped cell at 14 pt
ZEICHEN_ZOLL_UMBRUCH = 0.105  # a character of 14 pt text in a table cell, for where its text wraps (measured)


def _zoll(wert: float) -> int:
    return int(round(wert * ZOLL))


def _zeilen_fuer(text: str, breite_zoll: float, zeichen_zoll: float = ZEICHEN_ZOLL) -> int:
    """Lines a 14 pt text takes in a box of that width (estimate, words not broken)."""
    je_zeile = max(int(breite_zoll / zeichen_zoll), 10)
    zeilen, laenge = 1, 0
    for wort in str(text).split():
        if laenge and laenge + 1 + len(wort) > je_zeile:
            zeilen, laenge = zeilen + 1, len(wort)
        else:
            laenge += len(wort) + (1 if laenge else 0)
    return zeilen


def pptx(bericht: Bericht, bilder_png: dict[str, bytes] | None = None) -> bytes:
    """The committee deck (16:9): the slides of :func:`bericht.folien`, editable.

    Titles sit in the layouts' title placeholders; no text is smaller than 14 pt; tables are split
    or turned to fit (:func:`bericht.folientabellen`), numbers right-aligned, no word broken; notes
    never cover rows, pictures never the footer. The full source line is in each slide's notes.
    """
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    bilder_png = bilder_png if bilder_png is not None else bilder(bericht.figuren)
    prs = Presentation()
    prs.slide_width, prs.slide_height = _zoll(BREITE), _zoll(HOEHE)
    k = bericht.kopf
    liste = [f for f in folien(bericht) if f.art != "bild" or f.bild in bilder_png]
    innen = BREITE - 2 * RAND

    def absatz(frame, text: str, size: int = 14, bold: bool = False, neu: bool = True) -> None:  # noqa: ANN001
        para = frame.add_paragraph() if neu else frame.paragraphs[0]
        para.text = text
        para.font.size, para.font.bold = Pt(size), bold

    def textbox(slide, text: str, top: float, height: float, size: int = 14, left: float = RAND,  # noqa: ANN001, ANN202
                width: float = innen, bold: bool = False):
        box = slide.shapes.add_textbox(_zoll(left), _zoll(top), _zoll(width), _zoll(height))
        box.text_frame.word_wrap = True
        absatz(box.text_frame, text, size, bold, neu=False)
        return box

    def titel_setzen(slide, text: str, size: int | None = None) -> None:  # noqa: ANN001
        size = size or (30 if len(text) <= 45 else 26)  # a long title stays on two lines above the table
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = _zoll(RAND), _zoll(0.3), _zoll(innen), _zoll(0.9)
        title.text = text
        for para in title.text_frame.paragraphs:
            para.font.size, para.font.bold = Pt(size), True
            para.alignment = PP_ALIGN.LEFT

    def fuss(slide, nummer: int) -> None:  # noqa: ANN001
        textbox(slide, f"{k.kurzfuss()} · Folie {nummer} von {len(liste)}", FUSS_OBEN, 0.4)
        slide.notes_slide.notes_text_frame.text = k.fusszeile()

    def tabelle(slide, t: Tabelle) -> None:  # noqa: ANN001
        zellen = tabellen_text(t)
        breiten = spaltenbreiten(zellen)
        rows, cols = len(zellen), len(zellen[0])
        faktor = innen / (sum(breiten) * ZEICHEN_ZOLL)
        spalten = [breite * ZEICHEN_ZOLL * faktor for breite in breiten]
        # A cell whose text wraps makes its row higher: the note below goes under the last row, not over it.
        zeilenhoehen = [ZEILE_ZOLL + ZEILENSPRUNG_ZOLL * (max(_zeilen_fuer(text, breite - 0.2, ZEICHEN_ZOLL_UMBRUCH)
                                                              for text, breite in zip(row, spalten)) - 1)
                        for row in zellen]
        hoehe = sum(zeilenhoehen)
        shape = slide.shapes.add_table(rows, cols, _zoll(RAND), _zoll(INHALT_OBEN), _zoll(innen), _zoll(hoehe))
        table = shape.table
        for j, breite in enumerate(spalten):
            table.columns[j].width = _zoll(breite)
        rechts = [j > 0 and all(ist_zahl(row[j]) for row in zellen[1:]) for j in range(cols)]
        for i, row in enumerate(zellen):
            table.rows[i].height = _zoll(zeilenhoehen[i])
            for j, text in enumerate(row):
                cell = table.cell(i, j)
                cell.text = text
                cell.text_frame.word_wrap = True
                for para in cell.text_frame.paragraphs:
                    para.font.size, para.font.bold = Pt(14), i == 0
                    para.alignment = PP_ALIGN.RIGHT if rechts[j] else PP_ALIGN.LEFT
        unten = INHALT_OBEN + hoehe + 0.12
        if t.hinweis:
            hoehe_hinweis = _zeilen_fuer(t.hinweis, innen) * 0.3 + 0.1
            if unten + hoehe_hinweis <= FUSS_OBEN:
                textbox(slide, t.hinweis, unten, hoehe_hinweis)
            else:  # no room below the rows: the note goes to the speaker's notes, never over the table
                slide.notes_slide.notes_text_frame.text = t.hinweis

    def bild(slide, name: str) -> None:  # noqa: ANN001
        from PIL import Image

        daten = bilder_png[name]
        with Image.open(io.BytesIO(daten)) as image:
            seitenverhaeltnis = image.width / image.height
        hoehe = FUSS_OBEN - 0.1 - INHALT_OBEN
        breite = min(innen, hoehe * seitenverhaeltnis)
        hoehe = breite / seitenverhaeltnis
        slide.shapes.add_picture(io.BytesIO(daten), _zoll(RAND + (innen - breite) / 2), _zoll(INHALT_OBEN),
                                 _zoll(breite), _zoll(hoehe))

    def raum(slide, seite) -> None:  # noqa: ANN001
        links = textbox(slide, seite.kennzahlen[0][0] + ": " + seite.kennzahlen[0][1] if seite.kennzahlen else "",
                        INHALT_OBEN, FUSS_OBEN - INHALT_OBEN - 0.1, size=16, width=5.0)
        for label, wert in seite.kennzahlen[1:]:
            absatz(links.text_frame, f"{label}: {wert}", 16)
        rechts = textbox(slide, "", INHALT_OBEN, FUSS_OBEN - INHALT_OBEN - 0.1, size=16, left=RAND + 5.3,
                         width=innen - 5.3)
        for i, aussage in enumerate(seite.aussagen):
            absatz(rechts.text_frame, f"• {aussage}", 16, neu=i > 0)

    for nummer, f in enumerate(liste, start=1):
        if f.art == "titel":
            slide = prs.slides.add_slide(prs.slide_layouts[0])
            titel_setzen(slide, f.titel, 40)
            slide.shapes.title.top, slide.shapes.title.height = _zoll(1.0), _zoll(1.4)
            untertitel = slide.placeholders[1]
            untertitel.left, untertitel.top, untertitel.width, untertitel.height = (
                _zoll(RAND), _zoll(2.5), _zoll(innen), _zoll(0.6))
            untertitel.text = f"Bericht für den Jugendhilfeausschuss · Berichtsjahr {k.jahr}"
            untertitel.text_frame.paragraphs[0].font.size = Pt(24)
            untertitel.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
            angaben = [f"{label}: {wert}" for label, wert in k.zeilen() if label not in ("Kreis", "Berichtsjahr")]
            box = textbox(slide, angaben[0], 3.3, FUSS_OBEN - 3.4)
            platz, zeilen = FUSS_OBEN - 3.4, _zeilen_fuer(angaben[0], innen) * 0.27
            uebrig = []
            for text in angaben[1:]:
                zeilen += _zeilen_fuer(text, innen) * 0.27
                if zeilen <= platz:
                    absatz(box.text_frame, text)
                else:
                    uebrig.append(text)
            fuss(slide, nummer)
            if uebrig:
                slide.notes_slide.notes_text_frame.text = "\n".join([k.fusszeile(), *uebrig])
            continue
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        titel_setzen(slide, f.titel)
        fuss(slide, nummer)
        if f.art in ("kreis", "tabelle"):
            tabelle(slide, f.tabelle)
        elif f.art == "bild":
            bild(slide, f.bild)
        elif f.art == "raum":
            raum(slide, f.raum)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------
def _pdf_dokument(k):  # noqa: ANN001, ANN202 - Kopf in, FPDF out
    """A4 landscape with the DejaVu fonts and the short footer on every page (no page of its own)."""
    from fpdf import FPDF

    class Dokument(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.cell(0, 5, f"{k.kurzfuss()} · Seite {self.page_no()}", align="L")

    doc = Dokument(orientation="L", format="A4")
    doc.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    doc.set_margins(15, 12, 15)
    doc.set_auto_page_break(True, margin=16)
    doc.set_title(f"Sozialraum-Analytics {k.kreis} {k.jahr}")
    return doc


def _pdf_titel(doc, titel: str, size: int = 18) -> None:  # noqa: ANN001
    doc.set_font("DejaVu", "B", size)
    doc.multi_cell(0, size * 0.5, titel)
    doc.ln(2)


def _pdf_absatz(doc, text: str, size: int = 10) -> None:  # noqa: ANN001
    doc.set_font("DejaVu", "", size)
    doc.multi_cell(0, size * 0.5, text)
    doc.ln(1)


def _pdf_tabelle(doc, t: Tabelle, size: int = 11) -> None:  # noqa: ANN001
    """A table within the page: column widths by their text, numbers right-aligned."""
    zellen = tabellen_text(t)
    breiten = spaltenbreiten(zellen)
    gesamt = doc.w - doc.l_margin - doc.r_margin
    cols = len(zellen[0])
    rechts = [j > 0 and all(ist_zahl(row[j]) for row in zellen[1:]) for j in range(cols)]
    doc.set_font("DejaVu", "", size)
    with doc.table(first_row_as_headings=True, width=gesamt, col_widths=tuple(breiten),
                   text_align=tuple("RIGHT" if r else "LEFT" for r in rechts), line_height=size * 0.55) as table:
        for row in zellen:
            r = table.row()
            for text in row:
                r.cell(text)
    if t.hinweis:
        doc.ln(2)
        _pdf_absatz(doc, t.hinweis, 9)


def _pdf_bild(doc, daten: bytes) -> None:  # noqa: ANN001
    from PIL import Image

    with Image.open(io.BytesIO(daten)) as image:
        seitenverhaeltnis = image.width / image.height
    frei_b = doc.w - doc.l_margin - doc.r_margin
    frei_h = doc.h - doc.get_y() - 18
    breite = min(frei_b, frei_h * seitenverhaeltnis)
    doc.image(io.BytesIO(daten), x=doc.l_margin + (frei_b - breite) / 2, w=breite)


def pdf(bericht: Bericht, bilder_png: dict[str, bytes] | None = None) -> bytes:
    """The deck as PDF (A4 landscape): one page per slide, in the order of the presentation."""
    bilder_png = bilder_png if bilder_png is not None else bilder(bericht.figuren)
    k = bericht.kopf
    doc = _pdf_dokument(k)
    for f in folien(bericht):
        if f.art == "bild" and f.bild not in bilder_png:
            continue
        doc.add_page()
        if f.art == "titel":
            _pdf_titel(doc, f"{f.titel}: Bericht {k.jahr}", 22)
            _pdf_absatz(doc, "Bericht für den Jugendhilfeausschuss", 14)
            for label, wert in k.zeilen():
                _pdf_absatz(doc, f"{label}: {wert}", 10)
            continue
        _pdf_titel(doc, f.titel)
        if f.art in ("kreis", "tabelle"):
            _pdf_tabelle(doc, f.tabelle)
        elif f.art == "bild":
            _pdf_bild(doc, bilder_png[f.bild])
        elif f.art == "raum":
            for label, wert in f.raum.kennzahlen:
                _pdf_absatz(doc, f"{label}: {wert}", 12)
            doc.ln(2)
            for aussage in f.raum.aussagen:
                _pdf_absatz(doc, f"• {aussage}", 12)
    return bytes(doc.output())


def steckbrief_pdf(sb: Steckbriefbericht, bilder_png: dict[str, bytes] | None = None) -> bytes:
    """The Steckbrief of one area as on its page: figures and sentences, the charts, the tables, the source."""
    bilder_png = bilder_png if bilder_png is not None else bilder(sb.figuren)
    k = sb.kopf
    doc = _pdf_dokument(k)
    doc.add_page()
    _pdf_titel(doc, f"Steckbrief {mit_ebene(sb.raum.name, EBENE_LABELS[sb.ebene])} {k.jahr}")
    for label, wert in sb.raum.kennzahlen:
        _pdf_absatz(doc, f"{label}: {wert}", 11)
    doc.ln(1)
    _pdf_absatz(doc, "Das Wichtigste", 12)
    for aussage in sb.raum.aussagen:
        _pdf_absatz(doc, f"• {aussage}", 11)
    for name in ("hilfen", "bevoelkerung"):
        if name in bilder_png:
            doc.add_page()
            _pdf_bild(doc, bilder_png[name])
    for t in sb.tabellen:
        doc.add_page()
        _pdf_titel(doc, t.titel, 14)
        _pdf_tabelle(doc, t, 10)
    doc.ln(3)
    for label, wert in k.zeilen():
        _pdf_absatz(doc, f"{label}: {wert}", 8)
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
