"""The event theme: one [theme] table in the questionnaire file, checked on load."""

from dataclasses import replace
from pathlib import Path

import pytest

from survey import aggregate, demo, questionnaire, scoring, sharecard, theme
from survey.charts import FONT_FAMILY, histogram, item_label, likert_bars, timeline, whole_step
from survey.room import Room

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


@pytest.fixture
def summary(db, q) -> aggregate.Summary:
    code = db.create_session("Charts")
    db.insert_many(code, demo.responses(q, 20, seed=1))
    rows = db.rows(code, since_version=0, columns=aggregate.room_columns(q))
    return aggregate.summarise(Room(q).add(*rows, db.session_version(code)), q.threshold)


def with_theme(tmp_path: Path, table: str) -> Path:
    text = (ROOT / "data" / "questionnaire.toml").read_text("utf-8")
    path = tmp_path / "questionnaire.toml"
    path.write_text(text + "\n[theme]\n" + table, "utf-8")
    return path


def test_without_a_theme_table_the_stage_looks_as_before():
    q = questionnaire.load(ROOT / "data" / "questionnaire.toml")
    assert q.theme == theme.DEFAULT
    assert (q.theme.event, q.theme.accent, q.theme.logo_bytes) == ("", "#6C2BD9", None)


def test_a_theme_gives_the_event_name_accent_and_logo_read_beside_the_file(tmp_path):
    (tmp_path / "logo.png").write_bytes(PNG)
    path = with_theme(tmp_path, 'event = "Summit 2027"\naccent = "#0b7a75"\nlogo = "logo.png"\n')

    q = questionnaire.load(path)

    assert q.theme == theme.Theme("Summit 2027", "#0B7A75", PNG)
    assert q.theme.logo_type == "image/png"
    assert theme.load(path) == q.theme


@pytest.mark.parametrize(
    "table,field,problem",
    [
        ('accent = "purple"\n', "accent", "#RRGGBB"),
        ('accent = "#12345"\n', "accent", "#RRGGBB"),
        ('event = "Summit\\u202e2027"\n', "event", "control characters"),
        ('event = "Line one\\nline two"\n', "event", "one line"),
        (f'event = "{"x" * 81}"\n', "event", "at most 80"),
        ('logo = "missing.png"\n', "logo", "does not exist"),
        ('logo = "logo.gif"\n', "logo", ".png or .jpg"),
        ('logo = "fake.png"\n', "logo", "not a PNG or JPEG"),
        ('logo = "huge.jpg"\n', "logo", "at most"),
        ('colour = "#000000"\n', "colour", "not a theme setting"),
        ('hashtag = "two words"\n', "hashtag", "one hashtag of letters"),
        ("hashtag = 27\n", "hashtag", "must be text"),
        ('link = "javascript:alert(1)"\n', "link", "web address"),
        (f'link = "example.com/{"x" * 60}"\n', "link", "at most 60"),
    ],
)
def test_a_bad_theme_stops_the_app_with_one_line_naming_the_file_and_field(
    tmp_path, table, field, problem
):
    (tmp_path / "fake.png").write_bytes(b"<svg></svg>")
    (tmp_path / "huge.jpg").write_bytes(JPEG + b"\0" * theme.MAX_LOGO_BYTES)
    path = with_theme(tmp_path, table)

    with pytest.raises(questionnaire.QuestionnaireError) as err:
        questionnaire.load(path)

    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: theme, field '{field}': ")
    assert problem in message


def test_a_stored_older_version_is_read_without_its_logo_file():
    text = (ROOT / "data" / "questionnaire.toml").read_text("utf-8")
    q = questionnaire.from_text(text + '\n[theme]\nlogo = "gone.png"\n', "stored", "abc")
    assert q.theme.logo_bytes is None


@pytest.mark.parametrize("accent,ink", [("#6C2BD9", "#FFFFFF"), ("#FFD400", "#1F1933")])
def test_text_on_the_accent_is_white_or_dark_whichever_reads_better(accent, ink):
    assert theme.Theme(accent=accent).ink() == ink


# ---------------------------------------------------------------- the charts' type and axes


def test_every_chart_is_set_in_the_pages_font(q, summary):
    for fig in (histogram(summary, 60), timeline(summary), likert_bars(summary, q)):
        assert fig.layout.font.family == FONT_FAMILY == '"Source Sans", sans-serif'


def test_the_stage_leaves_out_the_analysts_reverse_key_mark(q):
    reverse = next(i for i in q.items if i.reverse)
    assert item_label(reverse).endswith("(R)")  # the report explains it
    assert "(R)" not in item_label(reverse, mark_reverse=False)


@pytest.mark.parametrize("top,step", [(0, 1), (3, 1), (5, 1), (7, 2), (11, 5), (60, 20)])
def test_count_axes_tick_in_whole_people(top, step):
    assert whole_step(top) == step


def test_over_time_reads_clock_times_a_whole_minute_apart(summary):
    fig = timeline(summary)
    assert fig.layout.xaxis.tickformat == "%H:%M"
    assert fig.layout.xaxis.dtick % 60_000 == 0


def test_the_events_hashtag_and_link_reach_the_share_card_from_the_file(tmp_path, q):
    path = with_theme(
        tmp_path, 'event = "Summit"\nhashtag = "SMSummit27"\nlink = "summit.example.com"\n'
    )
    themed = replace(q, theme=questionnaire.load(path).theme)
    assert (themed.theme.hashtag, themed.theme.link) == ("#SMSummit27", "summit.example.com")
    card = sharecard.card_for(themed, scoring.score(themed, {i: 4 for i in q.item_ids}))
    assert "#SMSummit27" in card.lines() and "summit.example.com" in card.lines()
