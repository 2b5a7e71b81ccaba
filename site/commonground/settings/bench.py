"""The benchmark (`make bench`): production settings served on loopback.

Production refuses to start without a secret and a host list; the benchmark brings its own so
that `make bench` needs nothing set up. The gunicorn it starts inherits this environment, so
both share the secret (and the sessions signed with it).
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Plain HTTP on loopback: no TLS proxy in front, nothing to redirect to.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("BEHIND_TLS_PROXY", "false")

from .production import *  # noqa: F403

# The bare Django view beside the real pages: the baseline the headline ratio divides by.
ROOT_URLCONF = "commonground.bench_urls"
