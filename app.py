"""Sozialraum-Analytics: entry point. Start with ``streamlit run app.py`` (or ``make run``).

Data come from ``SOZIALRAUM_DATEN`` or the demo Kreis in ``data/``; the pages are in ``pages/``.
"""

import streamlit as st

import ui

st.set_page_config(page_title="Sozialraum-Analytics", page_icon="📊", layout="wide")

uebersicht = st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/dashboard:", url_path="uebersicht")


def start() -> None:
    """The root URL opens the Übersicht under its own path (/uebersicht), keeping the selection."""
    st.switch_page(uebersicht, query_params=st.query_params.to_dict())


navigation = st.navigation([
    st.Page(start, title="Start", url_path="start", default=True, visibility="hidden"),
    uebersicht,
    st.Page("pages/entwicklung.py", title="Entwicklung", icon=":material/show_chart:", url_path="entwicklung"),
    st.Page("pages/karte.py", title="Karte", icon=":material/map:", url_path="karte"),
    st.Page("pages/vergleich.py", title="Vergleich", icon=":material/leaderboard:", url_path="vergleich"),
    st.Page("pages/steckbrief.py", title="Steckbrief", icon=":material/description:", url_path="steckbrief"),
    st.Page("pages/methodik.py", title="Methodik", icon=":material/menu_book:", url_path="methodik"),
    st.Page("pages/daten.py", title="Datenbestand", icon=":material/database:", url_path="daten"),
    st.Page("pages/importieren.py", title="Daten importieren", icon=":material/upload_file:", url_path="importieren"),
])

dataset = ui.get_dataset()
with st.sidebar:
    st.title("Sozialraum-Analytics")
ui.sidebar_auswahl(dataset)
ui.demo_hinweis(dataset)
navigation.run()
