"""One chart style for the dashboard and the exports (:mod:`sozialraum_analytics.diagramme`).

The committee report's figures and the dashboard's are built by the same builders: the same template,
the same colours (above the Kreis orange, below blue, the Kreis a dark dashed line), and every colour
constant is defined once, in ``diagramme.py``.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from sozialraum_analytics import diagramme
from sozialraum_analytics.ausschussbericht import Kopf, _fig_bedarf, _fig_entwicklung, _fig_ranking

ROOT = Path(__file__).resolve().parent.parent
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
KOPF = Kopf("Musterkreis", 2024, "Demo-Daten", "Datenversion 3", "Planungsansicht: exakte Zahlen, nicht zur "
            "Veröffentlichung", "Eckwert je 1.000 unter 21 Jahre: Hilfen je 1.000 junge Menschen am 31.12.",
            dt.date(2026, 11, 23))


@pytest.fixture
def sozialraeume() -> pd.DataFrame:
    """The report's first table: three Sozialräume, one withheld, and the Kreis (66,3) in the last row."""
    return pd.DataFrame({"Sozialraum": ["Nord", "Süd", "Mitte", "West", "Musterkreis (Kreis)"],
                         "Inanspruchnahme": [40, 70, 66, "•", 250],
                         "Eckwert": [40.0, 70.0, 66.3, None, 66.3],
                         "Abweichung vom Kreis in %": [-39.7, 5.6, 0.0, None, None]})


def _balken(fig) -> dict[str, str]:  # noqa: ANN001
    bars = fig.data[0]
    return dict(zip(bars.y, bars.marker.color))


def test_the_reports_ranking_colours_bars_above_the_kreis_and_draws_the_kreis_line(sozialraeume) -> None:
    fig = _fig_ranking(sozialraeume, KOPF)
    # Süd (70,0) lies above the Kreis (66,3); Mitte (66,3) is at it, Nord (40,0) below.
    assert _balken(fig) == {"Süd": diagramme.UEBER_KREIS, "Mitte": diagramme.UNTER_KREIS, "Nord": diagramme.UNTER_KREIS}
    assert list(fig.data[0].y) == ["Süd", "Mitte", "Nord"]  # the highest on top (reversed category axis)
    assert fig.layout.yaxis.autorange == "reversed"
    linie = next(s for s in fig.layout.shapes if s.type == "line")
    assert linie.x0 == linie.x1 == pytest.approx(66.3)
    assert linie.line.color == diagramme.KREIS_FARBE and linie.line.dash == "dash"
    assert any(a.text == "<b>Kreis: 66,3</b>" for a in fig.layout.annotations)
    # The withheld Sozialraum keeps its row at the bottom, marked, without a bar.
    assert list(fig.layout.yaxis.ticktext) == ["Süd", "Mitte", "Nord", "West"]
    assert list(fig.data[1].text) == ["• gesperrt"]
    # The footer names source, version, view, date and denominator.
    fuss = fig.layout.annotations[-1].text
    assert fuss.startswith("Quelle: Demo-Daten · Datenversion 3") and "Eckwert je 1.000" in fuss


def test_the_report_and_the_dashboard_draw_the_same_ranking(sozialraeume) -> None:
    """The Übersicht's chart (on screen) and the report's slide: same builder, same template and colours."""
    bericht = _fig_ranking(sozialraeume, KOPF)
    seite = diagramme.rangliste(["SR2", "SR3", "SR1"], [70.0, 66.3, 40.0], 66.3, namen=["Süd", "Mitte", "Nord"],
                                titel="Eckwert, Hilfen gesamt 2024")
    assert seite.layout.template == bericht.layout.template == diagramme.figur("", "").layout.template
    assert list(seite.data[0].marker.color) == [_balken(bericht)[n] for n in ["Süd", "Mitte", "Nord"]]
    assert set(seite.data[0].marker.color) <= {diagramme.UEBER_KREIS, diagramme.UNTER_KREIS}
    assert seite.layout.shapes[0].line.color == bericht.layout.shapes[0].line.color == diagramme.KREIS_FARBE
    # What differs is the size: the slide is 1,200 pixels wide with larger type, the page sets the width.
    assert seite.layout.width is None and bericht.layout.width == diagramme.FOLIE.breite
    assert bericht.layout.font.size == diagramme.FOLIE.schrift


