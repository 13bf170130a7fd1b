"""Settings for the hub processes a cluster test starts (workers, a replay to be killed).

The test settings, but with the database-backed task queue, emails written to files (so they
can be counted across processes) and the index name and media folder of the test that started
them (test settings give every process its own).
"""

import os
from pathlib import Path

from salam.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}  # noqa: F405
SEARCH_INDEX_NAME = os.environ["SALAM_CHILD_INDEX_NAME"]
MEDIA_ROOT = Path(os.environ["SALAM_CHILD_MEDIA_ROOT"])
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("SALAM_CHILD_EMAIL_DIR", "/tmp")
