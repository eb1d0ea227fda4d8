"""The share card as a phone takes it home: at 360x740, both sizes download as PNGs of
exactly their sizes, drawn as the core draws that participant's card, and a spectator's
card names their strongest side."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from survey import scoring, sharecard

from .helpers import KEEN, SHY, expect_result, take_survey, token_of

pytestmark = pytest.mark.e2e

SMALL = {"width": 360, "height": 740}
DOWNLOADS = [
    ("Download my result (PNG)", sharecard.FILE_NAME, sharecard.SQUARE),
    ("Download the wide one for LinkedIn (PNG)", sharecard.WIDE_FILE_NAME, sharecard.WIDE),
]


@pytest.mark.parametrize("answers", [KEEN, SHY], ids=["believer", "spectator"])
def test_the_card_downloads_in_both_sizes_as_the_participants_own_card(
    app_server, new_page, server_store, answers
):
    code = server_store.create_session("Take it home")
    page = new_page(SMALL, is_mobile=True, has_touch=True)
    take_survey(page, app_server.url, code, answers)
    expect_result(page, answers)
    mine = scoring.score(server_store.q, answers)
    card = sharecard.card_for(server_store.q, mine)

    page.get_by_text("Your share card, to download or share").click()  # made when opened
    shown = page.get_by_role("img", name=re.compile("^Your share card"))
    expect(shown).to_be_visible()
    alt = shown.get_attribute("alt")
    assert token_of(page) not in alt and code not in alt
    if mine.klass == scoring.SPECTATOR:
        assert f"My strongest side. {card.strongest}. " in alt and "/ 100" not in alt
        assert "Begin living it." in alt

    for label, file_name, size in DOWNLOADS:
        button = page.get_by_role("button", name=label)
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == file_name
        got = Image.open(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert (got.format, got.size) == ("PNG", size)
        drawn = Image.open(io.BytesIO(sharecard.png(card, size)))
        diff = ImageChops.difference(got.convert("RGB"), drawn.convert("RGB"))
        assert diff.getbbox() is None, f"{file_name} is not this participant's card"
