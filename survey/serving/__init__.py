"""Serving the app: everything between `make run` (or `make run-workers`) and Streamlit.

serve.py          `python -m survey.serving.serve`: Streamlit with our workarounds; the
                  only module here that imports streamlit
doors.py          ASGI middleware: closed paths, the sign-in cookie's routes
precompressed.py  `python -m survey.serving.precompressed`: the compressed frontend copy
static.py         ASGI middleware that serves that copy
lan.py            the join link's host on the venue's network
cluster.py        `python -m survey.serving.cluster`: workers (and hosts) behind nginx
nginx.py          nginx's configuration, start and page check
supervisor.py     child processes started, watched and stopped together
"""
