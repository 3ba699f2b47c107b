"""Exports of the committee report, parsed back: XLSX cells, CSV, PPTX text, PDF text, PNG and SVG.

In the public view no export holds a count of 1 to 4; every export names source, date, version,
view and the denominator; text cells that Excel would run are text (XLSX) or neutralised (CSV).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics import export
from sozialraum_analytics.ausschussbericht import Bericht, Kopf, Tabelle, bericht
from sozialraum_analytics.dataset import KREIS_ID, load_folder
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.oeffentlich import Schutz

from .conftest import cli

ROOT = Path(__file__).resolve().parent.parent
JAHR = 2024
DATUM = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo():
    return load_folder(ROOT / "data")


@pytest.fixture(scope="module")
def exakt(demo):
    return Engine(demo, jahre=[2023, JAHR]).table("kreis")


@pytest.fixture(scope="module")
def oeffentlich(demo):
    engine = Engine(demo, jahre=[2023, JAHR], schutz=Schutz())
    return bericht(engine, JAHR, engine.areas("sozialraum")[:2], datum=DATUM)


@pytest.fixture(scope="module")
def bilder(oeffentlich):
    return export.bilder(oeffentlich.figuren)


def kreis_gesamt(exakt) -> int:
    return int(exakt.loc[(JAHR, KREIS_ID, "gesamt"), "inanspruchnahme"])


def small_counts(values) -> list:  # noqa: ANN001
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 4]


def test_the_report_of_the_public_view_has_no_small_count(oeffentlich) -> None:
    for tabelle in oeffentlich.tabellen[:3]:
        counts = [c for c in tabelle.daten.columns if c not in ("Eckwert", "Abweichung vom Kreis in %", "Jahr")]
        assert not small_counts(tabelle.daten[counts].to_numpy().ravel()), tabelle.titel
    markers = set(oeffentlich.tabellen[1].daten.to_numpy().ravel())
    assert "•" in markers and "< 5" not in markers  # one sign for every suppressed figure


def test_xlsx_cells(oeffentlich, exakt) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.xlsx(oeffentlich)))
    info = {row[0]: row[1] for row in wb["Info"].iter_rows(min_row=2, values_only=True)}
    assert info["Ansicht"] == "Öffentliche Ansicht (Jugendhilfeausschuss)"
    assert info["Datenversion"] == "Daten aus Ordner"
    assert info["Stand des Exports"] == "23.11.2026"
    assert info["Bezugsgröße"].startswith("Eckwert je 1.000 unter 21")
    assert info["Quelle"].startswith("Demo-Daten")
    rows = list(wb["Tabelle 1"].iter_rows(values_only=True))
    assert rows[0][0] == f"Hilfen gesamt je Sozialraum {JAHR}"
    assert rows[1] == ("Sozialraum", "Inanspruchnahme", "Eckwert", "Abweichung vom Kreis in %")
    kreis = next(r for r in rows if r[0] == "Musterkreis (Kreis)")
    assert kreis[1] == kreis_gesamt(exakt)
    assert kreis[2] == pytest.approx(round(exakt.loc[(JAHR, KREIS_ID, "gesamt"), "eckwert_je_1000_u21"], 1))
    counts = [row[1] for row in wb["Tabelle 1"].iter_rows(min_row=3, values_only=True)]
    counts += [v for row in wb["Tabelle 2"].iter_rows(min_row=3, values_only=True) for v in row[1:]]
    assert len(counts) > 90 and not small_counts(counts)


def test_formula_injection_is_neutralised_in_xlsx_and_csv() -> None:
    from openpyxl import load_workbook

    kopf = Kopf("=Kreis", JAHR, "+Quelle", "Datenversion 1", "Öffentliche Ansicht (Jugendhilfeausschuss)",
                "-Nenner", DATUM)
    tabelle = Tabelle("@Titel", pd.DataFrame({"Sozialraum": ["=HYPERLINK(\"http://x\")", "@SUMME(A1)", "Nord"],
                                              "Inanspruchnahme": [10, "•", 7]}), "=Hinweis")
    report = Bericht(kopf, [tabelle], {})
    wb = load_workbook(io.BytesIO(export.xlsx(report)))
    values = [c for row in wb["Tabelle 1"].iter_rows() for c in row if c.value is not None]
    texts = {c.value for c in values if isinstance(c.value, str)}
    # XLSX: the text as written, stored as text (Excel shows it, never runs it); no visible apostrophe.
    assert {"=HYPERLINK(\"http://x\")", "@SUMME(A1)", "@Titel", "=Hinweis"} <= texts
    assert all(c.data_type == "s" for c in values if isinstance(c.value, str))
    assert wb["Info"]["B2"].value == "=Kreis" and wb["Info"]["B2"].data_type == "s"
    assert all(c.data_type != "f" for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)
    with zipfile.ZipFile(io.BytesIO(export.xlsx(report))) as archiv:  # no formula element anywhere in the file
        assert not any(b"<f>" in archiv.read(n) or b"<f " in archiv.read(n) for n in archiv.namelist())
    text = export.csv(report).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUMME(A1)" in text and "'+Quelle" in text
    assert not re.search(r"(^|;)[=+\-@]", text, flags=re.MULTILINE)


def test_csv_parsed_back(oeffentlich, exakt) -> None:
    text = export.csv(oeffentlich).decode("utf-8-sig")
    assert "Öffentliche Ansicht (Jugendhilfeausschuss)" in text and "23.11.2026" in text
    assert f"Musterkreis (Kreis);{kreis_gesamt(exakt)};" in text
    assert ";•;" in text or ";•\r" in text or ";•\n" in text
    counts = re.findall(r"^(?:[^;\r\n]*;)([^;\r\n]*)", text, flags=re.MULTILINE)
    assert "1" not in counts and "2" not in counts


def test_pptx_text(oeffentlich, exakt, bilder) -> None:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(export.pptx(oeffentlich, bilder)))
    texts, cells, pictures = [], [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                cells += [c.text for row in shape.table.rows for c in row.cells]
            pictures += shape.shape_type == 13
        texts.append(slide.notes_slide.notes_text_frame.text)
    text = "\n".join(texts + cells)
    assert "Hilfen zur Erziehung im Musterkreis" in text
    assert "Öffentliche Ansicht (Jugendhilfeausschuss)" in text and "Stand 23.11.2026" in text
    assert format_number(kreis_gesamt(exakt)) in cells
    assert "•" in cells
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert pictures >= 3  # map, ranking, trend (and Bedarf)
    assert "Sozialraum Sozialraum" not in text
    # The map of status and dynamics (the four groups) as a picture on its own slide.
    dynamik = next(s for s in deck.slides if s.shapes.title.text == "Karte: Status und Dynamik 2022–2024")
    assert any(shape.shape_type == 13 for shape in dynamik.shapes)


def test_the_deck_has_the_slides_of_the_presentation_in_its_order(oeffentlich, bilder) -> None:
    from pptx import Presentation
    from pypdf import PdfReader

    from sozialraum_analytics.ausschussbericht import folien

    titel = [f.titel for f in folien(oeffentlich)]
    assert titel[:2] == ["Hilfen zur Erziehung im Musterkreis", "Hilfen gesamt je Sozialraum 2024"]
    assert "Sozialraum Lindenbrück" in titel  # the level word once
    deck = Presentation(io.BytesIO(export.pptx(oeffentlich, bilder)))
    assert [s.shapes.title.text for s in deck.slides] == titel  # titles in title placeholders
    reader = PdfReader(io.BytesIO(export.pdf(oeffentlich, bilder)))
    assert len(reader.pages) == len(titel)  # exactly one page per slide: no page holding only a footer
    for page, erwartet in zip(reader.pages, titel):
        assert page.extract_text().startswith(erwartet.split(":")[0])


def _ausserhalb_oder_zu_klein(pptx_bytes: bytes) -> list[str]:
    """Every shape inside the slide, no text below 14 pt, no picture over the footer."""
    from pptx import Presentation
    from pptx.util import Pt

    deck = Presentation(io.BytesIO(pptx_bytes))
    probleme = []
    for nummer, slide in enumerate(deck.slides, start=1):
        fuss_oben = min((sh.top for sh in slide.shapes if sh.has_text_frame and "Folie " in sh.text_frame.text),
                        default=deck.slide_height)
        for shape in slide.shapes:
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > deck.slide_width \
                    or shape.top + shape.height > deck.slide_height:
                probleme.append(f"Folie {nummer}: {shape.name} verlässt die Folie")
            if shape.shape_type == 13 and shape.top + shape.height > fuss_oben:
                probleme.append(f"Folie {nummer}: Bild über der Fußzeile")
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
                if shape.top + sum(r.height for r in shape.table.rows) > fuss_oben:
                    probleme.append(f"Folie {nummer}: Tabelle reicht in die Fußzeile")
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        size = run.font.size or para.font.size
                        if run.text.strip() and (size is None or size < Pt(14)):
                            probleme.append(f"Folie {nummer}: „{run.text[:30]}“ kleiner als 14 pt")
    return probleme


def test_table_slides_fit_at_14_pt(oeffentlich, bilder) -> None:
    assert _ausserhalb_oder_zu_klein(export.pptx(oeffentlich, bilder)) == []


@pytest.mark.parametrize("sozialraeume", [1, 30])
def test_many_or_one_sozialraum_still_fit(sozialraeume: int) -> None:
    """30 Sozialräume: the help-group table is turned and split over slides; one Sozialraum works too."""
    from sozialraum_analytics.ausschussbericht import Kopf, Raumseite, folien

    namen = [f"Sozialraum Gebiet {i:02d}" for i in range(1, sozialraeume + 1)]
    kopf = Kopf("Großkreis", JAHR, "Dateien test.csv", "Datenversion 1", "Öffentliche Ansicht (Jugendhilfeausschuss)",
                "Eckwert je 1.000 unter 21 Jahre", DATUM)
    t1 = Tabelle("Hilfen gesamt je Sozialraum 2024", pd.DataFrame({"Sozialraum": [*namen, "Großkreis (Kreis)"],
                                                                   "Inanspruchnahme": list(range(100, 101 + sozialraeume)),
                                                                   "Eckwert": [55.5] * (sozialraeume + 1)}), "Hinweis")
    gruppen = ["Hilfen gesamt", "Hilfen zur Erziehung (HzE)", "HzE ambulant", "HzE teilstationär", "HzE stationär",
               "§ 35a Eingliederungshilfe bei seelischer Behinderung", "§ 41 Hilfe für junge Volljährige",
               "§ 42 Inobhutnahme"]
    t2 = Tabelle("Inanspruchnahme nach Hilfeart und Sozialraum 2024",
                 pd.DataFrame({"Hilfeart": gruppen, **{n: ["•", *range(7)] for n in [*namen, "Kreis"]}}),
                 "§ 42: im Jahr beendete Inobhutnahmen.",
                 kurz={g: g.split(" ")[0] if g.startswith("§") else g.split(" ")[-1] for g in gruppen},
                 quer_titel="Sozialraum")
    t3 = Tabelle("Entwicklung", pd.DataFrame({"Jahr": [2023, 2024], "Eckwert": [50.0, 51.0]}))
    bericht = Bericht(kopf, [t1, t2, t3], {}, [Raumseite("SR01", namen[0], [("Eckwert", "55,5")], ["Ein Satz."])])
    liste = folien(bericht)
    tabellen = [f.tabelle for f in liste if f.tabelle is not None]
    assert all(len(t.daten) <= 12 for t in tabellen)
    if sozialraeume == 30:
        hilfearten = [t for t in tabellen if t.titel.startswith("Inanspruchnahme nach Hilfeart")]
        assert len(hilfearten) == 3 and hilfearten[0].titel.endswith("(1/3)")
        assert list(hilfearten[0].daten.columns[:2]) == ["Sozialraum", "gesamt"]  # turned: areas are rows
    assert _ausserhalb_oder_zu_klein(export.pptx(bericht, {})) == []
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(export.pdf(bericht, {}))).pages) == len(liste)


def test_pdf_text(oeffentlich, exakt, bilder) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(export.pdf(oeffentlich, bilder)))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "Öffentliche Ansicht (Jugendhilfeausschuss)" in text and "23.11.2026" in text
    assert format_number(kreis_gesamt(exakt)) in text
    assert "Sozialraum Lindenbrück" in text and "Sozialraum Sozialraum" not in text
    tabellen = [p for p in pages if "Inanspruchnahme nach Hilfeart" in p]
    assert tabellen and "•" in tabellen[0]
    # The data rows of the table: lines of numbers and "•" only.
    def cell(token: str) -> bool:
        return bool(re.fullmatch(r"•|\d{1,3}(\.\d{3})*", token))

    rows = []
    for line in tabellen[0].splitlines():
        tokens = line.split()
        while tokens and not cell(tokens[0]):  # the label of the row (area) comes first
            tokens.pop(0)
        if len(tokens) >= 5 and all(cell(t) for t in tokens):
            rows.append(tokens)
    assert len(rows) >= 8
    assert not [t for r in rows for t in r if t in {"1", "2", "3", "4"}], rows


def test_steckbrief_pdf_of_one_sozialraum(demo) -> None:
    """The Steckbrief page in a PDF: figures, sentences, its charts and its tables, one Sozialraum only."""
    from pypdf import PdfReader

    from sozialraum_analytics.ausschussbericht import steckbrief_bericht

    engine = Engine(demo, jahre=[2023, JAHR], schutz=Schutz())
    sb = steckbrief_bericht(engine, "SR01", JAHR, datum=DATUM)
    assert set(sb.figuren) == {"hilfen", "bevoelkerung"}
    assert [t.titel for t in sb.tabellen] == [f"Hilfen im Vergleich zum Kreis {JAHR}",
                                              f"Sozialstruktur und Bedarfsindex {JAHR}",
                                              *(f"{m} {JAHR}: {sb.raum.name}" for m in (
                                                  "Alter bei Hilfebeginn", "Geschlecht", "Hauptgrund der Hilfe",
                                                  "Grund der Beendigung")),
                                              f"Fälle und junge Menschen {JAHR}", f"Angebote im Gebiet {JAHR}"]
    data = export.steckbrief_pdf(sb)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Steckbrief {sb.raum.name} {JAHR}" in text and "Sozialraum Sozialraum" not in text
    assert "Hilfen im Vergleich zum Kreis" in text and "Sozialstruktur und Bedarfsindex" in text
    assert "Öffentliche Ansicht" in text and "Sozialraum Nord" not in text  # one area, not the report
    images = sum(len(p.images) for p in reader.pages)
    assert images == 2  # both charts
    counts = sb.tabellen[0].daten["Inanspruchnahme"]
    assert not [v for v in counts if isinstance(v, int) and 1 <= v <= 4]
    # The case structure of Hilfen gesamt: no count of 1 to 4, withheld ones as "•".
    for tabelle in sb.tabellen[2:6]:
        for spalte in ("Anzahl", "Anzahl Musterkreis (Kreis)"):
            assert not [v for v in tabelle.daten[spalte] if isinstance(v, float) and 1 <= v <= 4], tabelle.titel
    assert "Alter bei Hilfebeginn" in text and "Junge Menschen" in text


def test_charts_as_png_and_svg(oeffentlich, bilder) -> None:
    assert set(bilder) >= {"eckwerte", "entwicklung", "karte"}
    assert all(data.startswith(b"\x89PNG") for data in bilder.values())
    svg = export.bild(oeffentlich.figuren["eckwerte"], "svg")
    assert svg.lstrip().startswith(b"<svg") and b"Kreis: 66,3" in svg


def test_the_steckbrief_pdf_of_a_planungsraum_names_its_level(demo) -> None:
    """A Planungsraum's Steckbrief (planning view) is titled "Steckbrief Planungsraum …", not "Sozialraum …"."""
    from pypdf import PdfReader

    from sozialraum_analytics.ausschussbericht import steckbrief_bericht

    engine = Engine(demo, jahre=[JAHR])
    raum_id = engine.areas("planungsraum")[0]
    name = demo.area_names()[raum_id]
    sb = steckbrief_bericht(engine, raum_id, JAHR, "planungsraum", datum=DATUM)
    titel = PdfReader(io.BytesIO(export.steckbrief_pdf(sb, {}))).pages[0].extract_text().splitlines()[0]
    assert titel == f"Steckbrief Planungsraum {name} {JAHR}"


