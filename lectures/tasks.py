"""Background work of the lectures app: every email goes out from a task, never inside a request.

The tasks live beside the workflows they run (lectures.services.*); this module keeps the paths
they were queued under before, so rows already in the queue still find them.
"""

from lectures.services.organisers import send_announcement
from lectures.services.publishing import send_lecture_notices
from lectures.services.reminders import send_lecture_reminders, send_recording_notices
from lectures.services.seats import send_registration_email

__all__ = [
    "send_announcement",
    "send_lecture_notices",
    "send_lecture_reminders",
    "send_recording_notices",
    "send_registration_email",
]
