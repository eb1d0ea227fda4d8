"""The participant's result page, drawn from `survey.participant.result_view`: class and
score at a glance, where they stand in the room, their profile, tips, and something to
take home (the share cards and their private link). All of it in the participant's
language: the app's words through survey/i18n.py, the questionnaire's from its
translation (`Questionnaire.in_language`)."""

from __future__ import annotations

import streamlit as st

from survey import aggregate, flow, i18n, profile_bars, qr, result, section, sharecard, standing
from survey import participant as service
from survey.i18n import _
from survey.questionnaire import Questionnaire
from survey.store import Store
from survey.ui import browser, facilitator, open_question, participant, resources


@st.cache_data(max_entries=256, show_spinner=False)
def _card_png(card: sharecard.Card) -> bytes:
    # Drawing and compressing a card costs ~8 ms; the same result is drawn once. The key
    # is everything the card says, its words in the participant's language included.
    return sharecard.png(card)


@st.cache_data(max_entries=4096, show_spinner=False)
def _link_qr(link: str) -> bytes:
    # Encoding a QR code costs ~8 ms of pure Python (segno tries every mask); the result
    # page is drawn again on every rerun, so each participant's code is made once.
    return qr.png(link, scale=4, quick=True)


def private_link(here: flow.Place) -> str:
    """The participant's own link back to their result (?s=CODE&p=TOKEN, and the
    language they read it in where the link carries one)."""
    rest = {k: v for k, v in flow.link(here).items() if k != "s"}
    return facilitator.join_url(here.code) + "".join(f"&{k}={v}" for k, v in rest.items())


def _all_rooms(q: Questionnaire, overall: float, k: int) -> str:
    """ "All rooms so far": how the participant compares with everyone who answered this
    version of the questionnaire (`q`, theirs), in steps of k like the room; empty until
    that adds anyone beyond this session."""
    norm = resources.norm(q)  # read at most every 30 s per server, whatever clear_cache says
    return result.everyone(aggregate.compare(norm.room, overall, step=k), norm.other_versions)


def show(q: Questionnaire, s: Store, here: flow.Place) -> None:
    """The participant's result (`service.result_view`): class and score at a glance,
    where they stand in the room, their profile, tips, and something to take home.
    Each section is one function below, drawn in this order. `q` is the questionnaire in
    the participant's language (`in_language`), so the dimensions' names, descriptions
    and tips are read from it."""

    def answered(fingerprint: str | None) -> Questionnaire | None:
        # The version they answered, in their language: `q` itself when it is that version
        # (a translation keeps its original's fingerprint), else that version translated.
        found = resources.questionnaire_version(fingerprint)
        if found is None:
            return None
        return q if found.fingerprint == q.fingerprint else found.in_language(i18n.current())

    view = service.result_view(s, here, q, answered, resources.room, _all_rooms)
    if view is None:  # deleted since, with its session or on its own
        st.warning(_(flow.NOT_FOUND))
        st.button(_("Start afresh"), on_click=participant.start_afresh, type="primary")
        return
    with st.container(key="result"):
        _headline(view)
        _where_you_stand(view)
        _profile(view)
        _tips(view)
        open_question.room_said(q, s, here)  # "what the room said" (survey/ui/open_question.py)
        _take_home(view, here)
        st.button(_("Take it again"), on_click=participant.start_over)
        participant.delete_controls(here)


def _headline(view: service.ResultView) -> None:
    # One element: what the page is, the verdict as the page's title, the score (and the
    # threshold, where the room's picture below does not mark it).
    believer = view.mine.klass == "believer"
    scores = [(_("Your score"), f"{view.mine.overall:.0f} / 100")]
    if not view.shown:
        scores.append((_("Believer from"), result.number(view.q.threshold)))
    title = _("You're a Believer") if believer else _("You're a Spectator")
    st.html(section.headline(_("Your result"), title, scores))
    st.markdown(_(result.BELIEVER_LINE) if believer else _(result.SPECTATOR_LINE))


def _where_you_stand(view: service.ResultView) -> None:
    if said := view.standing:
        # One element: the heading, the room's picture, what is said of it, why, everyone.
        picture = standing.html(view.room.hist_counts, view.mine.overall, view.q.threshold)
        after = [said.line, f"**{said.split}**" if said.split else ""]
        notes = [said.why, view.everyone]
        st.html(section.html(_("Where you stand"), picture, after=after, notes=notes))
        return
    st.header(_("Where you stand"), anchor=False)
    st.info(_(flow.HELD) if view.held else view.waiting)
    st.button(_("Check again"))
    if view.everyone:
        st.caption(view.everyone)


