"""Reactions to an organiser publishing a lecture: notices, promotions, "the recording is online"."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from lectures import services
from lectures.exceptions import RegistrationError
from lectures.models import LecturePage, LectureState

logger = logging.getLogger(__name__)


@receiver(page_published, sender=LecturePage)
def lecture_published(sender, instance: LecturePage, **kwargs) -> None:
    """Compare what registrants were told with what is now live, and act on the difference."""
    try:
        services.record_published_details(instance.pk)
        # A larger capacity frees seats for the waiting list.
        services.promote_from_waiting_list(instance.pk)
    except RegistrationError:
        logger.exception("Could not process the publication of lecture %s", instance.pk)
        return
    if instance.has_recording and instance.has_started(timezone.now()):
        already = LectureState.objects.filter(lecture_id=instance.pk, recording_notice_sent_at__isnull=False).exists()
        if not already:
            lecture_id = instance.pk
            transaction.on_commit(lambda: services.send_recording_notices.enqueue(lecture_id))
