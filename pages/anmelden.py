"""Anmelden: planners log in (local account or the organisation's OIDC) to reach the planning view."""

import streamlit as st

import ui

ui.auswahl()  # runs the page inside app.py even when its link is opened first
st.title("Anmelden")
name = ui.angemeldet_als()
if name is not None:
    st.success(f"Angemeldet als **{ui.escape_md(name)}**. Die Planungsansicht und der Datenimport sind freigeschaltet; "
               "links wählen Sie die Ansicht.", icon=ui.OK)
    if st.button("Abmelden", icon=":material/logout:", key="abmelden_seite"):
        ui.abmelden()
        st.rerun()
    st.stop()

st.markdown("Die **öffentliche Ansicht** braucht keine Anmeldung. Die **Planungsansicht** mit exakten Zahlen und "
            "der **Datenimport** sind nur für angemeldete Planerinnen und Planer.")
if ui.oidc_konfiguriert():
    st.button("Mit dem Organisationskonto anmelden", icon=":material/login:", on_click=st.login, type="primary")
    st.caption("Anmeldung über den Identitätsdienst des Kreises (OpenID Connect).")


def pruefen() -> None:
    """Runs before the page (form callback): check, forget the typed password, remember a failure's message
    (wrong password, or how long to wait after too many)."""
    ergebnis = ui.anmelden_lokal(st.session_state.get("anmelden_name", "").strip(),
                                 st.session_state.get("anmelden_passwort", ""))
    st.session_state["anmelden_passwort"] = ""
    st.session_state["_anmeldefehler"] = "" if ergebnis else ergebnis.meldung


with st.form("anmelden"):
    st.text_input("Benutzername", autocomplete="username", key="anmelden_name")
    st.text_input("Passwort", type="password", autocomplete="current-password", key="anmelden_passwort")
    st.form_submit_button("Anmelden", type="primary", on_click=pruefen)
fehler = st.session_state.pop("_anmeldefehler", "")
if fehler:
    st.error(fehler, icon=":material/error:")
minuten = ui.sitzung_minuten()
st.caption("Konten legt die Administration auf dem Server an: "
           "`python -m sozialraum_analytics konto anlegen NAME`. Nach fünf falschen Passwörtern für ein Konto "
           "wartet die Anmeldung, mit jedem weiteren Fehlversuch länger."
           + (f" Nach {ui.minuten_text(minuten)} Minuten ohne Aktivität endet die Sitzung." if minuten else ""))
