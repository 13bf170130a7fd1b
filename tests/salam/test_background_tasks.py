"""The admin's "Background tasks" report: staff see failed tasks and why, and retry them once.

Tasks go through django_tasks_db's real database backend and a real `db_worker` run (in this
process, in batch mode), so the rows are what a worker would leave.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from salam import workers
from tests.salam import tasks

pytestmark = pytest.mark.django_db

LIST = "/admin/background-tasks/"
REASON = "the PDF is encrypted and has no password"


def retry_url(task_id) -> str:
    return f"/admin/background-tasks/{task_id}/retry/"


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    """The database backend, as in production (the test settings run tasks at once)."""
    # The worker runs in this process, inside the test's transaction: its housekeeping would take
    # that for a broken connection and close it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    tasks.CALLS.clear()
    yield
    tasks.CALLS.clear()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "default", "--worker-id", "test-host:1")


@pytest.fixture
def failed() -> DBTaskResult:
    """A task a worker ran and that failed."""
    result = tasks.flaky.enqueue(REASON)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    return row


def login(client: Client, *, staff: bool, username: str) -> Client:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-for-tests-only")
    user.is_staff = staff
    user.save()
    group = Group.objects.create(name=f"Admin access for {username}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client) -> Client:
    return login(client, staff=True, username="operator")


@pytest.fixture
def editor_client() -> Client:
    return login(Client(), staff=False, username="editor")


def test_a_failed_task_shows_its_reason_arguments_and_attempts(staff_client, failed):
    response = staff_client.get(LIST, {"status": "FAILED"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"ValueError: {REASON}" in html
    assert "flaky" in html and f"&quot;{REASON}&quot;" in html  # the task and its argument
    assert f'action="{retry_url(failed.pk)}"' in html
    row = html[html.index(f'id="task-{failed.pk}"') :]
    assert "<td>1</td>" in row[: row.index("</tr>")]  # one attempt, by the one worker


def test_the_status_filter_shows_only_that_status(staff_client, failed):
    done = tasks.flaky.enqueue("second run succeeds")
    run_worker()
    assert DBTaskResult.objects.get(pk=done.id).status == TaskResultStatus.SUCCESSFUL
    failed_only = staff_client.get(LIST, {"status": "FAILED"}).content.decode()
    assert f"task-{failed.pk}" in failed_only and f"task-{done.id}" not in failed_only
    successful_only = staff_client.get(LIST, {"status": "SUCCESSFUL"}).content.decode()
    assert f"task-{done.id}" in successful_only and f"task-{failed.pk}" not in successful_only


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"status": "failed; drop table"}, {"p": "abc"}, {"p": "99999"}]
)
def test_bad_filter_and_page_parameters_still_answer(staff_client, failed, params):
    response = staff_client.get(LIST, params)
    assert response.status_code == 200
    assert f"task-{failed.pk}" in response.content.decode()  # an unknown status shows every task


def test_retry_queues_a_failed_task_again_once(staff_client, failed):
    response = staff_client.post(retry_url(failed.pk))
    assert response.status_code == 302
    row = DBTaskResult.objects.get(pk=failed.pk)
    assert row.status == TaskResultStatus.READY and row.traceback == "" and row.finished_at is None
    again = staff_client.post(retry_url(failed.pk), follow=True)
    assert "Only a failed task can be retried" in again.content.decode()
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert tasks.CALLS == [REASON, REASON]  # run once more, not twice
    row = DBTaskResult.objects.get(pk=failed.pk)
    assert row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 2


def test_a_task_that_is_not_failed_is_not_retried(staff_client):
    waiting = tasks.flaky.enqueue("not run yet")
    staff_client.post(retry_url(waiting.id))
    row = DBTaskResult.objects.get(pk=waiting.id)
    assert row.status == TaskResultStatus.READY and row.worker_ids == []


@pytest.mark.parametrize("path", [retry_url("not-a-uuid"), retry_url(uuid.uuid4()), retry_url("1")])
def test_bad_task_ids_give_404(staff_client, failed, path):
    assert staff_client.post(path).status_code == 404
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED


def test_retry_takes_post_only(staff_client, failed):
    assert staff_client.get(retry_url(failed.pk)).status_code == 405
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED


def test_retry_without_the_csrf_token_is_refused(failed):
    client = login(Client(enforce_csrf_checks=True), staff=True, username="operator2")
    assert client.post(retry_url(failed.pk)).status_code == 403
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED


def test_anonymous_visitors_are_sent_to_sign_in(client, failed):
    for response in (client.get(LIST), client.post(retry_url(failed.pk))):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED


def test_editors_who_are_not_staff_are_refused(editor_client, failed):
    # Wagtail turns a refusal inside the admin into a redirect to the dashboard, with a message.
    for response in (editor_client.get(LIST), editor_client.post(retry_url(failed.pk))):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "permission" in editor_client.get(LIST, follow=True).content.decode()
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED
    assert "Background tasks" not in editor_client.get("/admin/").content.decode()


def test_staff_find_the_report_in_the_reports_menu(staff_client):
    assert "Background tasks" in staff_client.get("/admin/").content.decode()


def test_a_task_whose_worker_died_three_times_shows_why(staff_client):
    """salam.workers fails it with WorkerLost; the report says so and offers a retry."""
    result = tasks.flaky.enqueue("never finishes")
    row = DBTaskResult.objects.get(pk=result.id)
    dead = "another-host:1"  # a worker this machine cannot see, silent for longer than allowed
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = [dead, dead, dead]
    row.started_at = timezone.now() - datetime.timedelta(days=1)
    row.save()
    assert workers.requeue_lost_tasks().failed == 1
    html = staff_client.get(LIST, {"status": "FAILED"}).content.decode()
    assert "WorkerLost: the worker &#x27;another-host:1&#x27; stopped while running this task" in html
    assert f'action="{retry_url(row.pk)}"' in html
