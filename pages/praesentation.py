"""Präsentationsmodus: full-width slides for the Jugendhilfeausschuss, always in the public view.

The slides are :func:`sozialraum_analytics.ausschussbericht.folien` of the committee report: the PPTX and
the PDF are made of the same list, so screen, deck and PDF show the same slides in the same order.
Arrow keys and a presenter's clicker (PageUp/PageDown) turn the slides.
"""

import html

import streamlit as st

import ui
from sozialraum_analytics import export
from sozialraum_analytics.ausschussbericht import folien, ist_zahl, tabellen_text
from sozialraum_analytics.meilensteine import liste as meilensteine_liste

auswahl = ui.auswahl()
dataset = ui.get_dataset()
# Large type, no sidebar, no toolbar: readable from the back of a council chamber. The second pair of
# buttons only carries the clicker's keys (PageDown/PageUp); it is not shown.
st.html("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {padding-top: 1.2rem; max-width: 100%;}
.folie {padding-top: 6vh;} .folie h1 {font-size: 3.6rem; line-height: 1.15; color: #1f5f8b;}
.folie p {font-size: 1.7rem; margin: .3rem 0;}
.folie-klein p {font-size: 1.1rem; color: #4a5058; margin: .15rem 0;}
div[data-testid="stMarkdownContainer"] p, div[data-testid="stMarkdownContainer"] li {font-size: 1.45rem;}
table.folientabelle {font-size: 1.35rem; border-collapse: collapse; width: 100%;}
table.folientabelle td, table.folientabelle th {padding: 0.35rem 0.8rem; border-bottom: 1px solid #d0d7de;}
table.folientabelle td.zahl, table.folientabelle th.zahl {text-align: right; font-variant-numeric: tabular-nums;}
.st-key-klicker {display: none;}
</style>""")

if not dataset.years() or not dataset.has_cases or not dataset.has("zuordnung"):
    st.info("Für die Präsentation braucht es Fälle, Bevölkerung und die Zuordnung zu Sozialräumen.", icon=ui.INFO)
    st.page_link("pages/uebersicht.py", label="Zurück zum Dashboard", icon=":material/arrow_back:")
    st.stop()

engine = ui.get_oeffentliche_engine(auswahl.optionen)
areas = engine.areas("sozialraum")
namen = dataset.area_names()
jahr = auswahl.jahr
# All Sozialräume by default (a slide each); with many, the one chosen on another page or the first ten.
gewaehlt = ui.gewaehltes_gebiet()
vorwahl = areas if len(areas) <= 12 else ([gewaehlt] if gewaehlt in areas else areas[:10])
oben = st.columns([6, 2])
with oben[0].expander("Folien einrichten", expanded=False):
    raeume = st.multiselect("Eine Folie je Sozialraum", areas, default=vorwahl, format_func=lambda a: namen.get(a, a),
                            key="praesentation_raeume", placeholder="Sozialräume wählen")
oben[1].page_link("pages/uebersicht.py", label="Zurück zum Dashboard", icon=":material/arrow_back:")
bericht = ui.get_bericht(engine, jahr, raeume, meilensteine_liste(ui.store()))
k = bericht.kopf
liste = folien(bericht)


def tabelle_html(tabelle) -> str:  # noqa: ANN001
    zeilen = tabellen_text(tabelle)
    rechts = [j > 0 and all(ist_zahl(row[j]) for row in zeilen[1:]) for j in range(len(zeilen[0]))]

    def zelle(tag: str, text: str, j: int) -> str:
        klasse = ' class="zahl"' if rechts[j] else ""
        return f"<{tag}{klasse}>{html.escape(text)}</{tag}>"

    kopf = "".join(zelle("th", c, j) for j, c in enumerate(zeilen[0]))
    rumpf = "".join("<tr>" + "".join(zelle("td", c, j) for j, c in enumerate(row)) + "</tr>" for row in zeilen[1:])
    return f'<table class="folientabelle"><thead><tr>{kopf}</tr></thead><tbody>{rumpf}</tbody></table>'


def zeigen(folie) -> None:  # noqa: ANN001 - bericht.Folie
    if folie.art == "titel":
        st.html(f'<div class="folie"><h1>{html.escape(folie.titel)}</h1>'
                f"<p>Bericht für den Jugendhilfeausschuss · Berichtsjahr {k.jahr}</p>"
                f"<p>{html.escape(k.version)} · Stand {k.datum:%d.%m.%Y} · {html.escape(k.ansicht)}</p></div>")
        st.html('<div class="folie-klein">' + "".join(f"<p>{html.escape(label)}: {html.escape(wert)}</p>"
                                                     for label, wert in k.zeilen()[2:]) + "</div>")
        return
    st.header(ui.escape_md(folie.titel))
    if folie.art == "kreis":
        spalten = st.columns(len(bericht.kreis_kennzahlen) + 2)
        for spalte, (label, wert) in zip(spalten, bericht.kreis_kennzahlen):
            spalte.metric(label, wert, border=True)
    if folie.tabelle is not None:
        st.html(tabelle_html(folie.tabelle))
        if folie.tabelle.hinweis:
            st.caption(ui.escape_md(folie.tabelle.hinweis))
    if folie.art == "bild":
        st.plotly_chart(bericht.figuren[folie.bild], theme=None, width="stretch",
                        config={"displaylogo": False, "locale": "de"})
    if folie.art == "raum":
        links, rechts = st.columns([2, 3], gap="large")
        # Lists, not metric cards: long labels are never cut.
        links.markdown("\n".join(f"- **{ui.escape_md(label)}:** {ui.escape_md(wert)}"
                                 for label, wert in folie.raum.kennzahlen))
        rechts.markdown("\n".join(f"- {ui.escape_md(a)}" for a in folie.raum.aussagen))


nummer = min(max(int(st.session_state.get("folie", 0)), 0), len(liste) - 1)


def blaettern(schritt: int) -> None:
    st.session_state["folie"] = min(max(nummer + schritt, 0), len(liste) - 1)


steuerung = st.columns([1.4, 1.4, 4.6, 2.3, 2.3])
steuerung[0].button("◀ Zurück", disabled=nummer == 0, width="stretch", shortcut="Left", on_click=blaettern,
                    args=(-1,), help="Auch mit ← oder Bild ↑ (Presenter)")
steuerung[1].button("Weiter ▶", disabled=nummer == len(liste) - 1, width="stretch", type="primary",
                    shortcut="Right", on_click=blaettern, args=(1,), help="Auch mit → oder Bild ↓ (Presenter)")
with st.container(key="klicker"):
    st.button("Zurück (Bild ↑)", shortcut="PageUp", on_click=blaettern, args=(-1,), key="klicker_zurueck")
    st.button("Weiter (Bild ↓)", shortcut="PageDown", on_click=blaettern, args=(1,), key="klicker_weiter")
steuerung[2].markdown(f"**Folie {nummer + 1} von {len(liste)}:** {ui.escape_md(liste[nummer].kurz)}")
with steuerung[3]:
    if st.button("Foliensatz als PPTX", icon=":material/download:", width="stretch"):
        st.session_state["_deck"] = ("pptx", export.pptx(bericht))
with steuerung[4]:
    if st.button("Foliensatz als PDF", icon=":material/download:", width="stretch"):
        st.session_state["_deck"] = ("pdf", export.pdf(bericht))
if "_deck" in st.session_state:
    fmt, daten = st.session_state["_deck"]
    st.download_button(f"{fmt.upper()} herunterladen", daten, file_name=f"jugendhilfeausschuss_{jahr}.{fmt}",
                       mime="application/pdf" if fmt == "pdf" else
                       "application/vnd.openxmlformats-officedocument.presentationml.presentation")
zeigen(liste[nummer])
st.caption(ui.escape_md(k.fusszeile()))