def test_a_small_base_is_grey_and_marked() -> None:
    fig = diagramme.rangliste(["a", "b"], [80.0, 90.0], 50.0, klein=[False, True])
    assert list(fig.data[0].marker.color) == [diagramme.UEBER_KREIS, diagramme.KLEINE_BASIS_FARBE]
    assert list(fig.data[0].text) == ["80,0", "90,0 (kleine Basis)"]


def test_the_reports_development_is_the_dashboards_kreis_line_over_whole_years() -> None:
    daten = pd.DataFrame({"Jahr": [2022, 2023, 2024], "Inanspruchnahme": [200, 220, 250],
                          "Eckwert": [60.3, 64.2, 66.3]})
    fig = _fig_entwicklung(daten, KOPF)
    seite = diagramme.figur("Eckwert", "Eckwert", x_jahre=[2022, 2023, 2024])
    diagramme.linie(seite, [2022, 2023, 2024], [60.3, 64.2, 66.3], "Kreis", 0, ["60,3", "64,2", "66,3"], kreis=True)
    assert fig.data[0].line == seite.data[0].line  # dark, dashed, as on the Entwicklung page
    assert fig.data[0].line.color == diagramme.KREIS_FARBE
    assert list(fig.layout.xaxis.ticktext) == ["2022", "2023", "2024"]  # years, not "2.022"
    assert list(fig.data[0].text) == ["60,3", "64,2", "66,3"]


def test_the_reports_scatter_is_the_dashboards() -> None:
    daten = pd.DataFrame({"Sozialraum": ["Nord", "Süd"], "Bedarfsindex": [-0.5, 1.2], "Klasse": ["niedrig", "hoch"],
                          "Eckwert": [40.0, 70.0]})
    fig = _fig_bedarf(daten, 55.0, KOPF)
    assert fig.data[0].marker.color == diagramme.UNTER_KREIS
    assert fig.layout.template == diagramme.figur("", "").layout.template
    hline = next(s for s in fig.layout.shapes if s.y0 == s.y1)
    assert hline.y0 == 55.0 and hline.line.color == diagramme.KREIS_FARBE


def test_the_steckbrief_charts_use_the_palette() -> None:
    hilfen = diagramme.hilfen_im_vergleich(["Hilfen gesamt", "HzE"], [88.6, 57.1], [66.3, 44.4], raum_name="Nord",
                                           kreis_name="Musterkreis (Kreis)", titel="Eckwert", y_titel="Eckwert")
    assert [t.marker.color for t in hilfen.data] == [diagramme.UNTER_KREIS, diagramme.GRAU]
    alter = diagramme.gestapelt([2023, 2024], [("0 bis unter 6", [2023, 2024], [10, 11]),
                                               ("6 bis unter 14", [2023, 2024], [20, 21])],
                                titel="Junge Menschen", y_titel="Einwohner", legende="Altersgruppe")
    assert [t.marker.color for t in alter.data] == diagramme.PALETTE[:2]
    assert hilfen.layout.template == alter.layout.template == diagramme.figur("", "").layout.template


def test_the_footer_is_broken_between_its_parts_and_the_image_grows() -> None:
    fig = diagramme.figur("Titel", "", height=500)
    teile = ["Quelle: " + "x" * 80, "Datenversion 3", "Planungsansicht", "Stand 23.11.2026", "Bezugsgröße: " + "y" * 90]
    mit = diagramme.mit_fuss(fig, " · ".join(teile), breite=1200)
    zeilen = mit.layout.annotations[-1].text.split("<br>")
    assert len(zeilen) == 2 and all(len(z) <= 1200 / (11 * 0.6) for z in zeilen)
    assert " · ".join(zeilen) == " · ".join(teile)
    assert mit.layout.width == 1200 and mit.layout.height > 500
    assert fig.layout.annotations == ()  # the figure on the page is left as it is