def _profile(view: service.ResultView) -> None:
    # One element: the heading, how to read the bars, the bars (numbers and escaped names).
    how = _("The bar is your score out of 100; the dark mark is the room's average.")
    picture = profile_bars.html(view.bars)
    st.html(section.html(_("Your profile"), picture, before=[how] if view.shown else []))


def _tips(view: service.ResultView) -> None:
    # One element: the heading, each chosen dimension and its tips, a tie said as a note.
    q, mine = view.q, view.mine
    lead = _("**{name}** ({score}): {description}")
    groups = [
        (
            lead.format(
                name=dim.name,
                score=f"{mine.dimension_scores[dim.id]:.0f}",
                description=dim.description,
            ),
            dim.tips,
        )
        for dim in map(q.dimension, view.tips.chosen)
    ]
    notes = []
    if view.tips.also_tied:
        names = ", ".join(q.dimension(d).name for d in view.tips.also_tied)
        notes.append(
            _(
                "Also at the same score: {names}. On a tie, the tips go to the dimension "
                "with your lowest single answer."
            ).format(names=names)
        )
    st.html(section.html(_("Tips for you"), section.listing(groups), notes=notes))
    st.info(_("Want to be a better social media marketer? **Begin living it.**"))


# The card and the QR code are made when their section is opened, not on every result:
# drawing a card is most of what a result page costs the server, and most people in a
# room never share it. Opening a section is one more rerun, for that person alone.
SHARE_CARD = "share-card"  # keys of the two sections (st.expander tracks whether open)
LINK_QR = "link-qr"


def _take_home(view: service.ResultView, here: flow.Place) -> None:
    st.header(_("Take it home"), anchor=False)
    card_box = st.expander(
        _("Your share card, to download or share"), key=SHARE_CARD, on_change="rerun"
    )
    if card_box.open:
        with card_box:
            _share_card(sharecard.card_for(view.q, view.mine), view.q.title)
    link = private_link(here)
    # One element, the link as inline code (st.code would load a 1.5 MB syntax highlighter
    # on the phone); a link a code span could not hold is shown as plain text instead.
    lead = _("Keep this link to see your result later:")
    if "`" in link or "\n" in link:
        st.markdown(lead)
        st.text(link)
    else:
        st.markdown(f"{lead}\n\n`{link}`")
    qr_box = st.expander(_("Your link as a QR code"), key=LINK_QR, on_change="rerun")
    if qr_box.open:
        # Sized by the page: Streamlit would resize the image on each rerun.
        with qr_box, st.container(width=160):
            st.image(
                _link_qr(link),
                width="stretch",
                alt=_("QR code of your private link"),
                output_format="PNG",
            )
    st.caption(_("Anyone with this link can see your result, so keep it to yourself."))


def _share_card(card: sharecard.Card, title: str) -> None:
    image = _card_png(card)
    # Shown at 320 px by the page, not resized by Streamlit (which would redraw the
    # card on every rerun): the share sheet then hands on the full 1080 px card.
    # output_format="PNG": with "auto", Streamlit re-encodes every image without an
    # alpha channel as a JPEG on each rerun, which costs CPU and blurs a QR code.
    with st.container(width=320, key=browser.SHARE_CARD_IMAGE):
        said = " ".join(t if t[-1] in ".?!…" else f"{t}." for t in card.lines())
        alt = _("Your share card: {text}").format(text=said)
        st.image(image, width="stretch", alt=alt, output_format="PNG")
    st.download_button(
        _("Download my result (PNG)"),
        data=image,
        file_name=sharecard.FILE_NAME,
        mime="image/png",
        on_click="ignore",
        type="primary",
        width="stretch",
    )
    st.download_button(
        _("Download the wide one for LinkedIn (PNG)"),
        # Drawn only when pressed (the square one is on the page already).
        data=lambda: sharecard.png(card, sharecard.WIDE),
        file_name=sharecard.WIDE_FILE_NAME,
        mime="image/png",
        on_click="ignore",
        width="stretch",
    )
    browser.share_button(
        sharecard.FILE_NAME, _("Share my result"), title, _(sharecard.SPECTATOR_LINE)
    )
