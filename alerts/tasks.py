"""Background work of alerts: the email answering a subscription request never waits in the request."""

import logging

from django_tasks import task

from alerts import emails
from alerts.models import Subscription

logger = logging.getLogger(__name__)


@task()
def send_subscription_email(subscription_id: int, notice: str, frequency: str) -> bool:
    """Send the confirmation request (or the 'already subscribed' note) for one subscription."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return False
    emails.subscription_email(subscription, notice, frequency).send()
    return True
