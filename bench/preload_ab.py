"""The page's preload links, on and off, side by side: first question on emulated Fast 3G.

    python -m bench.preload_ab [--rounds 4] [--json FILE]

Each round serves the survey twice the way `make run` does, once with the compressed
copy's preload list (survey/serving/precompressed.py) and once without it, and opens the join
link in a fresh phone-sized Chromium at the LAN address: Fast 3G with the CPU not
slowed, then with 4x CPU slowdown (bench/phone.py's conditions). Rounds alternate the
two, so a busy moment on the machine falls on both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from bench.page_weight import LAUNCH_ARGS, chromium
from bench.phone import PHONE, visit
from bench.server import StreamlitServer
from survey.serving import lan, precompressed


def measure(rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    listing = precompressed.build() / precompressed.PRELOAD
    kept = listing.read_bytes()
    host = lan.discover().host or "127.0.0.1"
    out: dict[str, dict[str, list[float]]] = {
        arm: {"network_only_s": [], "cpu_4x_s": []} for arm in ("with", "without")
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        try:
            for _ in range(rounds):
                for arm in ("with", "without"):
                    if arm == "with":
                        listing.write_bytes(kept)
                    else:
                        listing.unlink()
                    with StreamlitServer(
                        "app.py", server_args=["--server.address", "0.0.0.0"]
                    ) as srv:
                        url = f"http://{lan.url_host(host)}:{srv.port}/?s=SHARE"
                        warm = browser.new_context(**PHONE)
                        visit(warm, url)
                        warm.close()
                        for key, cpu in (("network_only_s", False), ("cpu_4x_s", True)):
                            ctx = browser.new_context(**PHONE)
                            out[arm][key].append(
                                visit(ctx, url, throttle=True, cpu=cpu)["first_question_s"]
                            )
                            ctx.close()
        finally:
            listing.write_bytes(kept)
            browser.close()
    for runs in out.values():
        for key in list(runs):
            runs[key.replace("_s", "_median_s")] = round(statistics.median(runs[key]), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.preload_ab", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    out = measure(args.rounds)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
