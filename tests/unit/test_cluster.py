"""The multi-worker recipe's nginx configuration, as `make run-workers` writes it."""

import gzip
import os
import pwd
import re
import subprocess
from pathlib import Path

import pytest

from survey.serving import cluster, nginx, precompressed


@pytest.fixture
def conf(tmp_path) -> str:
    return nginx.nginx_config("8501", [8502, 8503], nginx.static_dir(), tmp_path)


def test_every_worker_is_an_upstream_server_and_nginx_listens_on_the_public_port(conf):
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", conf) == ["8502", "8503"]
    assert re.search(r"^\s*listen 8501;$", conf, re.M)
    assert not re.search(r"@[A-Z_]+@", conf)  # every placeholder filled in


def test_browsers_are_kept_on_one_worker_by_a_cookie_not_by_their_address(conf):
    assert "hash $survey_worker consistent;" in conf
    assert "ip_hash" not in conf  # one venue Wi-Fi address would put the whole room on one worker
    assert 'Set-Cookie "survey_worker=$survey_worker;' in conf


def test_nginx_serves_streamlits_own_files_with_their_gzip_copies_beside_them(conf):
    alias = re.search(r"alias \"([^\"]+)\";", conf).group(1)
    assert alias == f"{nginx.static_dir()}/static/"
    shipped = precompressed.streamlit_static_dir() / "static" / "js"
    (main,) = [p for p in shipped.glob("index.*.js") if p.name.count(".") == 2]
    copy = Path(alias) / "js" / main.name
    assert copy.read_bytes() == main.read_bytes()
    assert gzip.decompress(copy.with_name(main.name + ".gz").read_bytes()) == main.read_bytes()
    assert "gzip_static on;" in conf  # the .gz is sent as it is, not compressed per request


def test_started_by_root_nginx_runs_its_workers_as_the_owner_of_the_files(conf):
    # As `nobody` (nginx's default) it gets 403 on a project in a private folder.
    user = re.search(r"^user (\S+) (\S+);$", conf, re.M)
    if os.geteuid() == 0:
        owner = nginx.static_dir().stat().st_uid
        assert user and pwd.getpwnam(user.group(1)).pw_uid == owner
    else:
        assert user is None  # nginx cannot switch users anyway


def test_nginx_accepts_the_configuration_even_in_a_folder_with_spaces(tmp_path):
    binary = nginx.find_nginx()
    if binary is None:
        pytest.fail(nginx.NGINX_HINT)
    run_dir = tmp_path / "My Documents" / "survey run"
    run_dir.mkdir(parents=True)
    path = run_dir / "nginx.conf"
    path.write_text(nginx.nginx_config("8501", [8502], nginx.static_dir(), run_dir))
    checked = subprocess.run(
        [binary, "-t", "-e", "stderr", "-p", str(run_dir), "-c", str(path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_asking_for_no_workers_is_refused_with_a_plain_message(capsys):
    assert cluster.main(["--workers", "0"]) == 2
    assert "Could not start: --workers must be at least 1." in capsys.readouterr().err
