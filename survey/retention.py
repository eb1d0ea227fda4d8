"""What is kept, and for how long: the retention setting and the join page's sentence.

`SURVEY_RETENTION_DAYS` (off when unset) is how many days answers are kept after they
were begun; `python -m survey purge` deletes older ones (run it daily, e.g. from cron).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from survey.errors import whole_number
from survey.i18n import _, ngettext

SETTING = "SURVEY_RETENTION_DAYS"


def days() -> int | None:
    """The retention period in days, or None when answers are kept until deleted."""
    if not (os.environ.get(SETTING) or "").strip():
        return None
    return whole_number(SETTING, 0)


def cutoff(keep_days: int, now: datetime) -> datetime:
    """Responses begun before this are older than the retention period."""
    return now - timedelta(days=keep_days)


def kept_sentence(keep_days: int | None) -> str:
    """The join page's one plain sentence on what is kept, and for how long, in the
    reader's language."""
    if not keep_days:
        return _(
            "Your answers are kept without your name, email or device, until the organiser "
            "deletes them; you can delete them yourself from your result."
        )
    return ngettext(
        "Your answers are kept without your name, email or device, for {n} day, then "
        "deleted; you can delete them yourself from your result.",
        "Your answers are kept without your name, email or device, for {n} days, then "
        "deleted; you can delete them yourself from your result.",
        keep_days,
    ).format(n=keep_days)
