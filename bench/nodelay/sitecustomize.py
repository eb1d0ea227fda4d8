"""Give a plain `streamlit run` the server settings survey.serving.serve applies to the survey.

TCP_NODELAY, and the same garbage-collector settings (see survey.serving.serve), so
that the floor and layout apps are served like the survey and the ratio is fair.

Streamlit 1.67 binds its listening socket as socket.socket(family) (proto 0),
and asyncio only sets TCP_NODELAY on sockets whose proto is IPPROTO_TCP. So
every connection runs with Nagle's algorithm: after a rerun's first small
message, the rest wait for the client's delayed ACK (40 ms on Linux). This
file, put on the server's PYTHONPATH by bench/server.py, drops the proto check,
so the floor app is served like the survey and the latency ratio is fair.
"""

import asyncio.base_events
import gc
import socket


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in {socket.AF_INET, socket.AF_INET6} and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


asyncio.base_events._set_nodelay = _set_nodelay

gc.freeze()
gc.set_threshold(10_000, 10, 10)
