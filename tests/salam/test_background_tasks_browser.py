"""The background tasks report in a real browser, at desktop and phone widths: the reason is shown
and the Retry button works as a plain form (no JavaScript needed)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.admin_browser import admin_browser_page
from tests.salam import tasks
from tests.salam.test_background_tasks import REASON, run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_see_why_a_task_failed_and_retry_it(browser, live_server, settings, width):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    tasks.CALLS.clear()
    result = tasks.flaky.enqueue(REASON)
    run_worker()
    user = get_user_model().objects.create_superuser("operator", "operator@example.org", "pw-for-tests-only")
    page = admin_browser_page(browser, live_server, user, width=width)
    page.goto(f"{live_server.url}/admin/background-tasks/?status=FAILED")
    reason = page.locator(f"#task-{result.id} .task-reason")
    assert reason.inner_text() == f"ValueError: {REASON}"
    assert reason.is_visible()
    # The wide table scrolls in its own region; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if width >= 1280:  # on a desktop the whole table fits, Retry included
        assert page.evaluate("(r => r.scrollWidth <= r.clientWidth)(document.querySelector('.task-table'))")
    page.screenshot(path=f"/tmp/background-tasks-{width}.png", full_page=True)
    page.get_by_role("button", name=f"Retry flaky ({result.id})").click()
    page.wait_for_load_state()
    assert "The task is queued again" in page.content()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    page.context.close()
    tasks.CALLS.clear()
