import streamlit as st

from survey import participant as service
from survey import retention
from survey.i18n import _
from survey.ui import (
    browser,
    language,
    open_question,
    participant,
    resources,
    result_page,
    unavailable,
    widgets,
)

with unavailable.plain_when_unavailable():  # a database that can't be used: a plain message
    place = participant.place()
    q = participant.shown(place)  # the version this participant began on, in their language
    store = resources.get_store()
pages = q.pages()

if notice := participant.take_notice():
    st.warning(notice)

# ---------------------------------------------------------------- join
if not place.joined:
    language.control(q, participant.speak)
    st.title(q.title, anchor=False)
    st.write(q.intro)
    with st.form("join", border=True):
        st.text_input(_("Session code"), max_chars=12, key="join_code", placeholder=_("e.g. K7PX"))
        st.form_submit_button(
            _("Join"), type="primary", on_click=participant.join_from_form, width="stretch"
        )
    default = unavailable.default_session(store, place, shown=notice)
    if default and default["is_open"]:
        st.button(
            _("No code? Join the open session"),
            on_click=participant.join_session,
            args=(default["code"],),
        )
    st.caption(retention.kept_sentence(retention.days()))
    participant.open_view(place)
    st.stop()

# ---------------------------------------------------------------- result
if place.complete:
    language.control(q, participant.speak)
    with unavailable.plain_when_unavailable():
        result_page.show(q, store, place)
    participant.open_view(place)
    st.stop()

# ---------------------------------------------------------------- survey pages
k = place.page
total = q.page_count
st.title(q.title, anchor=browser.PAGE_TITLE)  # its look: survey/ui/app.css
st.progress(k / total, text=_("Page {k} of {total}").format(k=k + 1, total=total))
if k == 0:
    st.write(q.intro)
    st.text(_("Session: {title}").format(title=place.title))

with st.form(f"page-{k}", border=False):
    if k < len(pages):
        for item in pages[k]:
            box = st
            if item.id in place.missing:
                first = item.id == place.missing[0]
                box = st.container(border=True, key=widgets.missing_key(item.id, first))
                if first:
                    box.error(service.missing_message(place))
                box.container(key=f"needed-{item.id}").markdown(_("Answer needed"))
            box.radio(
                item.text,
                options=[1, 2, 3, 4, 5],
                format_func=lambda v: q.scale[v - 1],
                index=widgets.starting(place, item.id),
                key=widgets.answer_key(item.id),
                horizontal=True,
            )
    else:
        st.write(_("Last step, and optional: a little about you, for the room's breakdown."))
        for p in q.profile:
            label = dict(zip(p.options, p.labels, strict=True)).get  # stored value -> its words
            key, start = widgets.profile_key(p.id), widgets.starting(place, p)
            if p.kind == "multi":
                st.pills(
                    p.text,
                    p.options,
                    format_func=label,
                    selection_mode="multi",
                    default=start,
                    key=key,
                )
            else:
                st.radio(p.text, p.options, format_func=label, index=start, key=key)
        open_question.fields(q, place)  # the open questions, after the profile's
    buttons = st.container(horizontal=True)
    buttons.form_submit_button(
        _("Back"), on_click=participant.submit_page, args=(k, -1), disabled=k == 0, width="stretch"
    )
    label = _("See my result") if k == total - 1 else _("Next")
    buttons.form_submit_button(
        label, type="primary", on_click=participant.submit_page, args=(k, 1), width="stretch"
    )
    language.control(q, participant.speak, args=(k,), form=True)  # sends this page's choices
st.caption(_(participant.SAVED_ON_NEXT))
participant.delete_controls(place)
participant.open_view(place)
