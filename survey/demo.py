"""Synthetic, realistic responses for rehearsing a session (always flagged as demo)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from survey.questionnaire import Questionnaire
from survey.rows import profile_to_row
from survey.scoring import score
from survey.store import COMPLETE, iso, new_token

ARRIVALS = timedelta(minutes=20)  # people start over this span, as a talk's audience does
LONGEST = timedelta(seconds=245)  # the slowest start-to-finish, with up to 5 s of jitter


def responses(
    q: Questionnaire, n: int, seed: int | None = None, now: datetime | None = None
) -> list[dict]:
    """`n` complete responses with a believer/spectator mix, all finished by `now`.

    Each synthetic person has a latent engagement level, and each dimension a
    small personal offset, so dimensions correlate the way real answers do and
    reliability statistics look plausible.
    """
    rng = random.Random(seed)
    # Early enough that the last person to start has finished by now: a report made at
    # once never shows answers finished in the future.
    start = (now or datetime.now(UTC)) - ARRIVALS - LONGEST
    rows = []
    for i in range(n):
        engagement = rng.gauss(0.15, 1.0)
        offsets = {d: rng.gauss(0, 0.5) for d in q.dimension_ids}
        answers = {}
        for item in q.items:
            lean = engagement + offsets[item.dimension] + rng.gauss(0, 0.7)
            value = round(3 + 1.1 * lean)
            value = min(5, max(1, value))
            answers[item.id] = 6 - value if item.reverse else value
        profile = {
            p.id: (
                rng.sample(p.options, k=rng.randint(1, min(4, len(p.options))))
                if p.kind == "multi"
                else rng.choice([*p.options, None])
            )
            for p in q.profile
        }
        result = score(q, answers)
        began = start + ARRIVALS * (i / max(n, 1)) + timedelta(seconds=rng.uniform(0, 5))
        done = began + timedelta(seconds=rng.uniform(60, 240))
        rows.append(
            {
                "token": new_token(),
                "status": COMPLETE,
                "page": q.page_count - 1,
                "fingerprint": q.fingerprint,
                "is_demo": 1,
                "started_at": iso(began),
                "updated_at": iso(done),
                "completed_at": iso(done),
                "overall": result.overall,
                "class": result.klass,
                **answers,
                **{f"score_{d}": v for d, v in result.dimension_scores.items()},
                **profile_to_row(q, profile),
            }
        )
    return rows
