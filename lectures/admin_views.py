"""Organisers' views in the Wagtail admin: registrations, waiting list, check-in, CSV, messages."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lectures import services
from lectures.exceptions import RegistrationError
from lectures.forms import AnnouncementForm
from lectures.models import LectureAnnouncement, LecturePage, LectureState, Registration, RegistrationStatus
from salam.numbers import parse_int

CSV_COLUMNS = ["id", "status", "name", "email", "organisation", "country", "role", "accessibility_needs",
               "wants_recording_notice", "created_at", "confirmed_at", "waiting_since", "cancelled_at",
               "checked_in_at"]  # fmt: skip


def _editable_lecture(request: HttpRequest, page_id: int) -> LecturePage:
    lecture = get_object_or_404(LecturePage, pk=page_id)
    if not lecture.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return lecture


def counts(lecture: LecturePage) -> dict[str, int]:
    """Confirmed, waiting, cancelled and checked-in registrations, plus seats left."""
    totals = Registration.objects.filter(lecture=lecture).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)),
    )
    totals["seats_left"] = services.seats_left(lecture)
    return totals


def lecture_overview(request: HttpRequest) -> TemplateResponse:
    """Every lecture the organiser may edit, newest first, with its registration counts."""
    lectures = [
        lecture
        for lecture in LecturePage.objects.order_by("-start").annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        )
        if lecture.permissions_for_user(request.user).can_edit()
    ]
    return TemplateResponse(
        request,
        "lectures/admin/overview.html",
        {"lectures": lectures, "page_title": "Lecture registrations", "header_icon": "group", "now": timezone.now()},
    )


def registrations(request: HttpRequest, page_id: int) -> TemplateResponse:
    """Registrations and the waiting list of one lecture, with the organisers' actions."""
    lecture = _editable_lecture(request, page_id)
    status = request.GET.get("status", "")
    listing = Registration.objects.filter(lecture=lecture)
    if status in RegistrationStatus.values:
        listing = listing.filter(status=status)
    else:
        status = ""
    listing = listing.order_by("status", "waiting_since", "created_at", "pk")
    state = LectureState.objects.filter(lecture=lecture).first()
    return TemplateResponse(
        request,
        "lectures/admin/registrations.html",
        {
            "lecture": lecture,
            "registrations": listing,
            "counts": counts(lecture),
            "status": status,
            "statuses": RegistrationStatus.choices,
            "state": state,
            "announcements": LectureAnnouncement.objects.filter(lecture=lecture)[:10],
            "page_title": f"Registrations: {lecture.title}",
            "header_icon": "group",
        },
    )


@require_POST
def registration_action(request: HttpRequest, page_id: int) -> HttpResponse:
    """Check in, undo check-in, cancel a registration, or close/reopen registration."""
    lecture = _editable_lecture(request, page_id)
    action = request.POST.get("action", "")
    back = reverse("lectures_admin:registrations", args=[lecture.pk])
    try:
        if action in {"close", "reopen"}:
            services.set_registration_closed(lecture.pk, action == "close", user=request.user)
            messages.success(request, "Registration closed." if action == "close" else "Registration reopened.")
            return redirect(back)
        registration_id = parse_int(request.POST.get("registration", ""), low=1)
        if registration_id is None:
            raise RegistrationError("registration_not_found")
        if not Registration.objects.filter(pk=registration_id, lecture=lecture).exists():
            raise RegistrationError("registration_not_found")
        if action == "check_in":
            services.set_checked_in(registration_id, True)
            messages.success(request, "Checked in.")
        elif action == "undo_check_in":
            services.set_checked_in(registration_id, False)
            messages.success(request, "Check-in undone.")
        elif action == "cancel":
            promoted = services.cancel(registration_id)
            messages.success(
                request,
                f"Registration cancelled.{' One person was promoted from the waiting list.' if promoted else ''}",
            )
        else:
            messages.error(request, f"Unknown action {action[:40]!r}; nothing was changed.")
    except RegistrationError as exc:
        messages.error(request, exc.message)
    return redirect(back)


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start with these as formulas; a quote keeps them as text.
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def registrations_csv(request: HttpRequest, page_id: int) -> HttpResponse:
    """All registrations of a lecture as CSV, for the door list or the organisers' records."""
    lecture = _editable_lecture(request, page_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registrations-{lecture.slug}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for registration in Registration.objects.filter(lecture=lecture).order_by("status", "waiting_since", "pk"):
        writer.writerow([_csv_cell(getattr(registration, column)) for column in CSV_COLUMNS])
    return response


def email_registrants(request: HttpRequest, page_id: int) -> HttpResponse:
    """A form to email everyone registered (or the waiting list); sent in the background."""
    lecture = _editable_lecture(request, page_id)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        announcement = services.email_registrants(
            lecture.pk,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            audience=form.cleaned_data["audience"],
            user=request.user,
        )
        messages.success(request, f"Your message is on its way to {announcement.recipient_count} people.")
        return redirect("lectures_admin:registrations", lecture.pk)
    return TemplateResponse(
        request,
        "lectures/admin/email.html",
        {
            "lecture": lecture,
            "form": form,
            "counts": counts(lecture),
            "page_title": f"Email registrants: {lecture.title}",
            "header_icon": "mail",
        },
        status=400 if form.errors else 200,
    )