# --- one definition of each colour --------------------------------------------------------------
def _quellen() -> list[Path]:
    dateien = [*sorted((ROOT / "sozialraum_analytics").glob("*.py")), *sorted((ROOT / "pages").glob("*.py")),
               ROOT / "app.py"]
    dateien += [ROOT / "ui.py"] if (ROOT / "ui.py").exists() else []
    dateien += sorted((ROOT / "ui").glob("*.py")) if (ROOT / "ui").is_dir() else []
    return dateien


def _farbkonstanten() -> list[tuple[str, str, set[str]]]:
    """(file, name, hex colours) of every module-level constant whose value holds a hex colour."""
    out = []
    for datei in _quellen():
        for knoten in ast.parse(datei.read_text(encoding="utf-8")).body:
            if isinstance(knoten, ast.Assign):
                ziele = [z.id for z in knoten.targets if isinstance(z, ast.Name)]
            elif isinstance(knoten, ast.AnnAssign) and isinstance(knoten.target, ast.Name) and knoten.value is not None:
                ziele = [knoten.target.id]
            else:
                continue
            farben = {c.value.lower() for c in ast.walk(knoten.value)
                      if isinstance(c, ast.Constant) and isinstance(c.value, str) and HEX.fullmatch(c.value)}
            namen_ = {n.id for n in ast.walk(knoten.value) if isinstance(n, ast.Name)}
            for ziel in ziele:
                if farben or ziel.isupper() and namen_ & set(DIAGRAMM_FARBEN):
                    out.append((datei.relative_to(ROOT).as_posix(), ziel, farben))
    return out


DIAGRAMM_FARBEN = ["PALETTE", "SETTING_FARBEN", "TEXT_FARBE", "KREIS_FARBE", "UNTER_KREIS", "UEBER_KREIS",
                   "KLEINE_BASIS_FARBE", "GRAU", "GITTER_FARBE", "FUSS_FARBE"]
# A map's own colours (folium, not plotly): the Sozialraum border happens to be the text colour.
KARTENFARBEN = {("sozialraum_analytics/karte.py", "GRENZE_SOZIALRAUM")}


def test_every_chart_colour_is_defined_once_in_diagramme() -> None:
    konstanten = _farbkonstanten()
    definiert = [(d, n) for d, n, _ in konstanten if n in DIAGRAMM_FARBEN]
    assert definiert == [("sozialraum_analytics/diagramme.py", n) for n in DIAGRAMM_FARBEN]
    werte = set()
    for name in DIAGRAMM_FARBEN:
        wert = getattr(diagramme, name)
        werte |= {w.lower() for w in (wert.values() if isinstance(wert, dict) else [wert] if isinstance(wert, str)
                                      else wert)}
    kopien = [(d, n, sorted(f & werte)) for d, n, f in konstanten
              if d != "sozialraum_analytics/diagramme.py" and f & werte and (d, n) not in KARTENFARBEN]
    assert not kopien, f"chart colours defined again outside diagramme.py: {kopien}"


def test_the_exports_and_the_dashboards_chart_section_hold_no_colour_of_their_own() -> None:
    for datei in ("sozialraum_analytics/ausschussbericht.py", "sozialraum_analytics/export.py"):
        assert not HEX.findall((ROOT / datei).read_text(encoding="utf-8")), datei
    ui = ROOT / "ui.py"
    if ui.exists():
        text = ui.read_text(encoding="utf-8")
        abschnitt = text[text.index("# --- charts"):text.index("# --- maps")]
        assert not HEX.findall(abschnitt)


def test_the_structure_bars_mark_a_withheld_share_and_write_german_numbers() -> None:
    from sozialraum_analytics.diagramme import anteile_im_vergleich

    fig = anteile_im_vergleich(["unter 3", "3 bis <6>"], [12.5, float("nan")], [10.0, 20.25], [False, True],
                               [False, False], raum_name="Nord", kreis_name="Kreis", titel="Alter")
    gebiet, kreis = fig.data
    assert list(gebiet.text) == ["12,5 %", "• gesperrt"] and list(gebiet.x) == [12.5, 0]
    assert list(kreis.text) == ["10,0 %", "20,3 %"]  # halves up
    assert list(gebiet.y) == ["unter 3", "3 bis &lt;6&gt;"]  # data text escaped
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.separators == ",."
