"""Reacting to an organiser publishing a lecture: a new invitation, notices when time, place or status changed."""

from django.db import transaction
from django_tasks import task

from lectures import emails
from lectures.models import LectureStatus, Registration
from lectures.services.seats import ACTIVE, lock_lecture, state_of


def record_published_details(lecture_id: int) -> str | None:
    """After a publish: if time, place or status changed, bump the invitation and queue notices.

    Returns the kind of notice queued ("changed" or "lecture_cancelled"), or None.
    """
    with transaction.atomic():
        lecture = lock_lecture(lecture_id)
        state = state_of(lecture)
        details = lecture.notified_details()
        previous = state.notified_details or {}
        if details == previous:
            return None
        changed = sorted(name for name in details if details[name] != previous.get(name))
        state.notified_details = details
        if not previous:
            state.save(update_fields=["notified_details"])
            return None
        state.ics_sequence += 1
        state.save(update_fields=["notified_details", "ics_sequence"])
        if changed == ["title"]:
            return None  # a new title alone is not worth an email; the next invitation carries it
        kind = "lecture_cancelled" if lecture.status == LectureStatus.CANCELLED else "changed"
        if Registration.objects.filter(lecture=lecture, status__in=ACTIVE).exists():
            transaction.on_commit(lambda: send_lecture_notices.enqueue(lecture_id, kind, changed))
    return kind


@task()
def send_lecture_notices(lecture_id: int, kind: str, changed: list[str]) -> int:
    """Tell everyone registered that the lecture changed or was cancelled, over one mail connection."""
    registrations = Registration.objects.select_related("lecture").filter(lecture_id=lecture_id).active()
    return emails.send_each(registrations, kind, changed=changed)
