"""ASGI entry point.

site/ must be on the path, e.g. `uvicorn --app-dir site commonground.asgi:application`.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.production")

application = get_asgi_application()
