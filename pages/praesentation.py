"""Präsentationsmodus: full-width slides for the Jugendhilfeausschuss, always in the public view.

The slides are the committee report (:mod:`sozialraum_analytics.bericht`) that the PPTX and PDF
exports are made of: one definition of what the committee sees.
"""

import streamlit as st

import ui
from sozialraum_analytics import export
from sozialraum_analytics.export import tabellen_text
from sozialraum_analytics.meilensteine import liste as meilensteine_liste

auswahl = ui.auswahl()
dataset = ui.get_dataset()
# Large type, no sidebar, no toolbar: readable from the back of a council chamber.
st.html("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {padding-top: 1.2rem; max-width: 100%;}
.folie {padding-top: 8vh;} .folie h1 {font-size: 4rem; line-height: 1.15; color: #1f5f8b;}
.folie p, .folie li {font-size: 1.8rem;}
div[data-testid="stMarkdownContainer"] p {font-size: 1.45rem;}
table.folientabelle {font-size: 1.35rem; border-collapse: collapse; width: 100%;}
table.folientabelle td, table.folientabelle th {padding: 0.35rem 0.8rem; border-bottom: 1px solid #d0d7de; text-align: right;}
table.folientabelle td:first-child, table.folientabelle th:first-child {text-align: left;}
</style>""")

if not dataset.years() or not dataset.has_cases or not dataset.has("zuordnung"):
    st.info("Für die Präsentation braucht es Fälle, Bevölkerung und die Zuordnung zu Sozialräumen.", icon=ui.INFO)
    st.stop()

engine = ui.get_oeffentliche_engine(auswahl.optionen)
areas = engine.areas("sozialraum")
namen = dataset.area_names()
jahr = auswahl.jahr
with st.expander("Folien einrichten", expanded=False):
    raeume = st.multiselect("Eine Folie je Sozialraum", areas, default=areas[:2], format_func=lambda a: namen.get(a, a),
                            key="praesentation_raeume")
bericht = ui.get_bericht(engine, jahr, raeume, meilensteine_liste(ui.store()))
k = bericht.kopf


def tabelle_html(tabelle) -> str:  # noqa: ANN001
    import html

    zeilen = tabellen_text(tabelle)
    kopf = "".join(f"<th>{html.escape(c)}</th>" for c in zeilen[0])
    rumpf = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in zeilen[1:])
    return f'<table class="folientabelle"><thead><tr>{kopf}</tr></thead><tbody>{rumpf}</tbody></table>'


def titel() -> None:
    st.markdown(f'<div class="folie"><h1>Hilfen zur Erziehung im {ui.plot_text(k.kreis)}</h1>'
                f"<p>Bericht für den Jugendhilfeausschuss · Berichtsjahr {k.jahr}</p>"
                f"<p>{ui.plot_text(k.version)} · Stand {k.datum:%d.%m.%Y} · {ui.plot_text(k.ansicht)}</p></div>",
                unsafe_allow_html=True)
    st.caption(ui.escape_md(k.geheimhaltung))


def kreis() -> None:
    st.header(bericht.tabellen[0].titel)
    spalten = st.columns(len(bericht.kreis_kennzahlen))
    for spalte, (label, wert) in zip(spalten, bericht.kreis_kennzahlen):
        spalte.metric(label, wert, border=True)
    st.html(tabelle_html(bericht.tabellen[0]))
    st.caption(ui.escape_md(bericht.tabellen[0].hinweis))


def figur(name: str, titel_text: str):  # noqa: ANN202
    def zeigen() -> None:
        st.header(titel_text)
        st.plotly_chart(bericht.figuren[name], theme=None, config={"displaylogo": False, "locale": "de"})
    return zeigen


def raumfolie(seite):  # noqa: ANN001, ANN202
    def zeigen() -> None:
        st.header(f"Sozialraum {ui.escape_md(seite.name)}")
        spalten = st.columns(3)
        for i, (label, wert) in enumerate(seite.kennzahlen):
            spalten[i % 3].metric(label, wert, border=True)
        for aussage in seite.aussagen:
            st.markdown(f"- {ui.escape_md(aussage)}")
    return zeigen


def hilfearten() -> None:
    st.header(bericht.tabellen[1].titel)
    st.html(tabelle_html(bericht.tabellen[1]))
    st.caption(ui.escape_md(bericht.tabellen[1].hinweis))


folien = [("Titel", titel), ("Kreis", kreis)]
if "karte" in bericht.figuren:
    folien.append(("Karte", figur("karte", f"Karte: Eckwert je Sozialraum {jahr}")))
folien += [("Eckwerte", figur("eckwerte", f"Eckwerte der Sozialräume {jahr}")),
           ("Entwicklung", figur("entwicklung", f"Entwicklung im {ui.escape_md(k.kreis)}")),
           ("Hilfearten", hilfearten)]
folien += [(f"Sozialraum {s.name}", raumfolie(s)) for s in bericht.raeume]
if "bedarf" in bericht.figuren:
    folien.append(("Bedarf", figur("bedarf", f"Bedarf und Inanspruchnahme {jahr}")))
if bericht.meilensteine is not None:
    def meilensteine_folie() -> None:
        st.header(bericht.meilensteine.titel)
        st.html(tabelle_html(bericht.meilensteine))
    folien.append(("Meilensteine", meilensteine_folie))

nummer = min(max(int(st.session_state.get("folie", 0)), 0), len(folien) - 1)
steuerung = st.columns([1.4, 1.4, 4.6, 2.3, 2.3])
if steuerung[0].button("◀ Zurück", disabled=nummer == 0, use_container_width=True):
    st.session_state["folie"] = nummer - 1
    st.rerun()
if steuerung[1].button("Weiter ▶", disabled=nummer == len(folien) - 1, use_container_width=True, type="primary"):
    st.session_state["folie"] = nummer + 1
    st.rerun()
steuerung[2].markdown(f"**Folie {nummer + 1} von {len(folien)}:** {ui.escape_md(folien[nummer][0])}")
with steuerung[3]:
    if st.button("Foliensatz als PPTX", icon=":material/download:", use_container_width=True):
        st.session_state["_deck"] = ("pptx", export.pptx(bericht))
with steuerung[4]:
    if st.button("Foliensatz als PDF", icon=":material/download:", use_container_width=True):
        st.session_state["_deck"] = ("pdf", export.pdf(bericht))
if "_deck" in st.session_state:
    fmt, daten = st.session_state["_deck"]
    st.download_button(f"{fmt.upper()} herunterladen", daten, file_name=f"jugendhilfeausschuss_{jahr}.{fmt}",
                       mime="application/pdf" if fmt == "pdf" else
                       "application/vnd.openxmlformats-officedocument.presentationml.presentation")
folien[nummer][1]()
st.caption(ui.escape_md(k.fusszeile()))
