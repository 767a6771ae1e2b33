"""ASGI entry point (`tradeshield.asgi:application`) for servers that speak ASGI.

`tradeshield serve` uses the WSGI application (gunicorn, threaded workers); this exists for deployments
that prefer an ASGI server, e.g. `uvicorn tradeshield.asgi:application`.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeshield.settings")
application = get_asgi_application()
