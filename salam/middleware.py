"""Admin changes in one transaction each, so a page change and the work it queues commit together."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicAdminWritesMiddleware:
    """Run every admin request that changes something in one database transaction.

    Wagtail saves a page view restriction (or unpublishes a page) and then sends the signals our
    receivers answer by writing outbox rows; without a transaction around both, a failure in the
    second left the first committed and the search index wrong for good. A request that fails (an
    exception, which Django turns into a 500 before it reaches here) is rolled back. The body is read
    before the transaction begins, so a slow upload never holds the database (on SQLite, its write
    lock) while it arrives.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or not request.path_info.startswith("/admin/"):
            return self.get_response(request)
        request.POST  # noqa: B018 (parse the body, uploads included, outside the transaction)
        with transaction.atomic():
            response = self.get_response(request)
            # Django has already turned an exception into a 500 response on its way out here.
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
