"""What the browser tests share: the app's server (started as `make run` starts it,
tests/server.py), the constants they agree on, and helpers that drive pages, take the
survey and read the stage. Fixtures are in conftest.py."""

from __future__ import annotations

import contextlib
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from survey import rows, scoring
from survey import stage as core
from survey.serving import lan
from survey.store import Store
from tests.server import StreamlitServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

PASSCODE = "e2e-facilitator-passcode"
MIN_GROUP = 3  # k: small, so a journey reaches "past k" with a handful of participants
REFRESH_S = 1.0  # dashboard refresh: short, so "updates without reload" is quick to see
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Playwright's default of 5 s is tight for a rerun on a busy 2-core CI runner.
expect.set_options(timeout=10_000)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The join link in the README's screenshots: as a real deployment's reads.
PUBLIC_URL = "https://survey.example.org"


@dataclass(frozen=True)
class AppServer:
    url: str  # e.g. http://127.0.0.1:41234, no trailing slash
    db_path: Path
    log_path: Path


@contextlib.contextmanager
def running_server(tmp: Path, address: str = "0.0.0.0", **extra_env: str) -> Iterator[AppServer]:
    """The app as `make run` serves it (`python -m survey.serving.serve`) on a free port against a
    fresh database in `tmp`: the launcher in tests/server.py, which the benchmarks use too.

    Like `make run`, it listens on every address, so the join link (this machine's LAN
    address when the browser used 127.0.0.1) opens on a phone; the browser still uses
    127.0.0.1, as a facilitator on the laptop itself does."""
    env: dict[str, str | None] = {
        "SURVEY_ADMIN_PASSWORD": PASSCODE,
        "SURVEY_MIN_GROUP": str(MIN_GROUP),
        "SURVEY_REFRESH_S": str(REFRESH_S),
        # The join URL must be the one the browser used, so the QR check is real.
        "SURVEY_PUBLIC_URL": None,
        "SURVEY_QUESTIONNAIRE": None,
        **extra_env,
    }
    # Others edit the code while the suite runs; the server under test must not reload.
    server = StreamlitServer(
        db=tmp / "survey.db",
        log_dir=tmp,
        env=env,
        server_args=["--server.fileWatcherType", "none"],
        address=address,
    )
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(f"The app's server did not come up: {exc}", pytrace=False)
    try:
        yield AppServer(server.url, server.db, server.log_path)
    finally:
        server.stop()


# ---------------------------------------------------------------- page helpers


def join_link(server: AppServer, code: str) -> str:
    """The join link the app shows for `code` when the browser used `server.url`."""
    return f"{lan.join_base(server.url, lan.discover())}/?s={code}"


def wait_ready(page: Page) -> None:
    page.locator(READY).wait_for(state="attached")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def sign_in(page: Page, url: str, passcode: str = PASSCODE) -> None:
    visit(page, url)
    page.get_by_label("Passcode").fill(passcode)
    page.get_by_role("button", name="Sign in").click()
    if passcode == PASSCODE:
        expect(page.get_by_label("Passcode")).to_have_count(0)
    wait_ready(page)


def stage_link_on(console: Page) -> str:
    """The stage link the console shows (read-only, with its token)."""
    block = console.get_by_test_id("stCode").filter(has_text="/stage?s=")
    expect(block).to_be_visible()
    return block.inner_text().strip()


# ---------------------------------------------------------------- the survey


QUESTIONNAIRE = ROOT / "data" / "questionnaire.toml"
SPEC = tomllib.loads(QUESTIONNAIRE.read_text("utf-8"))
ITEMS = SPEC["items"]
ITEM_BY_TEXT = {it["text"]: it for it in ITEMS}
SCALE = SPEC["scale"]["labels"]
THRESHOLD = SPEC.get("threshold", 60)
ITEM_PAGES = math.ceil(len(ITEMS) / SPEC.get("items_per_page", 6))
TOTAL_PAGES = ITEM_PAGES + (1 if SPEC.get("profile") else 0)

# The stage and console refresh every REFRESH_S or sooner; a few intervals plus slack.
LIVE_TIMEOUT_MS = int(5 * REFRESH_S * 1000) + 2000
BELIEVER, SPECTATOR = "Believer", "Spectator"


# ---------------------------------------------------------------- expected results


def answers_from(normal: list[int], reverse: list[int]) -> dict[str, int]:
    """Answers (1-5) cycling through one pattern for plain items and one for reverse-keyed."""
    out, n, r = {}, 0, 0
    for it in ITEMS:
        if it.get("reverse"):
            out[it["id"]], r = reverse[r % len(reverse)], r + 1
        else:
            out[it["id"]], n = normal[n % len(normal)], n + 1
    return out


