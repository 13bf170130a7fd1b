"""Local development: the default for manage.py. Embedded SQLite, local Elasticsearch, console email."""

from salam.settings.base import *  # noqa: F403
from salam.settings.env import env, env_bool

DEBUG = env_bool("DEBUG", True)
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# A development-only key; production.py refuses to start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-7f3a9c")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