def test_sessions_drawing_at_once_each_get_their_own_chart() -> None:
    """Streamlit runs sessions in threads; two planners downloading charts at the same time share the process's
    one Chromium (kaleido's server answers through one queue), and each must get the chart it asked for."""
    import threading

    import plotly.graph_objects as go

    ergebnisse: dict[str, list[bytes]] = {"Nord": [], "Süd": []}

    def zeichnen(name: str) -> None:
        for _ in range(4):
            ergebnisse[name].append(export.bild(go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout_title_text=name), "svg"))

    threads = [threading.Thread(target=zeichnen, args=(name,)) for name in ergebnisse]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for name, anderer in (("Nord", "Süd"), ("Süd", "Nord")):
        assert len(ergebnisse[name]) == 4
        assert all(name.encode() in svg and anderer.encode() not in svg for svg in ergebnisse[name])


def test_cli_export_in_both_views(tmp_path: Path, exakt) -> None:
    for ansicht in ("oeffentlich", "planung"):
        out = tmp_path / f"{ansicht}.xlsx"
        result = cli("export", "--ansicht", ansicht, "--format", "xlsx", "--out", str(out), "--daten", str(ROOT / "data"),
                     "--jahr", str(JAHR))
        assert result.returncode == 0, result.stderr
        from openpyxl import load_workbook

        wb = load_workbook(out)
        info = {row[0]: row[1] for row in wb["Info"].iter_rows(min_row=2, values_only=True)}
        cells = [v for row in wb["Tabelle 2"].iter_rows(min_row=3, values_only=True) for v in row[1:]]
        if ansicht == "oeffentlich":
            assert info["Ansicht"].startswith("Öffentliche Ansicht")
            assert not small_counts(cells)
        else:
            assert info["Ansicht"].startswith("Planungsansicht")
            assert small_counts(cells)  # the planners' export is exact
    bad = cli("export", "--ansicht", "oeffentlich", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), "--daten",
              str(ROOT / "data"), "--jahr", "1999")
    assert bad.returncode == 1 and "Für 1999 gibt es keine Daten" in bad.stderr
    assert np.isfinite(kreis_gesamt(exakt))


