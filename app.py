"""cellviz — Streamlit entry point: page config, deep links and navigation only (`streamlit run app.py`)."""
import streamlit as st

from cellviz.ui import layout

st.set_page_config(page_title="cellviz", page_icon="🔬", layout="wide")
present = layout.start_session()          # the URL on the first run; the language before the page titles
page = st.navigation(layout.navigation_pages(), position="hidden" if present else "sidebar")
layout.follow_url_view(page)
layout.warn_ignored_params()
page.run()
