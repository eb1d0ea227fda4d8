"""The cluster's process supervisor (survey/serving/supervisor.py) with real child processes."""

import contextlib
import sys
import time

import psutil
import pytest

from survey.serving.supervisor import ClusterError, Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_when_one_part_exits_the_rest_are_stopped_and_its_exit_code_returned(tmp_path):
    sup = Supervisor(tmp_path)
    survivor = sup.spawn(SLEEP, "worker-1")
    sup.spawn([sys.executable, "-c", "raise SystemExit(3)"], "worker-2")

    assert sup.wait() == 3
    assert survivor.poll() is not None, "the other worker was left running"
    assert sup.procs == []


def test_a_parts_children_are_watched_and_each_part_logs_to_its_own_file(tmp_path):
    sup = Supervisor(tmp_path)
    forks = (
        "import subprocess, sys, time; print('up', flush=True); "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )
    parent = sup.spawn([sys.executable, "-c", forks], "nginx", log_dir=tmp_path)
    children = []
    try:
        deadline = time.monotonic() + 10
        while len(sup.pids) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # nginx's master forks its workers the same way
        children = psutil.Process(parent.pid).children()
        assert sup.pids == [parent.pid, *(c.pid for c in children)] and len(children) == 1
    finally:
        sup.stop()
        for c in children:  # unlike nginx's master, this parent leaves its child behind
            with contextlib.suppress(psutil.Error):
                c.kill()
    assert (tmp_path / "nginx.log").read_text().strip() == "up"
    assert parent.poll() is not None


def test_a_part_that_dies_while_starting_is_named_in_a_plain_message(tmp_path):
    sup = Supervisor(tmp_path)
    proc = sup.spawn([sys.executable, "-c", "pass"], "worker-8502")
    proc.wait()
    with pytest.raises(ClusterError, match="The worker on port 8502 stopped"):
        sup.wait_healthy({8502: proc}, 5, "The worker on port {port} stopped.", "late {ports}")
    sup.stop()


def test_stopping_removes_the_temporary_folders(tmp_path):
    sup = Supervisor(tmp_path)
    run_dir = sup.temporary_dir("survey-nginx-")
    assert run_dir.is_dir() and oct(run_dir.stat().st_mode)[-3:] == "755"
    sup.stop()
    assert not run_dir.exists()
