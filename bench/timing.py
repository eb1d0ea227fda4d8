"""What the one-process benchmarks share (export, report): a call timed several times, and
demo rows that count as real participants."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], bytes], repeat: int) -> dict:
    """Run `fn` `repeat` times: the size of what it built, and its wall and CPU seconds."""
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        size = len(fn())
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "bytes": size,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        # CPU time of this process: what it costs when the machine is shared.
        "cpu_median_s": round(statistics.median(cpu), 3),
    }


def real(rows: list[dict]) -> list[dict]:
    """Demo rows counted as real participants: every output leaves demo rows out."""
    return [{**r, "is_demo": 0} for r in rows]
