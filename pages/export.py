import streamlit as st

from survey import compare, export, formats, report
from survey.i18n import _
from survey.ui import facilitator, gate, resources

gate.require_facilitator()
q, store = resources.get_questionnaire(), resources.get_store()

st.title(_("Export"))
st.write(
    _(
        "Take the answers away in the tool you use: a CSV that opens cleanly in Excel, an Excel "
        "workbook with a codebook and a summary sheet, or an SPSS file with its labels. The "
        "report is one HTML file to send to attendees and organisers; it opens offline and "
        "prints to PDF."
    )
)
listed = store.list_sessions()
sessions = {s["code"]: s for s in listed}
scope = st.selectbox(
    _("Sessions"),
    [None, *sessions],
    index=1 + facilitator.chosen_session(listed) if sessions else 0,
    format_func={
        None: _("All sessions"),
        **{c: f"{c} · {s['title']}" for c, s in sessions.items()},
    }.__getitem__,
)
if scope is not None:
    facilitator.remember_session(scope)
fmt = st.radio(
    _("Format"),
    list(formats.LABELS),
    format_func=formats.LABELS.get,  # the tools' own names, the same in every language
    horizontal=True,
)
c1, c2, c3 = st.columns(3)
incomplete = c1.checkbox(
    _("Include unfinished responses"),
    help=_("Their status says in_progress (may still finish) or did_not_finish (closed first)."),
)
demo_rows = c2.checkbox(
    _("Include demo responses"),
    help=_(
        "Synthetic rehearsal data, flagged in the is_demo column: in every file and the report."
    ),
)
plain = fmt == "csv" and c3.checkbox(
    _("Plain UTF-8 (no byte-order mark)"), help=_("Excel needs the mark to show accents.")
)

preview = facilitator.export_preview(scope, incomplete, demo_rows)
if preview.empty:
    st.info(_("No responses to export yet. They appear here as soon as participants finish."))
else:
    st.caption(_("First {n} rows of the export").format(n=len(preview)))
    st.dataframe(preview, hide_index=True, width="stretch")

d1, d2, d3 = st.columns(3)
d1.download_button(
    _("Download responses ({format})").format(format=formats.LABELS[fmt]),
    data=lambda: formats.responses(store, fmt, scope, incomplete, demo_rows, bom=not plain),
    file_name=formats.filename(scope, fmt),
    mime=formats.MIME[fmt],
    on_click="ignore",  # a rerun racing the lazy download can drop the file (Streamlit 1.67)
    type="primary",
    width="stretch",
)
d2.download_button(
    _("Download codebook (CSV)"),
    data=lambda: export.codebook_csv(q, bom=not plain),
    file_name=export.filename(None, "codebook"),
    mime="text/csv",
    on_click="ignore",
    width="stretch",
)
d3.download_button(
    _("Download report (HTML)") if scope else _("Download rooms compared (HTML)"),
    data=lambda: (
        report.session_html(store, scope, include_demo=demo_rows)
        if scope
        else compare.compare_html(store, include_demo=demo_rows)
    ),
    file_name=report.filename(scope),
    mime="text/html",
    on_click="ignore",
    width="stretch",
)
st.caption(
    _(
        "Same files from the command line: `python -m survey export CODE --format xlsx -o "
        "answers.xlsx`, `python -m survey report CODE -o report.html`, or several codes to "
        "compare."
    )
)
