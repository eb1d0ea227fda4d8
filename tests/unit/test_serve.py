"""The doors survey.serving shuts in front of Streamlit (the real server: tests/e2e)."""

import asyncio
import concurrent.futures

import pytest

from survey.serving import doors, serve


def answer(app, path: str, kind: str = "http") -> tuple[int | None, list[dict]]:
    """Send one request through `app`; the status it answered (None if it passed it on)."""
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    scope = {"type": kind, "path": path, "method": "GET", "headers": []}
    # In a thread of its own: the browser tests' Playwright keeps an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    starts = [m for m in sent if m["type"] == "http.response.start"]
    return (starts[0]["status"] if starts else None), sent


async def streamlit(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"from Streamlit"})


@pytest.mark.parametrize(
    "path",
    ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore//metrics", "/_stcore/metrics/x"],
)
def test_streamlits_metrics_answer_not_found(path):
    status, sent = answer(doors.Closed(streamlit), path)
    assert status == 404
    assert b"Streamlit" not in b"".join(m.get("body", b"") for m in sent)


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/_stcore/stream", "/media/x.png"])
def test_everything_else_reaches_streamlit(path):
    assert answer(doors.Closed(streamlit), path)[0] == 200


def test_under_a_base_path_the_metrics_there_are_closed():
    app = doors.Closed(streamlit, "/survey/")
    assert answer(app, "/survey/_stcore/metrics")[0] == 404
    assert answer(app, "/survey/_stcore/health")[0] == 200


def test_a_forged_message_costs_one_line_however_much_it_forged(caplog):
    said = serve._OneLinePerMessage()
    with caplog.at_level("WARNING", logger="survey.serving"):
        for _ in range(3):
            said.warn("session-a", "Ignored a forged widget value")
        said.warn("session-b", "Ignored a forged widget value")
        said.new_message("session-a")
        said.warn("session-a", "Ignored a forged widget value")
    assert len(caplog.records) == 3  # a's first message, b's, a's next message
