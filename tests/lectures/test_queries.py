"""Each hand-written query in lectures.services.queries answers exactly what its ORM equivalent answers."""

import pytest
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from wagtail.models import PageViewRestriction

from lectures import services
from lectures.models import LecturePage, LectureState, Registration, RegistrationStatus
from lectures.services import queries
from tests.factories.lectures import details, lecture_index, make_lecture

pytestmark = pytest.mark.django_db


def orm_counts(lecture_id: int, email: str) -> tuple[int, int, int | None]:
    found = Registration.objects.filter(lecture_id=lecture_id).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        existing=Max("pk", filter=Q(email=email)),
    )
    return found["confirmed"], found["waiting"], found["existing"]


def orm_guarded(lecture: LecturePage) -> bool:
    line = lecture.get_ancestors(inclusive=True)
    return PageViewRestriction.objects.filter(page__in=line).exists() or line.filter(alias_of__isnull=False).exists()


def test_registration_counts_match_the_orm(site_root):
    lecture = make_lecture(capacity=2)
    empty = make_lecture()
    people = [details() for _ in range(4)]
    for person in people:
        services.register(lecture.pk, person)
    services.cancel(Registration.objects.get(email=people[0].email).pk)  # one cancelled, one promoted
    for lecture_id, email in [
        (lecture.pk, people[1].email),
        (lecture.pk, people[0].email),
        (lecture.pk, "nobody@example.org"),
        (lecture.pk, ""),
        (empty.pk, people[1].email),
        (999_999, ""),
    ]:
        assert queries.registration_counts(lecture_id, email) == orm_counts(lecture_id, email)
    assert queries.registration_counts(lecture.pk)[:2] == (2, 1)


def test_the_registration_lock_reads_what_the_orm_reads(site_root):
    open_lecture = make_lecture()
    closed = make_lecture(capacity=3, registration_opens=timezone.now())
    LectureState.objects.create(lecture=closed, registration_closed_at=timezone.now())
    draft = make_lecture(live=False)
    for lecture in (open_lecture, closed, draft):
        with transaction.atomic():
            raw = queries.lecture_locked_for_registration(lecture.pk)
        orm = LecturePage.objects.select_related("state").get(pk=lecture.pk)
        for field in queries.RULE_FIELDS:
            assert getattr(raw, field) == getattr(orm, field), field
        state = getattr(orm, "state", None) if LectureState.objects.filter(lecture=orm).exists() else None
        assert raw.registration_closed_at == (state.registration_closed_at if state else None)
    with transaction.atomic():
        assert queries.lecture_locked_for_registration(999_999) is None


def test_the_visibility_query_matches_the_orm(site_root):
    public = make_lecture()
    restricted = make_lecture()
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    draft = make_lecture(live=False)
    for lecture in (public, restricted, draft):
        raw = queries.live_lecture_with_guard(lecture.pk)
        live = LecturePage.objects.live().filter(pk=lecture.pk).first()
        assert (raw is None) == (live is None)
        if raw is not None:
            assert bool(raw.guarded) == orm_guarded(live)
            assert (raw.path, raw.url_path) == (live.path, live.url_path)
    assert queries.live_lecture_with_guard(restricted.pk).guarded
    assert not queries.live_lecture_with_guard(public.pk).guarded
    assert queries.live_lecture_with_guard(draft.pk) is None
    assert queries.live_lecture_with_guard(999_999) is None


def test_a_restriction_on_an_ancestor_guards_the_lecture(site_root):
    index = lecture_index(site_root)
    lecture = make_lecture(index)
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    raw = queries.live_lecture_with_guard(lecture.pk)
    assert raw.guarded and orm_guarded(LecturePage.objects.get(pk=lecture.pk))


def test_the_registration_queryset_means_active_and_not_anonymised(site_root):
    lecture = make_lecture(capacity=1)
    first, second, third = details(), details(), details()
    for person in (first, second, third):
        services.register(lecture.pk, person)
    services.cancel(Registration.objects.get(email=third.email).pk)
    Registration.objects.filter(email=second.email).update(anonymised_at=timezone.now())
    assert set(Registration.objects.active().values_list("email", flat=True)) == {first.email}
    assert not Registration.objects.active([RegistrationStatus.WAITING]).exists()
    assert Registration.objects.with_details().count() == 2
