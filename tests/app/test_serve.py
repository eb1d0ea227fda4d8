"""How `make run` starts the server: room for a thousand phones' connections."""

import resource
import subprocess
import sys


def test_the_server_raises_a_low_open_files_limit_so_a_big_room_can_connect():
    # As on a default Debian login (1,024) or macOS (256): start from 256 and let serve's
    # helper raise it, in a fresh process so this test's own limit is left alone.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    code = (
        "import resource\n"
        f"resource.setrlimit(resource.RLIMIT_NOFILE, (256, {hard}))\n"
        "from survey.serving import serve\n"
        "print(serve.raise_open_files_limit(), resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    returned, in_force = (int(x) for x in out.stdout.split())
    expected = 65_536 if hard == resource.RLIM_INFINITY else min(65_536, hard)
    assert returned == in_force
    assert in_force >= min(expected, 10_240)
