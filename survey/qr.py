"""QR codes for the join link and a participant's private link (segno, lossless PNG)."""

from __future__ import annotations

import io

import segno

# segno tries all eight masks and keeps the one a scanner finds easiest: ~85 % of the
# ~8 ms an encode costs in pure Python. Every mask gives a valid code, so a code made
# once per participant (their private link) takes a fixed one; the projector's join
# code, made once per session, keeps the best.
QUICK_MASK = 2


def png(url: str, scale: int = 10, quick: bool = False) -> bytes:
    """A PNG of the QR code for `url`, with a quiet zone, sized for a projector."""
    buf = io.BytesIO()
    code = segno.make(url, error="m", mask=QUICK_MASK if quick else None)
    code.save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