def test_the_deck_is_exported_without_network(tmp_path: Path) -> None:
    """PPTX with map and chart images in a network namespace without any interface but loopback:
    kaleido's Chromium, plotly.js and the fonts all come from this machine."""
    out = tmp_path / "ausschuss.pptx"
    result = subprocess.run(["unshare", "-n", sys.executable, "-m", "sozialraum_analytics", "export", "--ansicht",
                             "oeffentlich", "--format", "pptx", "--out", str(out), "--daten", str(ROOT / "data"),
                             "--jahr", str(JAHR), "--raum", "SR01"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr
    from pptx import Presentation

    deck = Presentation(str(out))
    pictures = sum(shape.shape_type == 13 for slide in deck.slides for shape in slide.shapes)
    assert pictures >= 3


def test_milestones_go_into_the_deck_and_the_workbook(demo) -> None:
    """Milestones from the database appear as a slide and a sheet, without their internal notes."""
    from openpyxl import load_workbook
    from pptx import Presentation

    meilensteine = pd.DataFrame({"id": [1, 2], "titel": ["Bestandsaufnahme", "=Budget beschlossen"],
                                 "raum_id": ["SR01", None], "faellig": [dt.date(2025, 3, 31), dt.date(2025, 6, 30)],
                                 "status": ["erledigt", "geplant"], "verantwortlich": ["Planung", None],
                                 "notiz": ["intern: nicht zeigen", None], "stand": [2, 1]})
    engine = Engine(demo, jahre=[JAHR], schutz=Schutz())
    report = bericht(engine, JAHR, meilensteine=meilensteine, mit_karte=False, datum=DATUM)
    deck = Presentation(io.BytesIO(export.pptx(report, {})))
    cells = [c.text for s in deck.slides for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
    assert {"Bestandsaufnahme", "=Budget beschlossen", "31.03.2025", "alle Sozialräume", "Sozialraum Lindenbrück",
            "erledigt"} <= set(cells)
    texts = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    assert "Meilensteine der Steuerungsgruppe" in texts
    assert "intern: nicht zeigen" not in "\n".join(cells + texts)
    wb = load_workbook(io.BytesIO(export.xlsx(report)))
    sheet = wb[wb.sheetnames[-1]]
    assert sheet["A1"].value == "Meilensteine der Steuerungsgruppe"
    assert sheet["A4"].value == "=Budget beschlossen" and sheet["A4"].data_type == "s"


def test_the_comparison_with_other_regions_is_in_every_export_with_its_source(oeffentlich, exakt, bilder) -> None:
    """The demo's invented reference values (vergleichswerte.csv): a table on slides, PDF and workbook with their
    source, the reference lines in the trend chart with the source under it."""
    from openpyxl import load_workbook
    from pptx import Presentation
    from pypdf import PdfReader

    from sozialraum_analytics.ausschussbericht import folien

    quelle = "Beispielwerte (Demo, erfunden, keine amtlichen Zahlen)"
    tabelle = oeffentlich.vergleich
    assert tabelle.titel == "Musterkreis im Vergleich mit anderen Gebieten 2024" and quelle in tabelle.hinweis
    # By hand: the Kreis's Eckwert 2024 (Inanspruchnahme / young people under 21 × 1.000, the engine's) against the
    # Musterland's 57,9 from the file.
    eckwert = float(exakt.loc[(JAHR, KREIS_ID, "gesamt"), "eckwert_je_1000_u21"])
    kreis = float(exakt.loc[(JAHR, KREIS_ID, "gesamt"), "inanspruchnahme"]) / float(
        exakt.loc[(JAHR, KREIS_ID, "gesamt"), "bevoelkerung_u21"]) * 1000
    assert eckwert == pytest.approx(kreis)
    land = tabelle.daten.iloc[0]
    assert (land["Kennzahl"], land["Vergleich mit"], land["Jahr"], land["Vergleichswert"]) == (
        "Eckwert je 1.000 unter 21 Jahre, Hilfen gesamt", "Musterland (Beispiel)", JAHR, 57.9)
    assert land["Kreis"] == round(kreis, 1) and land["Differenz"] == round(kreis - 57.9, 1)
    assert land["Abweichung"] == round((kreis / 57.9 - 1) * 100, 1)
    titel = [f.titel for f in folien(oeffentlich)]
    assert "Musterkreis im Vergleich mit anderen Gebieten 2024 (1/2)" in titel
    assert titel.index("Entwicklung im Musterkreis") + 1 == titel.index(
        "Musterkreis im Vergleich mit anderen Gebieten 2024 (1/2)")
    # The trend: one grey line per reference, the source in the image.
    entwicklung = oeffentlich.figuren["entwicklung"]
    assert [t.name for t in entwicklung.data][1:] == ["Musterland (Beispiel)", "Ähnliche Kreise (Beispiel)",
                                                      "Bund (Beispiel)"]
    unter = [a.text.replace("<br>", " ") for a in entwicklung.layout.annotations]  # lines broken between words
    assert any(f"Quelle: {quelle}" in a and "Bund (Beispiel) (umgerechnet von je 10.000 auf je 1.000)" in a
               for a in unter), unter
    # Slides: the rows and, on the slide itself (not only in the notes), the source.
    deck = Presentation(io.BytesIO(export.pptx(oeffentlich, bilder)))
    folie = next(s for s in deck.slides if s.shapes.title.text.startswith("Musterkreis im Vergleich"))
    zellen = [c.text for sh in folie.shapes if sh.has_table for row in sh.table.rows for c in row.cells]
    assert {"Musterland (Beispiel)", "57,9", format_number(kreis, 1)} <= set(zellen)
    assert any(quelle in sh.text_frame.text for sh in folie.shapes if sh.has_text_frame)
    assert _ausserhalb_oder_zu_klein(export.pptx(oeffentlich, bilder)) == []
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(export.pdf(oeffentlich, bilder))).pages)
    assert "Musterkreis im Vergleich mit anderen Gebieten 2024" in pdf_text and "Beispielwerte (Demo" in pdf_text
    wb = load_workbook(io.BytesIO(export.xlsx(oeffentlich)))
    blatt = next(wb[n] for n in wb.sheetnames if wb[n]["A1"].value == tabelle.titel)
    werte = [c for row in blatt.iter_rows(values_only=True) for c in row if c is not None]
    assert 57.9 in werte and any(isinstance(c, str) and quelle in c for c in werte)
