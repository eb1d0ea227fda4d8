"""Serve the app: `python -m survey.serve [streamlit run options]` (what `make run` does).

`streamlit run app.py` plus two fixes for Streamlit 1.67 and garbage-collector settings;
see `survey.ui.serve`.
"""

from survey import ui

if __name__ == "__main__":
    ui.serve()
