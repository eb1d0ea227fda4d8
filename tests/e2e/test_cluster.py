"""Several workers behind a real nginx (`make run-workers`): nothing lost, sessions stay put.

Needs nginx installed (CI's .ci/run installs it, as it does Chromium).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import expect

from survey import questionnaire
from survey.serving import cluster as survey_cluster
from survey.serving.nginx import NGINX_HINT, find_nginx
from survey.store import Store
from tests.load import Load, check_db, run_load
from tests.server import ClusterServer, free_port_block

from .helpers import PASSCODE, PHONE, ROOT, visit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster(cluster_server) -> ClusterServer:
    return cluster_server  # shared with the facilitator's sign-in test (conftest.py)


def worker_cpu_seconds(c: ClusterServer) -> list[float]:
    return [sum(psutil.Process(w.pid).cpu_times()[:2]) for w in c.cluster.workers]


@pytest.mark.slow
def test_participants_through_nginx_all_finish_once_and_both_workers_serve_them(cluster):
    before = worker_cpu_seconds(cluster)
    records, _ = run_load(cluster.port, Load(30, window_s=2, seed=11, time_limit_s=120))

    assert [r.error for r in records if r.error] == []
    db = check_db(cluster.db, records)
    assert (db["lost"], db["class_mismatch"], db["integrity_check"]) == (0, 0, "ok")
    assert db["complete_rows"] == 30
    # Each tab got its own routing cookie, so the room is shared between the workers.
    used = [after - b for after, b in zip(worker_cpu_seconds(cluster), before, strict=True)]
    assert min(used) > 0.15 * sum(used), used


def test_the_stage_and_its_qr_image_load_through_nginx(cluster, new_page):
    # The QR image is a media file held by the worker that drew the page: every fresh
    # browser must be kept on that worker, or the image is missing half of the time.
    s = Store(questionnaire.load(), cluster.db)
    token = s.stage("SHARE")["token"]
    s.close()
    for _ in range(4):
        page = new_page()
        visit(page, f"http://127.0.0.1:{cluster.port}/stage?s=SHARE&t={token}")
        qr = page.locator('[data-testid="stImage"] img')
        expect(qr).to_be_visible()
        # decode() waits for the image and fails if it could not be loaded.
        assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0


def test_a_phone_joins_through_nginx_and_gets_the_app_compressed(cluster, new_page):
    phone = new_page(PHONE)
    main_script: list[str | None] = []  # Streamlit's main bundles, the biggest downloads

    def on_response(r) -> None:
        if "/static/js/index." in r.url:
            main_script.append(r.headers.get("content-encoding"))

    phone.on("response", on_response)
    visit(phone, f"http://127.0.0.1:{cluster.port}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    assert main_script and set(main_script) == {"gzip"}


# ---------------------------------------------------------------- a private folder, as root

PROJECT_FILES = ["app.py", "survey", "pages", "deploy", "data/questionnaire.toml", ".streamlit"]


def _private_copy_of_the_project() -> Path:
    # mkdtemp makes a mode-700 folder: like a fresh clone in root's home or a CI temp dir.
    home = Path(tempfile.mkdtemp(prefix="survey-private-"))
    project = home / "project"
    for name in PROJECT_FILES:
        src, dst = ROOT / name, project / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.db*"))
        else:
            shutil.copy2(src, dst)
    return project


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="only nginx started by root runs as `nobody`")
def test_started_by_root_from_a_private_folder_the_cluster_serves_the_whole_page(new_page):
    project = _private_copy_of_the_project()
    assert stat.S_IMODE(project.parent.stat().st_mode) == 0o700
    port = free_port_block(2)
    env = {
        **os.environ,
        "SURVEY_DB": str(project / "data" / "survey.db"),
        "SURVEY_ADMIN_PASSWORD": PASSCODE,
    }
    env.pop("SURVEY_STATIC_CACHE", None)  # the compressed copy goes inside the private folder
    cmd = [sys.executable, "-m", "survey.serving.cluster", "--workers", "1", "--port", str(port)]
    log = project.parent / "cluster.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while b"workers behind nginx" not in log.read_bytes():
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        phone = new_page(PHONE)
        scripts: list[tuple[int, str | None]] = []

        def on_response(r) -> None:
            if "/static/" in r.url:
                scripts.append((r.status, r.headers.get("content-encoding")))

        phone.on("response", on_response)
        visit(phone, f"http://127.0.0.1:{port}/?s=SHARE")
        expect(phone.get_by_text("Page 1 of")).to_be_visible()
        assert scripts and {status for status, _ in scripts} == {200}
        assert "gzip" in {enc for _, enc in scripts}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(project.parent, ignore_errors=True)


def test_nginx_that_cannot_serve_the_scripts_stops_the_cluster_with_a_plain_message(
    tmp_path, monkeypatch
):
    # A healthy health check behind a blank page is what a facilitator must never get.
    if find_nginx() is None:
        pytest.fail(NGINX_HINT)
    empty = tmp_path / "no-frontend"
    (empty / "static").mkdir(parents=True)
    monkeypatch.setattr(survey_cluster, "static_dir", lambda: empty)
    floor = [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "floor_app.py")]
    c = survey_cluster.Cluster(1, free_port_block(2), "127.0.0.1", command=floor, log_dir=tmp_path)
    with pytest.raises(survey_cluster.ClusterError, match=r"nginx answers 404 .*blank page"):
        c.start()
    # Nothing is left running behind the message.
    assert c.nginx is not None and c.nginx.poll() is not None
    assert all(w.poll() is not None for w in c.workers)
