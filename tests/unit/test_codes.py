"""Session codes: typed on a phone from a projector, so forgiving about case and
spaces, strict about characters that look alike."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey import codes
from survey.codes import ALPHABET, CodeError, generate, normalise


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("k7mq", "K7MQ"),
        ("  K7MQ \n", "K7MQ"),
        ("k7 mq", "K7MQ"),
        ("\tk7mQ ", "K7MQ"),
        ("abcdef", "ABCDEF"),
    ],
)
def test_a_typed_code_is_trimmed_and_upper_cased(typed, expected):
    assert normalise(typed) == expected


@pytest.mark.parametrize("typed", ["AB0D", "ABOD", "AB1D", "ABID", "abod", "ab1d"])
def test_look_alike_characters_are_refused_with_a_hint(typed):
    with pytest.raises(CodeError, match=r"codes never use 0, O, 1 or I"):
        normalise(typed)


@pytest.mark.parametrize("typed", ["AB-D", "AB_D", "ABÉD", "AB?D"])
def test_other_characters_are_refused_without_the_look_alike_hint(typed):
    with pytest.raises(CodeError) as exc:
        normalise(typed)
    assert "only letters and digits" in str(exc.value)
    assert "never use" not in str(exc.value)


@pytest.mark.parametrize("typed", ["ABC", "K7", "ABCDEFG", "K7MQK7MQ"])
def test_codes_shorter_than_4_or_longer_than_6_are_refused(typed):
    with pytest.raises(CodeError, match="Session codes have 4 to 6 characters."):
        normalise(typed)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_code_asks_for_the_code_on_the_screen(typed):
    with pytest.raises(CodeError, match="Enter the session code shown on the screen."):
        normalise(typed)


def test_code_errors_are_value_errors_so_forms_can_show_them():
    assert issubclass(CodeError, ValueError)


@given(taken=st.sets(st.text(ALPHABET, min_size=4, max_size=4), max_size=200))
def test_a_generated_code_is_4_characters_from_the_alphabet_and_not_taken(taken):
    code = generate(taken)
    assert code not in taken
    assert len(code) == codes.GENERATED_LENGTH == 4
    assert set(code) <= set(ALPHABET)


def test_generated_codes_are_accepted_when_typed_back_in_lower_case():
    for _ in range(200):
        code = generate()
        assert normalise(code.lower()) == code


def test_a_taken_code_is_skipped(monkeypatch):
    picks = iter("AAAABBBB")  # the first candidate collides, the second does not
    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: next(picks))
    assert generate({"AAAA"}) == "BBBB"


def test_codes_grow_longer_when_the_short_ones_keep_colliding(monkeypatch):
    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: "A")
    assert generate({"AAAA"}) == "AAAAA"
    assert normalise("aaaaa") == "AAAAA"  # still a code people can type


def test_the_alphabet_has_no_look_alike_characters():
    assert not set(ALPHABET) & set("0O1I")
    assert len(set(ALPHABET)) == len(ALPHABET) == 32
