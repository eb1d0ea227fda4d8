"""Synthetic, realistic responses for rehearsing a session (always flagged as demo).

Their open answers are short phrases of the essay's themes (learning, discovery,
conversation, connection, inspiration...), a few given by many people and some left
blank, so a rehearsal's word cloud looks like a room's: some phrases the room vouches for,
some waiting in the facilitator's queue.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from survey.questionnaire import Questionnaire
from survey.rows import profile_to_row
from survey.scoring import BELIEVER, score
from survey.store import COMPLETE, iso, new_token

ARRIVALS = timedelta(minutes=20)  # people start over this span, as a talk's audience does
LONGEST = timedelta(seconds=245)  # the slowest start-to-finish, with up to 5 s of jitter

# What a room says it gets out of social media, most often said first (the earlier a
# phrase, the likelier): believers lean to the first list, spectators to the second.
BELIEVER_WORDS = (
    "learning",
    "new ideas",
    "inspiration",
    "connections",
    "conversations",
    "information",
    "discovery",
    "community",
    "staying in touch",
    "news",
    "constant learning",
    "new perspectives",
    "tips from experts",
    "creativity",
    "live debates",
    "career network",
    "recommendations",
    "motivation",
)
SPECTATOR_WORDS = (
    "news",
    "entertainment",
    "staying in touch",
    "information",
    "fun",
    "friends and family",
    "trends",
    "killing time",
    "memes",
    "inspiration",
    "product reviews",
    "other opinions",
)
BLANK = 0.25  # the share of people who leave an open question empty
TWO_PHRASES = 0.2  # the share of answers that name two things ("learning, new friends")


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
    # A generator of its own, seeded by the first: adding open answers changes none of
    # the numbers a given seed has always made.
    said = random.Random(rng.getrandbits(64))
    for row in rows:
        for o in q.open:
            row[o.id] = _open_answer(said, row["class"] == BELIEVER, o.max_chars)
    return rows


def _open_answer(rng: random.Random, believer: bool, limit: int) -> str | None:
    """A short answer of one or two phrases (None: left blank), within `limit`."""
    if rng.random() < BLANK:
        return None
    pool = BELIEVER_WORDS if believer else SPECTATOR_WORDS
    weights = [1 / (rank + 1) for rank in range(len(pool))]  # a few phrases said often
    picked = rng.choices(pool, weights, k=2 if rng.random() < TWO_PHRASES else 1)
    fits = [a for a in (", ".join(dict.fromkeys(picked)), picked[0]) if len(a) <= limit]
    if not fits:
        return None
    answer = fits[0]
    return answer[0].upper() + answer[1:] if rng.random() < 0.5 else answer  # as people type
