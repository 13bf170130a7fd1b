"""Settings for the test suite: tasks run immediately, a per-run Elasticsearch index name."""

import os
import uuid

from salam.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-key-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "ratelimit": CACHES["ratelimit"]}
# Each test's changes are rolled back, never committed, so the header's cache would outlive them and
# never see their on-commit invalidation: read the header afresh. tests/salam/test_site_chrome.py
# switches the cache on and commits its changes' callbacks.
SITE_CHROME_CACHE_SECONDS = 0
# Each test run (and each concurrent developer) gets its own indices on the shared server.
SEARCH_INDEX_NAME = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
# The /media/ route is mounted, so tests can walk it as an anonymous reader would.
SERVE_MEDIA = True
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Concurrent runs on one PostgreSQL server must not share a test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_salam_{os.getpid()}"}
# No background thread: the tests count what they queued with usage.recorder.flush(), on their own
# connection, where the test's transaction is visible.
USAGE_FLUSH_INTERVAL_S = 0
