"""The Streamlit workbench."""
