"""The embedded default for `make run`: SQLite and filesystem Celery, and the
product's own pages for a bad address or a refusal (404, 400, 403 in Chinese by
default), as a user sees them in production. DJANGO_DEBUG=true brings Django's
debug pages back for a developer."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Static files straight from static/ and the apps, as they change: `make run`
# needs no collectstatic (production serves the collected, hashed ones).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
