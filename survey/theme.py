"""The event's look: a name, an accent colour and an optional logo, set in one place.

The place is the questionnaire file's `[theme]` table (beside the questions the event
asks), read when the file is loaded, so a mistake stops the app with one line naming
the file and the field, like every other mistake in that file:

    [theme]
    event = "Social Media Summit 2027"   # shown on the stage; plain text, never HTML
    accent = "#0B7A75"                   # #RRGGBB
    logo = "summit-logo.png"             # a PNG or JPEG beside the questionnaire file

Without the table the stage looks as it always has (DEFAULT). Values in, values out:
the only I/O is reading the logo's bytes with plain file IO; nothing here renders.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ACCENT = "#6C2BD9"  # the app's purple, as before themes existed
MAX_EVENT = 80  # one line above every view of the stage
MAX_LOGO_BYTES = 512 * 1024  # a logo, not a photo: every stage poll may send it
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# What a logo's first bytes must be: the formats every browser and Pillow read.
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
FIELDS = ("event", "accent", "logo", "hashtag", "link")
MAX_HASHTAG = 40
MAX_LINK = 60
HASHTAG = re.compile(r"^#?\w+$")  # letters, digits and _ in any script, as networks allow
LINK = re.compile(r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[\w./~%-]*)?$")


class ThemeError(ValueError):
    """One problem with one field of the theme."""

    def __init__(self, field_name: str, problem: str):
        super().__init__(f"field '{field_name}': {problem}")
        self.field = field_name
        self.problem = problem


@dataclass(frozen=True)
class Theme:
    """An event's name, accent colour (#RRGGBB) and logo (PNG or JPEG bytes, or None)."""

    event: str = ""
    accent: str = DEFAULT_ACCENT
    logo_bytes: bytes | None = field(default=None, repr=False)
    hashtag: str = ""  # the event's, with its "#"; on the share card
    link: str = ""  # the event's web address, as people type it; on the share card

    @property
    def logo_type(self) -> str | None:
        """The logo's media type, from its first bytes; None without a logo."""
        return image_type(self.logo_bytes) if self.logo_bytes else None

    def ink(self) -> str:
        """Black or white, whichever reads better on the accent (WCAG relative luminance)."""
        r, g, b = (int(self.accent[i : i + 2], 16) / 255 for i in (1, 3, 5))

        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        lum = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
        # Contrast with white is 1.05 / (lum + 0.05); with black (lum + 0.05) / 0.05.
        return "#FFFFFF" if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 else "#1F1933"


DEFAULT = Theme()


def image_type(data: bytes) -> str | None:
    """ "image/png" or "image/jpeg" from a file's first bytes; None for anything else."""
    return next((kind for sig, kind in SIGNATURES.items() if data.startswith(sig)), None)


def parse(table: object, folder: Path | None = None) -> Theme:
    """Validate a `[theme]` table (None: no table, the default theme).

    The logo is a file name relative to `folder` (the questionnaire's folder), read here;
    with no folder (a stored older version of the file) only its name is checked.
    Raises ThemeError naming the field at fault.
    """
    if table is None:
        return DEFAULT
    if not isinstance(table, dict):
        raise ThemeError("theme", "must be a table: [theme] with event, accent and logo")
    if unknown := sorted(set(table) - set(FIELDS)):
        raise ThemeError(unknown[0], f"is not a theme setting (use {', '.join(FIELDS)})")
    return Theme(
        event=_event(table.get("event", "")),
        accent=_accent(table.get("accent", DEFAULT_ACCENT)),
        logo_bytes=_logo(table.get("logo"), folder),
        hashtag=_hashtag(table.get("hashtag", "")),
        link=_link(table.get("link", "")),
    )


def load(path: str | Path) -> Theme:
    """The theme of a questionnaire file: its `[theme]` table, the logo read beside it.

    Raises ThemeError with one line naming the file and the field."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text("utf-8-sig")).get("theme")
        return parse(table, path.parent)
    except ThemeError as exc:
        raise ThemeError(exc.field, f"{exc.problem} (in {path}, [theme])") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError("theme", f"cannot read {path}: {exc}") from None


def _event(value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError("event", "must be text")
    text = value.strip()
    if len(text) > MAX_EVENT:
        raise ThemeError("event", f"is {len(text)} characters long; give at most {MAX_EVENT}")
    # One line of plain text: no line breaks, tabs or invisible controls (a right-to-left
    # override would reorder the stage's line around it).
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise ThemeError("event", "must be one line of text, with no control characters")
    return text


def _hashtag(value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError("hashtag", "must be text")
    text = value.strip()
    if not text:
        return ""
    if len(text) > MAX_HASHTAG or not HASHTAG.match(text):
        raise ThemeError(
            "hashtag",
            f"is {text[:MAX_HASHTAG]!r}; give one hashtag of letters, digits or _ "
            f'(at most {MAX_HASHTAG} characters), e.g. "#SMSummit27"',
        )
    return text if text.startswith("#") else "#" + text


def _link(value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError("link", "must be text")
    text = value.strip()
    if not text:
        return ""
    if len(text) > MAX_LINK or not LINK.match(text):
        raise ThemeError(
            "link",
            f"is {text[:MAX_LINK]!r}; give the event's web address "
            f'(at most {MAX_LINK} characters), e.g. "smsummit.example.com"',
        )
    return text


def _accent(value: object) -> str:
    if not isinstance(value, str) or not HEX_COLOUR.match(value):
        raise ThemeError("accent", f'is {value!r}; give a colour as #RRGGBB, e.g. "#6C2BD9"')
    return value.upper()


def _logo(value: object, folder: Path | None) -> bytes | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.lower().endswith(LOGO_SUFFIXES):
        raise ThemeError("logo", f"is {value!r}; give a .png or .jpg file name")
    if folder is None:
        return None
    path = folder / value
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ThemeError("logo", f"{path} is not a file")
        if size > MAX_LOGO_BYTES:
            raise ThemeError(
                "logo", f"{path} is {size:,} bytes; give a logo of at most {MAX_LOGO_BYTES:,}"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ThemeError("logo", f"{path} does not exist") from None
    except OSError as exc:
        raise ThemeError("logo", f"cannot read {path} ({exc.strerror})") from None
    if image_type(data) is None:
        raise ThemeError("logo", f"{path} is not a PNG or JPEG image")
    return data
