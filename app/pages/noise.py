"""Placeholder until its library part lands."""

import streamlit as st

st.title("Noise")
st.info("Not available yet: this page needs a library part that is still being built.")
