"""cellviz — Streamlit entry point: page config and navigation only."""
import streamlit as st

st.set_page_config(page_title="cellviz", layout="wide")
st.title("cellviz")
st.write("See inside recurrent cells. The explorer is coming.")
