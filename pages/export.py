import streamlit as st

from survey import export
from survey.ui import facilitator, gate, resources

gate.require_facilitator()
q, store = resources.get_questionnaire(), resources.get_store()

st.title("Export")
st.write(
    "Download the answers as a CSV that opens cleanly in Excel (accents intact, no formulas), "
    "with a codebook that explains every column and how each score is computed."
)
sessions = {s["code"]: s for s in store.list_sessions()}
scope = st.selectbox(
    "Sessions",
    [None, *sessions],
    index=1 if len(sessions) else 0,
    format_func=lambda c: "All sessions" if c is None else f"{c} · {sessions[c]['title']}",
)
c1, c2 = st.columns(2)
incomplete = c1.checkbox(
    "Include unfinished responses", help="Their status column says in_progress."
)
plain = c2.checkbox(
    "Plain UTF-8 (no byte-order mark)", help="Excel needs the mark to show accents."
)

preview = facilitator.export_preview(scope, incomplete)
if preview.empty:
    st.info("No responses to export yet. They appear here as soon as participants finish.")
else:
    st.caption(f"First {len(preview)} rows of the export")
    st.dataframe(preview, hide_index=True, width="stretch")

d1, d2 = st.columns(2)
d1.download_button(
    "Download responses (CSV)",
    data=lambda: export.responses_csv(store, scope, incomplete, bom=not plain),
    file_name=export.filename(scope),
    mime="text/csv",
    on_click="ignore",  # a rerun racing the lazy download can drop the file (Streamlit 1.67)
    type="primary",
    width="stretch",
)
d2.download_button(
    "Download codebook (CSV)",
    data=lambda: export.codebook_csv(q, bom=not plain),
    file_name=export.filename(None, "codebook"),
    mime="text/csv",
    on_click="ignore",
    width="stretch",
)
st.caption("Same files from the command line: `python -m survey export CODE -o answers.csv`.")
