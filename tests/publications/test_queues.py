"""PDF extraction runs on a queue of its own, so one slow PDF never holds up emails and indexing."""

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus

from lectures.tasks import send_registration_email
from publications.tasks import EXTRACTION_QUEUE, extract_document_pdf

# The worker closes its database connection between tasks, which a test wrapped in a transaction cannot survive;
# serialized_rollback puts back what the migrations created (the home page, the taxonomy) for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_queue(settings):
    # django-tasks rebuilds its backends when the setting changes (and again when it is restored).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}


def test_extraction_has_its_own_queue(settings):
    assert extract_document_pdf.queue_name == EXTRACTION_QUEUE
    assert EXTRACTION_QUEUE in settings.TASK_QUEUES and "default" in settings.TASK_QUEUES


def test_the_default_worker_sends_emails_while_an_extraction_waits_for_its_own(database_queue):
    extraction = extract_document_pdf.enqueue(document_id=987654)
    email = send_registration_email.enqueue(987654, "confirmation")
    call_command("db_worker", "--queue-name", "default", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    email.refresh()
    extraction.refresh()
    assert email.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)  # it ran
    assert extraction.status == TaskResultStatus.READY  # untouched by the default queue's worker
    call_command(
        "db_worker", "--queue-name", EXTRACTION_QUEUE, "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )
    extraction.refresh()
    assert extraction.status == TaskResultStatus.SUCCESSFUL
    assert extraction.return_value == "gone"  # no such document
