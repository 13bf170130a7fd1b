"""Tasks for the background tasks report's tests: one that fails the first time it runs."""

from django_tasks import task

CALLS: list[str] = []


@task()
def flaky(reason: str) -> str:
    """Fail with ``reason`` the first time, succeed after (each run is recorded in CALLS)."""
    CALLS.append(reason)
    if len(CALLS) == 1:
        raise ValueError(reason)
    return "done"
