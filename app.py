"""cellviz — Streamlit entry point: page config and navigation only (`streamlit run app.py`)."""
import streamlit as st

from cellviz.ui.layout import navigation_pages

st.set_page_config(page_title="cellviz", page_icon="🔬", layout="wide")
st.navigation(navigation_pages()).run()
