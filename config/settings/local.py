"""The embedded default for `make run`: debug on, SQLite and filesystem Celery."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