def expected(answers: dict[str, int]) -> tuple[str, str]:
    """(class, score text) by the documented formula, in exact arithmetic.

    item value = answer - 1 (reverse-keyed: 4 - that); dimension = 100 * mean / 4;
    overall = mean of dimensions; believer if overall >= threshold.
    """
    values = defaultdict(list)
    for it in ITEMS:
        v = answers[it["id"]] - 1
        values[it["dimension"]].append(4 - v if it.get("reverse") else v)
    dims = [Fraction(100 * sum(v), 4 * len(v)) for v in values.values()]
    overall = sum(dims) / len(dims)
    # Keep the chosen answers away from a .5 rounding tie, where float noise could flip it.
    assert abs(overall - math.floor(overall) - Fraction(1, 2)) > Fraction(1, 1000)
    klass = BELIEVER if overall >= THRESHOLD else SPECTATOR
    return klass, f"{round(overall)} / 100"


# Plain items high and reverse-keyed items low: only right with reverse keying (82).
KEEN = answers_from([5, 4, 4, 5, 3], [2, 1])
# Just over the threshold (62).
WARM = answers_from([4, 3, 4, 3], [3, 2])
# Mostly watching (24).
SHY = answers_from([2, 1, 3, 2], [4, 5, 3])


def choose(page: Page, label: str, code: str, then: Locator) -> None:
    """Pick the session `code` in the selectbox labelled `label` (options read 'CODE · title')."""
    picked = re.compile(rf"^{re.escape(code)} ·")
    select(page, label, picked, then)
    expect(page.get_by_role("combobox", name=label)).to_have_value(picked)


def select(page: Page, label: str, option: str | re.Pattern, then: Locator) -> None:
    """Pick `option` (its whole text, or a pattern) in the selectbox labelled `label`.

    `then` is something only the rerun for the new choice shows: the selectbox's own
    value changes before the server has even started that rerun (and its label may not
    outlive it: a change of language renames it).
    """
    wait_ready(page)  # a rerun in flight would close the list as it opens
    combo = page.get_by_role("combobox", name=label)
    opener = page.get_by_test_id("stSelectbox").filter(has=combo).get_by_role("button", name="Open")
    item = page.get_by_role("option", name=option, exact=isinstance(option, str))
    # Streamlit 1.67's combobox sometimes closes its list on the first open after a
    # page render; open it again rather than wait a fixed time.
    for _ in range(3):
        opener.click()
        try:
            item.click(timeout=2_000)
            break
        except PlaywrightTimeoutError:
            continue
    expect(then).to_be_visible()
    wait_ready(page)


def console_link(page: Page, code: str) -> Locator:
    """The sessions page's link to the chosen session's console."""
    link = page.get_by_role("link", name=re.compile("Open its console"))
    return link.and_(page.locator(f'a[href$="s={code}"]'))


def metric(page: Page, label: str) -> Locator:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return box.locator('[data-testid="stMetricValue"]')


def result_figure(page: Page, label: str) -> Locator:
    """A figure of the result's headline (survey/section.py), by the label above it."""
    box = page.locator(".result-scores p").filter(
        has=page.locator(".result-score-label", has_text=label)
    )
    return box.locator(".result-score-value")


def expect_page(page: Page, k: int) -> None:
    """Wait until the survey shows page k (1-based) and its script run has finished."""
    expect(page.get_by_text(f"Page {k} of {TOTAL_PAGES}", exact=True)).to_be_visible()
    wait_ready(page)


def assert_fits_width(page: Page) -> None:
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll}px wide in a {width}px viewport"


def answer_questions_on_page(page: Page, answers: dict[str, int]) -> list[str]:
    """Answer every question shown, found by its radio group's accessible name.

    Returns the ids answered. A radio group whose name is not a question text
    fails here: that is the accessibility check for screen readers.
    """
    names = page_questions(page)
    unknown = [n for n in names if n not in ITEM_BY_TEXT]
    assert not unknown, f"radio groups not named by their question text: {unknown}"
    chosen = {name: SCALE[answers[ITEM_BY_TEXT[name]["id"]] - 1] for name in names}
    for name in names:
        pick(page, name, chosen[name])
    # Streamlit 1.67's frontend sometimes re-renders a freshly loaded form about half a
    # second after the run ends, with no message from the server, and un-checks radios
    # clicked before that. A person would see the empty answer and tap it again.
    for _ in range(3):
        lost = [name for name in names if not answer_radio(page, name, chosen[name]).is_checked()]
        for name in lost:
            pick(page, name, chosen[name])
        if not lost:
            break
    for name in names:
        expect(answer_radio(page, name, chosen[name])).to_be_checked()
    return [ITEM_BY_TEXT[name]["id"] for name in names]


