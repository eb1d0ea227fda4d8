"""The generated facilitator passcode: read aloud across a room, typed without a second try."""

import re

from survey import auth

AMBIGUOUS = set("0O1Il")


def test_a_generated_passcode_is_three_groups_of_four_unambiguous_characters(tmp_path):
    passcodes = [auth.generate_passcode() for _ in range(500)]
    passcodes.append(auth.resolve_password({}, {}, tmp_path / "data")[0])  # as first start makes it

    for passcode in passcodes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", passcode), passcode
    used = set("".join(passcodes).replace("-", ""))
    assert not used & AMBIGUOUS
    assert len(used) > 25  # the whole alphabet is used, not a handful of letters


def test_generated_passcodes_differ_from_each_other():
    assert len({auth.generate_passcode() for _ in range(200)}) == 200
