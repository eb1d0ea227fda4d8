"""Believer or Spectator: the plain-Python core (no Streamlit in here)."""
