"""Registration under concurrency, on PostgreSQL: never more confirmed seats than capacity.

Each thread has its own database connection (Django's connections are per thread); the lecture's
row lock makes the registrations queue up. SQLite serialises writers itself and has no row locks,
so these tests only mean something on PostgreSQL and are skipped elsewhere.
"""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections

from lectures import services
from lectures.models import Registration, RegistrationStatus
from tests.factories.lectures import details, make_lecture

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: run with DATABASE_URL=$(scripts/postgres start)",
    ),
]

THREADS = 40


def run_concurrently(calls: list) -> list:
    """Run the calls on THREADS threads released together; each thread closes its connection at the end."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(THREADS)

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for index in range(offset, len(calls), THREADS):
                try:
                    results[index] = calls[index]()
                except Exception as exc:  # kept to assert on below
                    results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a registration thread hung"
    return results


def test_200_registrations_for_50_seats_then_10_cancellations(site_root):
    lecture = make_lecture(capacity=50)
    people = [details(email=f"person{n}@example.org") for n in range(200)]
    results = run_concurrently([lambda d=d: services.register(lecture.pk, d) for d in people])
    assert not [r for r in results if isinstance(r, Exception)]

    statuses = Counter(Registration.objects.filter(lecture=lecture).values_list("status", flat=True))
    assert statuses == {RegistrationStatus.CONFIRMED: 50, RegistrationStatus.WAITING: 150}
    emails = list(Registration.objects.filter(lecture=lecture).values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == 200
    assert services.seats_left(lecture) == 0
    subjects = Counter(message.subject.split(":")[0] for message in mail.outbox)
    assert subjects == {"You are registered": 50, "You are on the waiting list": 150}

    # The same people again, concurrently: recognised, no duplicates.
    again = run_concurrently([lambda d=d: services.register(lecture.pk, d) for d in people[:40]])
    assert all(result.outcome.startswith("already") for result in again)
    assert Registration.objects.filter(lecture=lecture).count() == 200

    waiting_order = list(
        Registration.objects.filter(lecture=lecture, status=RegistrationStatus.WAITING)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)
    )
    cancelled = list(
        Registration.objects.filter(lecture=lecture, status=RegistrationStatus.CONFIRMED)
        .order_by("?")
        .values_list("pk", flat=True)[:10]
    )
    mail.outbox.clear()
    promoted_lists = run_concurrently([lambda pk=pk: services.cancel(pk) for pk in cancelled] + [list] * 30)
    promoted = [pk for result in promoted_lists[:10] for pk in result]
    assert sorted(promoted) == sorted(waiting_order[:10])
    # Whoever got in, got in in the order they joined: confirmation times follow the waiting order.
    confirmed_at = dict(Registration.objects.filter(pk__in=promoted).values_list("pk", "confirmed_at"))
    assert [confirmed_at[pk] for pk in waiting_order[:10]] == sorted(confirmed_at[pk] for pk in waiting_order[:10])
    statuses = Counter(Registration.objects.filter(lecture=lecture).values_list("status", flat=True))
    assert statuses == {
        RegistrationStatus.CONFIRMED: 50,
        RegistrationStatus.WAITING: 140,
        RegistrationStatus.CANCELLED: 10,
    }
    promotion_mail = Counter(message.to[0] for message in mail.outbox if message.subject.startswith("A seat"))
    expected = set(Registration.objects.filter(pk__in=waiting_order[:10]).values_list("email", flat=True))
    assert set(promotion_mail) == expected and set(promotion_mail.values()) == {1}
    assert len(mail.outbox) == 10
