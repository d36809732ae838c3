"""Stage 7: the Streamlit app (`audit app`, `streamlit run app.py`), one module per page."""
