"""Sozialraum-Analytics: entry point. Start with ``streamlit run app.py`` (or ``make run``).

Data come from ``dataset.datenquelle`` (``SOZIALRAUM_DATEN``, else the store, else the demo Kreis in ``data/``);
the pages are in ``pages/``.
"""

import logging

import streamlit as st

import ui
from sozialraum_analytics.speicher import einrichten

einrichten()  # freed memory stays in the process (sozialraum_analytics/speicher.py)
ui.streamlit_haerten()

st.set_page_config(page_title="Sozialraum-Analytics", page_icon="📊", layout="wide")

uebersicht = st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/dashboard:", url_path="uebersicht")


def start() -> None:
    """The root URL opens the Übersicht under its own path (/uebersicht), keeping the selection."""
    st.switch_page(uebersicht, query_params=st.query_params.to_dict())


oeffentliche_seiten = [
    st.Page(start, title="Start", url_path="start", default=True, visibility="hidden"),
    uebersicht,
    st.Page("pages/entwicklung.py", title="Entwicklung", icon=":material/show_chart:", url_path="entwicklung"),
    st.Page("pages/karte.py", title="Karte", icon=":material/map:", url_path="karte"),
    st.Page("pages/vergleich.py", title="Vergleich", icon=":material/leaderboard:", url_path="vergleich"),
    st.Page("pages/steckbrief.py", title="Steckbrief", icon=":material/description:", url_path="steckbrief"),
    st.Page("pages/steuerung.py", title="Steuerung", icon=":material/flag:", url_path="steuerung"),
    st.Page("pages/praesentation.py", title="Präsentation", icon=":material/slideshow:", url_path="praesentation"),
    st.Page("pages/methodik.py", title="Methodik", icon=":material/menu_book:", url_path="methodik"),
]
# The planning pages exist only for a logged-in planner in the planning view: for everyone else
# Streamlit does not know their URLs (enforced on the server, not by hiding buttons).
planungsseiten = [
    st.Page("pages/daten.py", title="Datenbestand", icon=":material/database:", url_path="daten"),
    st.Page("pages/importieren.py", title="Daten importieren", icon=":material/upload_file:", url_path="importieren"),
]
anmelden = st.Page("pages/anmelden.py", title="Anmelden", icon=":material/login:", url_path="anmelden")
seiten = oeffentliche_seiten + (planungsseiten if not ui.ist_oeffentlich() else []) + [anmelden]
navigation = st.navigation(seiten, expanded=True)

ui.deutsche_oberflaeche()
dataset = ui.get_dataset()
with st.sidebar:
    st.title("Sozialraum-Analytics")
ui.sidebar_ansicht()
ui.sidebar_auswahl(dataset)
if navigation.url_path not in ("praesentation", "start"):  # "start" only switches to the Übersicht
    ui.ansicht_banner()
    ui.demo_hinweis(dataset)
try:
    navigation.run()
except Exception:  # noqa: BLE001 - Streamlit's stop and rerun are BaseExceptions and pass through
    # No traceback, path or "Ask Google" button reaches a user (showErrorDetails is off too); the
    # server log has the details.
    logging.getLogger("sozialraum_analytics").exception("Unerwarteter Fehler auf der Seite %s", navigation.url_path)
    st.error("Auf dieser Seite ist ein unerwarteter Fehler aufgetreten. Die Einzelheiten stehen im Protokoll des "
             "Servers; bitte melden Sie den Fehler der Jugendhilfeplanung. Die anderen Seiten sind davon nicht "
             "betroffen.", icon=":material/error:")
