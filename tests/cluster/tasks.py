"""A task for the worker tests: holds its worker long enough to be killed in the middle of it."""

import time

from django_tasks import task


@task()
def hold(seconds: float) -> str:
    """Sleep, then say so (the test kills the worker while it sleeps)."""
    time.sleep(seconds)
    return "held"
