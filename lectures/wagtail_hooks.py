"""Lectures in the Wagtail admin: snippets, a registrations menu, and buttons on lecture pages."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lectures import admin_views
from lectures.models import LecturePage, LectureSeries, Speaker


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    list_display = ["name", "affiliation"]


class LectureSeriesViewSet(SnippetViewSet):
    model = LectureSeries
    icon = "list-ul"
    list_display = ["name", "slug"]


class LectureSnippets(SnippetViewSetGroup):
    menu_label = "Lecture people"
    menu_icon = "user"
    menu_order = 310
    items = (SpeakerViewSet, LectureSeriesViewSet)


register_snippet(LectureSnippets)

admin_patterns = (
    [
        path("", admin_views.lecture_overview, name="overview"),
        path("<int:page_id>/registrations/", admin_views.registrations, name="registrations"),
        path("<int:page_id>/registrations/action/", admin_views.registration_action, name="action"),
        path("<int:page_id>/registrations.csv", admin_views.registrations_csv, name="csv"),
        path("<int:page_id>/email/", admin_views.email_registrants, name="email"),
    ],
    "lectures_admin",
)


@hooks.register("register_admin_urls")
def register_lecture_admin_urls():
    return [path("lectures/", include(admin_patterns))]


class RegistrationsMenuItem(MenuItem):
    """Shown only to people who may edit some lecture: for anyone else the screen is empty."""

    def is_shown(self, request) -> bool:
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(request.user, ["change"])
        return editable.type(LecturePage).exists()


@hooks.register("register_admin_menu_item")
def register_registrations_menu_item():
    return RegistrationsMenuItem(
        "Lecture registrations", reverse("lectures_admin:overview"), icon_name="group", order=305
    )


def _registrations_button(page, user, priority: int):
    if page.specific_class is LecturePage and page.permissions_for_user(user).can_edit():
        yield Button(
            "Registrations",
            reverse("lectures_admin:registrations", args=[page.pk]),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def lecture_header_buttons(page, user, view_name=None, next_url=None):
    yield from _registrations_button(page, user, 25)


@hooks.register("register_page_listing_more_buttons")
def lecture_listing_buttons(page, user, next_url=None):
    yield from _registrations_button(page, user, 25)
