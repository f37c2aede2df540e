"""gunicorn settings shared by the Dockerfile, docker-compose.yml and the topology test."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The Server header would name gunicorn (and so what to probe for); send none. gunicorn has no
# setting for it, so its response's default headers are filtered here, where every worker
# inherits it.
from gunicorn.http import wsgi as _gunicorn_wsgi  # noqa: E402

_gunicorn_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server(self):
    return [h for h in _gunicorn_default_headers(self) if not h.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _headers_without_server
