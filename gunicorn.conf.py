"""Gunicorn's settings for Pilote CTG (bin/run_prod.py, docs/deployment.md), from the environment.

GUNICORN_BIND: where to listen (127.0.0.1:8000; behind nginx, keep it local).
GUNICORN_WORKERS: processes (2 by default; about 2 per core). GUNICORN_TIMEOUT: seconds a request
may take (120: a bilan's PDF or a large import). FORWARDED_ALLOW_IPS: the proxies whose
X-Forwarded-Proto is trusted (127.0.0.1 by default).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# A worker is replaced after this many requests, so that slow leaks never add up.
max_requests = 1000
max_requests_jitter = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
proc_name = "pilote-ctg"
