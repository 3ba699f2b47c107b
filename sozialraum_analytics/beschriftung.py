"""Labels of a scatter chart that neither overlap nor leave the chart.

Each point's label goes to one of eight places around it (above, below, beside, diagonal); the
points in the densest spots choose first, each taking the place that covers the fewest labels and
points already placed. Labels that would still overlap become numbers, explained in a legend
beside the chart; the axes get room for the labels at their edges, so nothing is cut.
Sizes are estimated in pixels of the drawn chart (a character of the font is about 0.58 em wide).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# plotly textposition, direction of the label's centre from the point (x, y in units of half the box)
ORTE = {"top center": (0, 1), "bottom center": (0, -1), "middle right": (1, 0), "middle left": (-1, 0),
        "top right": (1, 1), "top left": (-1, 1), "bottom right": (1, -1), "bottom left": (-1, -1)}
ZEICHEN_EM = 0.58
MARKER_PX = 9


@dataclass(frozen=True)
class Beschriftung:
    """Where each label goes: ``texte`` (a name or, where names would collide, a number),
    ``orte`` (plotly textposition), ``legende`` (number, full name) and axis ranges with room."""

    texte: list[str]
    orte: list[str]
    legende: list[tuple[str, str]]
    x_bereich: tuple[float, float]
    y_bereich: tuple[float, float]


def _kasten(px: float, py: float, breite: float, hoehe: float, ort: str) -> tuple[float, float, float, float]:
    dx, dy = ORTE[ort]
    cx = px + dx * (breite / 2 + MARKER_PX)
    cy = py + dy * (hoehe / 2 + MARKER_PX)
    return cx - breite / 2, cy - hoehe / 2, cx + breite / 2, cy + hoehe / 2


def _ueberlappung(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def platzieren(x, y, namen: list[str], breite_px: float = 1000, hoehe_px: float = 450,  # noqa: ANN001
               schrift_px: float = 15) -> Beschriftung:
    """Label places for the points (x, y) in a plot area of ``breite_px`` × ``hoehe_px`` pixels."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if n == 0:
        return Beschriftung([], [], [], (0.0, 1.0), (0.0, 1.0))
    hoehe = schrift_px * 1.25

    def ranges(texte: list[str]) -> tuple[tuple[float, float], tuple[float, float]]:
        # Room at the edges for the widest label and one line above and below.
        spanne_x = (x.max() - x.min()) or 1.0
        spanne_y = (y.max() - y.min()) or 1.0
        breit = max(len(t) for t in texte) * schrift_px * ZEICHEN_EM + 2 * MARKER_PX
        rand_x = spanne_x * breit / max(breite_px - 2 * breit, breite_px / 3)
        rand_y = spanne_y * (hoehe + MARKER_PX) * 1.5 / max(hoehe_px - 3 * hoehe, hoehe_px / 3)
        return (x.min() - rand_x, x.max() + rand_x), (y.min() - rand_y, y.max() + rand_y)

    def versuch(texte: list[str]) -> tuple[list[str], list[bool], tuple, tuple]:
        xb, yb = ranges(texte)
        px = (x - xb[0]) / (xb[1] - xb[0]) * breite_px
        py = (y - yb[0]) / (yb[1] - yb[0]) * hoehe_px
        punkte = [(a - MARKER_PX, b - MARKER_PX, a + MARKER_PX, b + MARKER_PX) for a, b in zip(px, py)]
        dichte = [sum(1 for j in range(n) if abs(px[i] - px[j]) < 120 and abs(py[i] - py[j]) < 40) for i in range(n)]
        orte = ["top center"] * n
        gesetzt: list[tuple] = []
        konflikt = [False] * n
        for i in sorted(range(n), key=lambda i: (-dichte[i], i)):
            breite = len(texte[i]) * schrift_px * ZEICHEN_EM + 4
            best = None
            for ort in ORTE:
                kasten = _kasten(px[i], py[i], breite, hoehe, ort)
                kosten = sum(_ueberlappung(kasten, g) for g in gesetzt)
                kosten += sum(_ueberlappung(kasten, p) for j, p in enumerate(punkte) if j != i)
                aussen = (max(0, -kasten[0]) + max(0, kasten[2] - breite_px)) * hoehe + \
                         (max(0, -kasten[1]) + max(0, kasten[3] - hoehe_px)) * breite
                kosten += 2 * aussen
                if best is None or kosten < best[0] - 1e-9:
                    best = (kosten, ort, kasten)
            orte[i] = best[1]
            gesetzt.append(best[2])
            konflikt[i] = best[0] > 1.0
        return orte, konflikt, xb, yb

    texte = [str(t) for t in namen]
    orte, konflikt, xb, yb = versuch(texte)
    legende: list[tuple[str, str]] = []
    if any(konflikt):
        # Where names collide, numbers instead, explained in the legend.
        nummer = 0
        for i in range(n):
            if konflikt[i]:
                nummer += 1
                legende.append((str(nummer), texte[i]))
                texte[i] = str(nummer)
        orte, _konflikt, xb, yb = versuch(texte)
    return Beschriftung(texte, orte, legende, xb, yb)
