"""The floor app's words and pictures (bench/floor_app.py): constants of the same length
as the survey's, made once per server process when first imported, so the floor's
reruns only draw."""

from survey import questionnaire, result, standing

_q = questionnaire.load(questionnaire.default_path())

TITLE = _q.title
SCALE = ["", *_q.scale]  # 1..5 -> the scale's words
PAGES = _q.page_count - 1  # the item pages; the profile page comes after them
QUESTIONS = [item.text for item in _q.pages()[0]]
INTRO = _q.intro + "\n\nSession: Open session"
SAVED_ON_NEXT = "Your answers are saved each time you press Next (or Back)."
PROFILE_LEAD = "Last step, and optional: a little about you, for the room's breakdown."
ROLES, YEARS, PLATFORMS = (p.options for p in _q.profile)
OPEN = [(o.text, o.max_chars) for o in getattr(_q, "open", ())]  # the open questions
ON_STAGE = (
    "Optional. The room's answers appear on the projector as a word cloud once the "
    "facilitator approves them, so please leave out names."
)

CLASS_LINE = result.BELIEVER_LINE
STANDING = standing.html([1, 0, 2, 3, 5, 8, 6, 4, 2, 1], 62, _q.threshold)
STANDING_LINE = "You scored higher than 61% of the 30 people counted in this session so far."
STANDING_WHY = (
    "The room's figures take in 5 finishers at a time, so no one's answers can be "
    "worked out from them; 32 have finished."
)
BARS_CAPTION = "The bar is your score out of 100; the dark mark is the room's average."
BARS = [
    (f"**{d.name}**: you {50 + i} · room {48 + i} (2 above the room)", (50 + i) / 100)
    for i, d in enumerate(_q.dimensions)
]
ROOM_MARKS = (
    "<style>"
    + "\n".join(
        f'.st-key-result-bars > :nth-child({i + 1}) [role="progressbar"]::after {{'
        ' content: ""; position: absolute;'
        f" left: calc({48 + i}% - 2px); top: -5px; bottom: -5px; width: 4px;"
        " background: #1f1933; border-radius: 2px; }"
        for i in range(len(BARS))
    )
    + "</style>"
)
TIPS = "\n\n".join(
    f"**{d.name}** (40): {d.description}\n\n" + "\n".join(f"- {tip}" for tip in d.tips)
    for d in _q.dimensions[:2]
)
CLOSING = "Want to be a better social media marketer? **Begin living it.**"
LINK_LEAD = "Keep this link to see your result later:"
LINK = "http://192.0.2.2:8501/?s=SHARE&p=j1ozI32GcLrzITRbQx0aBw"
LINK_CAPTION = "Anyone with this link can see your result, so keep it to yourself."
