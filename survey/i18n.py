"""The app's own strings in the reader's language: gettext catalogues kept as Babel .po files.

Code marks a string with `_("...")` where it is shown, or with `N_("...")` where it is
defined once and shown later (a constant, a table of titles): `_(CONSTANT)` then looks it up.
`ngettext` picks the plural form the language needs. The catalogues are
`survey/locale/<language>/LC_MESSAGES/survey.po`, extracted and updated with Babel
(`make messages`, README "Adding a language"); they are read once per process, so no
compiled .mo file is kept or built.

Whose language: `use(language)` for the code that follows in this thread (the CLI, a
test, `with language("fr"):`), else what the registered `reader` says (the Streamlit
glue registers one reading the browser session's choice, so widget callbacks and timed
fragments follow it too), else English. English is the source: its strings are the ids.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import io
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = "en"
DOMAIN = "survey"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_chosen: ContextVar[str | None] = ContextVar("language", default=None)
_reader: Callable[[], str | None] | None = None


@functools.cache
def catalogued() -> tuple[str, ...]:
    """The languages the app's strings are translated into, English first. They ship with
    the app, as the catalogues do (`translations`): looked for once per process."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *[code for code in found if code != SOURCE])


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of `language` (English, or one not shipped: the strings as written)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE or not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def register_reader(reader: Callable[[], str | None] | None) -> None:
    """Where the current reader's language comes from when `use` has not said."""
    global _reader
    _reader = reader


def use(language: str | None) -> None:
    """Speak `language` for what follows in this thread or task (None: back to the reader's)."""
    _chosen.set(language)


@contextlib.contextmanager
def language(code: str | None) -> Iterator[None]:
    """Speak `code` inside the block, then what was spoken before."""
    token = _chosen.set(code)
    try:
        yield
    finally:
        _chosen.reset(token)


def current() -> str:
    """The language spoken now."""
    code = _chosen.get()
    if code is None and _reader is not None:
        code = _reader()
    return code or SOURCE


def _(message: str) -> str:
    """`message` in the current language (as written when it has no translation)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for `n`, in the current language; format `n` in afterwards."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Mark `message` for the catalogue where it is defined; translate it with `_` where shown."""
    return message


def negotiate(preferred: Sequence[str], available: Sequence[str]) -> str | None:
    """The first of the reader's `preferred` languages (best first; "fr-CA", "de_DE", "es")
    that `available` offers, matched on the language when the region is not offered."""
    wanted = [p.replace("-", "_") for p in preferred if p and p != "*"]
    found = negotiate_locale(wanted, list(available), sep="_")
    if found is None:  # "fr_CA" against "fr": Babel matches aliases only, so try the language
        found = negotiate_locale([w.split("_")[0] for w in wanted], list(available), sep="_")
    return found


def accepted(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, best first ("fr-CH, fr;q=0.9, en;q=0.8")."""
    ranked = []
    for n, part in enumerate((header or "").split(",")):
        code, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code.strip() and quality > 0:
            ranked.append((-quality, n, code.strip()))
    return [code for _q, _n, code in sorted(ranked)]


def name_of(code: str) -> str:
    """A language's name in itself ("Français", "Deutsch"): how a reader finds their own."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name() or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]
