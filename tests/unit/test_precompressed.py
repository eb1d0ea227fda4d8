"""The compressed copy of Streamlit's frontend that `make run` and nginx serve to phones."""

import gzip

import pytest
from fontTools.ttLib import TTFont

from survey import precompressed


@pytest.fixture(scope="module")
def copy():
    return precompressed.build()


def test_every_script_has_a_gzip_copy_that_unpacks_to_the_shipped_file(copy):
    shipped = precompressed.streamlit_static_dir() / "static" / "js"
    scripts = [p for p in shipped.glob("*.js") if p.stat().st_size >= precompressed.MIN_SIZE]
    for js in scripts:
        packed = copy / "static" / "js" / (js.name + ".gz")
        assert gzip.decompress(packed.read_bytes()) == js.read_bytes(), js.name


def _ligatures(path) -> set[str]:
    font = TTFont(str(path))
    letters = {g: chr(c) for c, g in font.getBestCmap().items()}
    names = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligs in getattr(table, "ligatures", {}).items():
                for lig in ligs:
                    parts = [first, *lig.Component]
                    if all(p in letters for p in parts):
                        names.add("".join(letters[p] for p in parts))
    return names


def test_the_cut_icon_font_still_draws_the_icons_streamlit_shows(copy):
    # A missing icon would show its name ("keyboard_double_arrow_right") instead.
    (font,) = (copy / "static" / "media").glob("MaterialSymbols-Rounded.*.woff2")
    kept = _ligatures(font)
    for icon in (
        "keyboard_double_arrow_right",
        "keyboard_double_arrow_left",
        "expand_more",
        "close",
        "check",
        "content_copy",
        "fullscreen",
        "download",
        "search",
    ):
        assert icon in kept, icon
    assert font.stat().st_size < 120_000  # from 375 KB: what every phone downloads


def test_the_text_font_keeps_latin_and_the_questionnaires_punctuation(copy):
    (font,) = (copy / "static" / "media").glob("SourceSansVF-Upright.*.woff2")
    cmap = TTFont(str(font)).getBestCmap()
    for ch in "Aaz09é€“”‘’–—…ñüßŁ":
        assert ord(ch) in cmap, ch
