"""The room's own words: an answer made safe, split and normalised, the blocklist, and
which phrases the stage may show (one person's phrase only once approved)."""

import pytest

from survey import words
from survey.words import APPROVED, BLOCKED, HIDDEN, QUEUE, Blocklist, Phrase

NONE_BLOCKED = Blocklist([])


@pytest.mark.parametrize(
    "typed, phrases",
    [
        ("Learning", ["learning"]),
        ("  constant   LEARNING ", ["constant learning"]),
        ("Connections", ["connection"]),
        ("discoveries, new friends", ["discovery", "new friend"]),
        ("news; business / classes", ["news", "business", "class"]),
        ("Inspiration!!! 🎉🎉", ["inspiration"]),
        ("learning, Learning, LEARNINGS", ["learning"]),  # one person counts once
        ("a, b, c, d, e", ["a", "b", "c"]),  # a list, not a few words
        ("<b>bold</b>", ["b bold", "b"]),  # markup is only letters and a /
        ("🎉🎉", []),
        ("it's about people", ["it's about people"]),
    ],
)
def test_an_answer_is_split_into_normalised_phrases(typed, phrases):
    assert words.phrases(typed) == phrases


@pytest.mark.parametrize(
    "word, single",
    [
        ("connections", "connection"),
        ("stories", "story"),
        ("brushes", "brush"),
        ("boxes", "box"),
        ("news", "news"),
        ("this", "this"),
        ("status", "status"),
        ("class", "class"),
        ("ads", "ads"),  # too short to guess
    ],
)
def test_simple_plurals_are_made_singular_and_other_words_left_alone(word, single):
    assert words.singular(word) == single


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("  Learning  ", "Learning"),
        ("new\nfriends\tand more", "new friends and more"),
        ("evil\u202eoverride", "eviloverride"),  # right-to-left override removed
        ("zero\u200bwidth", "zerowidth"),
        ("nul\x00bell\x07", "nulbell"),
        ("emoji 🎉 stays", "emoji 🎉 stays"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # text, shown as text
        ("e\u0301te", "\u00e9te"),  # composed
        ("   ", None),
        (None, None),
    ],
)
def test_an_answer_is_stored_tidied_and_inert(typed, stored):
    assert words.check(typed, 60) == stored


@pytest.mark.parametrize("typed", ["x" * 61, "x" * 10_000, "🎉" * 61])
def test_an_answer_over_the_limit_is_refused_with_a_plain_message(typed):
    with pytest.raises(words.AnswerRefused) as exc:
        words.check(typed, 60)
    assert str(exc.value) == f"Your answer is {len(typed):,} characters long; keep it to 60."


def test_an_answer_that_is_not_text_is_refused_plainly():
    with pytest.raises(words.AnswerRefused, match="not text"):
        words.check(["learning"], 60)


def test_the_shipped_blocklist_blocks_whole_words_in_any_case_or_plural():
    blocklist = Blocklist.load(words.DEFAULT_BLOCKLIST)
    assert blocklist.blocks("what the FUCK")
    assert blocklist.blocks("bitches")
    assert not blocklist.blocks("Scunthorpe, cocktails, assessment")  # only whole words
    assert not blocklist.blocks("constant learning")


@pytest.mark.parametrize(
    "typed", ["see https://x.example", "www.spam.example", "buy at shop.com", "HTTP://A.B"]
)
def test_a_link_is_always_blocked(typed):
    assert NONE_BLOCKED.blocks(typed)


def test_the_editable_file_adds_to_the_shipped_list_and_a_missing_file_adds_nothing(tmp_path):
    mine = tmp_path / "blocklist.txt"
    mine.write_text("# our event\nRival Brand  # their name\nspoilers\n", encoding="utf-8")
    blocklist = Blocklist.load(words.DEFAULT_BLOCKLIST, mine, tmp_path / "missing.txt")
    assert blocklist.blocks("I love rival brands") and blocklist.blocks("Spoiler")
    assert blocklist.blocks("shit")  # the shipped list still applies
    assert not blocklist.blocks("rival") and not blocklist.blocks("our event")


def test_phrases_are_counted_once_per_person_most_given_first():
    tallied = words.tally(
        ["Learning", "learning, friends", "Friends!", "friends", None, ""], {}, NONE_BLOCKED
    )
    assert [(p.text, p.people) for p in tallied] == [("friend", 3), ("learning", 2)]


def test_one_persons_phrase_waits_for_approval_and_the_rooms_shows():
    tallied = words.tally(["Learning", "learning", "weird phrase"], {}, NONE_BLOCKED)
    assert words.on_stage(tallied) == {"learning": 2}
    approved = words.tally(
        ["Learning", "learning", "weird phrase"], {"weird phrase": APPROVED}, NONE_BLOCKED
    )
    assert words.on_stage(approved) == {"learning": 2, "weird phrase": 1}


def test_a_hidden_phrase_never_shows_however_many_gave_it():
    tallied = words.tally(["rivals"] * 5, {"rival": HIDDEN}, NONE_BLOCKED)
    assert tallied == [Phrase("rival", 5, HIDDEN)] and words.on_stage(tallied) == {}


def test_approve_automatically_shows_every_phrase_not_hidden_or_blocked():
    blocklist = Blocklist(["shit"])
    tallied = words.tally(["odd", "gone", "shit"], {"gone": HIDDEN}, blocklist, auto=True)
    assert words.on_stage(tallied) == {"odd": 1}


def test_a_blocked_phrase_never_shows_even_if_approved_and_leaves_the_others_of_its_answer():
    blocklist = Blocklist(["shit"])
    tallied = words.tally(["learning, shit", "shit"], {"shit": APPROVED}, blocklist)
    states = {p.text: p.state for p in tallied}
    assert states == {"shit": BLOCKED, "learning": QUEUE}
    assert words.on_stage(tallied) == {}


def test_shown_phrases_are_counted_by_theme_on_whole_words_in_the_themes_order():
    themes = [("Learning", ["learn", "Learning"]), ("Connection", ["friends"]), ("Art", ["art"])]
    shown = {"constant learning": 3, "new friend": 2, "learning friend": 1, "party": 4}
    assert words.by_theme(shown, themes) == {"Learning": 4, "Connection": 3, "Art": 0}
