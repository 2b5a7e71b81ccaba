"""Development: debug on, mail to the console, a fixed key that is useless anywhere else."""

from .base import *  # noqa: F403
from .environment import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-common-ground-development-only")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Demo logins (firstname.lastname / demo) exist only where this is true.
DEMO_LOGINS = True
