"""WSGI entry point for gunicorn: `gunicorn factcheck.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - import every view now, not during the first request
# What is loaded now lives as long as the process: out of the collector's way (gc.freeze), so that a
# full collection walks what requests made, not every module's objects (it cost requests 30-130 ms).
gc.freeze()
