"""QR codes for the join link (segno, lossless PNG)."""

from __future__ import annotations

import io

import segno


def png(url: str, scale: int = 10) -> bytes:
    """A PNG of the QR code for `url`, with a quiet zone, sized for a projector."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