def page_questions(page: Page) -> list[str]:
    """The accessible names of the radio groups on the page, in order."""
    groups = page.get_by_role("radiogroup")
    expect(groups.first).to_be_visible()
    return [g.get_attribute("aria-label") for g in groups.all()]


def answer_radio(page: Page, question: str, label: str) -> Locator:
    group = page.get_by_role("radiogroup", name=question, exact=True)
    return group.get_by_role("radio", name=label, exact=True)


def pick(page: Page, question: str, label: str) -> None:
    page.get_by_role("radiogroup", name=question, exact=True).get_by_text(label, exact=True).click()
    expect(answer_radio(page, question, label)).to_be_checked()


def assert_answers_shown(page: Page, answers: dict[str, int]) -> list[str]:
    names = [g.get_attribute("aria-label") for g in page.get_by_role("radiogroup").all()]
    for name in names:
        label = SCALE[answers[ITEM_BY_TEXT[name]["id"]] - 1]
        group = page.get_by_role("radiogroup", name=name, exact=True)
        expect(group.get_by_role("radio", name=label, exact=True)).to_be_checked()
    return names


def click_next(page: Page, k: int) -> None:
    """Submit page k (1-based) and wait for the next one."""
    last = k == TOTAL_PAGES
    page.get_by_role("button", name="See my result" if last else "Next").click()
    if not last:
        expect_page(page, k + 1)


def take_survey(page: Page, url: str, code: str, answers: dict[str, int]) -> None:
    """Join through the link and answer every page; stops on the result page."""
    visit(page, f"{url}/?s={code}")
    answered: list[str] = []
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        if k <= ITEM_PAGES:
            answered += answer_questions_on_page(page, answers)
        if page.viewport_size == PHONE:
            assert_fits_width(page)
        click_next(page, k)
    # Every question was asked exactly once, each as a named radio group.
    assert sorted(answered) == sorted(it["id"] for it in ITEMS)


def expect_result(page: Page, answers: dict[str, int]) -> None:
    """The result is told in text: the class as the page's heading, the score under its label."""
    klass, score = expected(answers)
    # "You're a Believer", with or without a decorative emoji after it.
    expect(page.get_by_role("heading", name=re.compile(rf"^You're a {klass}\b"))).to_be_visible()
    other = SPECTATOR if klass == BELIEVER else BELIEVER
    expect(page.get_by_role("heading", name=re.compile(f"You're a {other}"))).to_have_count(0)
    expect(result_figure(page, "Your score")).to_have_text(score)
    # The profile: one bar per dimension, each named, its label on screen above it.
    bars = page.get_by_role("progressbar")
    expect(bars).to_have_count(len(SPEC["dimensions"]))
    for i, dim in enumerate(SPEC["dimensions"]):
        named = re.compile(rf"^{re.escape(dim['name'])}: you \d+")
        expect(bars.nth(i)).to_have_accessible_name(named)
        expect(page.locator(".profile-bars p").nth(i)).to_have_text(named)
    wait_ready(page)


def more_needed(n: int) -> re.Pattern:
    """The stage's 'N more responses needed' notice (singular or plural)."""
    return re.compile(rf"\b{n} more responses? needed")


def token_of(page: Page) -> str:
    found = re.search(r"[?&]p=([\w-]+)", page.url)
    assert found, f"no resume token in {page.url}"
    return found.group(1)


def reveal_results(console: Page) -> None:
    wait_ready(console)
    console.get_by_text("Show results on the stage", exact=True).click()
    wait_ready(console)


def finish_in_store(store: Store, code: str, answers: dict[str, int]) -> str:
    """A participant who finished on another device: the app's own finish path."""
    profile = rows.profile_to_row(store.q, {})
    result = scoring.score(store.q, answers)
    saved = store.save_page(code, None, answers, profile, TOTAL_PAGES - 1, result)
    assert saved.outcome == "completed"
    return saved.token


def counts(store: Store, code: str) -> tuple[int, int]:
    row = next(s for s in store.list_sessions() if s["code"] == code)
    return row["complete"], row["in_progress"]


# ---------------------------------------------------------------- the stage


def stage_url(server: AppServer, store: Store, code: str, token: str | None = None) -> str:
    return core.stage_link(server.url, code, token or store.stage(code)["token"])


def on_view(page: Page, view: core.View, code: str):
    """What only this view shows: the code on the join view, else its title."""
    if view.kind == "join":
        return page.get_by_role("heading", name=code, exact=True)
    if view.kind == "closing":
        return page.get_by_role("heading", name=core.CLOSING_LINE)
    return page.get_by_role("heading", name=view.title, exact=True)
