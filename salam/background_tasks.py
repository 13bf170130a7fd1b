"""The admin's "Background tasks" report: what the workers did, why a task failed, and retrying it.

Staff only (``is_staff``): task arguments can name registrations and pages an editor has no say over.
The rows are django_tasks_db's results, read and changed through salam.workers.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from salam import workers

PER_PAGE = 50
ARGUMENTS_SHOWN = 200  # characters; the whole of them is in the row's details


def may_see_tasks(user) -> bool:
    """Staff may list and retry background tasks."""
    return bool(user.is_active and user.is_staff)


def _require_staff(request: HttpRequest) -> None:
    if not may_see_tasks(request.user):
        raise PermissionDenied


@dataclass(frozen=True)
class TaskRow:
    """One task result as the report shows it."""

    result: DBTaskResult
    name: str
    arguments: str
    reason: str
    attempts: int

    @property
    def arguments_short(self) -> str:
        text = self.arguments
        return text if len(text) <= ARGUMENTS_SHOWN else text[: ARGUMENTS_SHOWN - 1] + "…"

    @property
    def failed(self) -> bool:
        return self.result.status == TaskResultStatus.FAILED


def _row(result: DBTaskResult) -> TaskRow:
    call = result.args_kwargs or {}
    parts = [json.dumps(arg, ensure_ascii=False, default=str) for arg in call.get("args", [])]
    parts += [f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in call.get("kwargs", {}).items()]
    return TaskRow(
        result=result,
        name=result.task_path.rsplit(".", 1)[-1],
        arguments=", ".join(parts),
        reason=workers.failure_reason(result.traceback) if result.status == TaskResultStatus.FAILED else "",
        attempts=len(result.worker_ids or []),
    )


def task_list(request: HttpRequest) -> TemplateResponse:
    """Every task result, newest first, filtered by status (an unknown status shows them all)."""
    _require_staff(request)
    status = request.GET.get("status", "")
    if status not in TaskResultStatus.values:
        status = ""
    page = Paginator(workers.task_results(status), PER_PAGE).get_page(request.GET.get("p"))
    counts = workers.status_counts()
    return TemplateResponse(
        request,
        "salam/admin/background_tasks.html",
        {
            "page_title": "Background tasks",
            "header_icon": "cogs",
            "rows": [_row(result) for result in page.object_list],
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in TaskResultStatus.choices],
            "total": sum(counts.values()),
            "filter_query": urlencode({"status": status}) if status else "",
        },
    )


@require_POST
def retry(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """Queue a failed task again (POST only); anything but a failed task is left as it is."""
    _require_staff(request)
    try:
        requeued = workers.retry_failed_task(task_id, by=request.user.get_username())
    except DBTaskResult.DoesNotExist:
        raise Http404("No such task.") from None
    if requeued:
        messages.success(request, "The task is queued again; a worker will run it shortly.")
    else:
        messages.warning(request, "Only a failed task can be retried; this one is not failed (any more).")
    return redirect(f"{reverse('background_tasks')}?{urlencode({'status': TaskResultStatus.FAILED})}")
