"""Researchers write and submit, Editors review and publish, through Wagtail's own admin views."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Page, WorkflowPage

from publications.models import PublicationPage
from publications.services import EDITORS, RESEARCHERS, REVIEW_WORKFLOW
from tests.factories.publications import form_errors, make_publication, page_form


def make_user(username: str, group: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-for-tests-only")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db):
    return {
        "ana": make_user("ana", RESEARCHERS),
        "ben": make_user("ben", RESEARCHERS),
        "eli": make_user("eli", EDITORS),
    }


def add_url(index) -> str:
    return reverse("wagtailadmin_pages:add", args=["publications", "publicationpage", index.pk])


def new_publication_data(client, index, author, *, title: str, action: str | None) -> dict:
    return page_form(
        client,
        add_url(index),
        {
            "title": title,
            "slug": slugify(title),
            "abstract": "What recruitment agencies charge workers from Nepal.",
            "publication_type": "policy_brief",
            "publication_authors-0-author": author.pk,
        },
        action=action,
    )


@pytest.mark.django_db
class TestReviewWorkflow:
    def test_the_migration_set_up_groups_and_the_workflow(self, index):
        researchers = Group.objects.get(name=RESEARCHERS)
        assert researchers.permissions.filter(codename="access_admin").exists()
        assert researchers.permissions.filter(codename="add_author").exists()
        assert WorkflowPage.objects.get(page=index).workflow.name == REVIEW_WORKFLOW
        task = WorkflowPage.objects.get(page=index).workflow.tasks.get().specific
        assert list(task.groups.values_list("name", flat=True)) == [EDITORS]
        perms = {
            (p.group.name, p.permission.codename) for p in index.group_permissions.select_related("group", "permission")
        }
        assert (RESEARCHERS, "add_page") in perms
        assert (RESEARCHERS, "publish_page") not in perms
        assert (EDITORS, "publish_page") in perms

    def test_a_draft_goes_through_review_to_live(self, client, index, author, people):
        client.force_login(people["ana"])
        data = new_publication_data(client, index, author, title="Fees in Kathmandu", action="action-submit")
        response = client.post(add_url(index), data)
        assert response.status_code == 302, form_errors(response)
        page = PublicationPage.objects.get(title="Fees in Kathmandu")
        assert page.owner == people["ana"]
        assert not page.live
        state = page.current_workflow_state
        assert state is not None and state.workflow.name == REVIEW_WORKFLOW
        # The editor is told by email that something waits for review.
        assert any("eli@example.org" in message.to for message in mail.outbox)
        client.logout()
        assert client.get(page.url).status_code == 404  # not live yet

        mail.outbox.clear()
        client.force_login(people["eli"])
        task_state = page.current_workflow_task_state
        approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
        response = client.post(approve, {"comment": "Clear and well sourced."})
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.live
        assert page.current_workflow_state is None
        assert any("ana@example.org" in message.to for message in mail.outbox)
        client.logout()
        assert client.get(page.url).status_code == 200

    def test_a_researcher_cannot_publish_directly(self, client, index, author, people):
        client.force_login(people["ana"])
        data = new_publication_data(client, index, author, title="Straight to live?", action="action-publish")
        client.post(add_url(index), data)
        page = PublicationPage.objects.get(title="Straight to live?")
        assert not page.live
        assert not page.permissions_for_user(people["ana"]).can_publish()
        assert page.permissions_for_user(people["eli"]).can_publish()

    def test_a_researcher_edits_only_their_own_publications(self, client, index, author, people):
        page = make_publication(index, title="Ana's brief", owner=people["ana"], live=False, authors=[author])
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        client.force_login(people["ana"])
        assert client.get(edit_url).status_code == 200
        client.force_login(people["ben"])
        assert client.get(edit_url).status_code in (302, 403)
        data = page_form_for_owner(client, people["ana"], edit_url)
        client.force_login(people["ben"])
        data["title"] = ["Ben was here"]
        assert client.post(edit_url, data).status_code in (302, 403)
        assert Page.objects.get(pk=page.pk).get_latest_revision_as_object().title == "Ana's brief"

    @pytest.mark.parametrize(
        "chooser",
        [
            "wagtaildocs_chooser:choose",
            "wagtailsnippetchoosers_publications_author:choose",
            "wagtailsnippetchoosers_themes_country:choose",
            "wagtailsnippetchoosers_themes_theme:choose",
            "wagtailsnippetchoosers_themes_gcmobjective:choose",
            "wagtailsnippetchoosers_salam_partnerinstitute:choose",
        ],
    )
    def test_researchers_can_use_the_choosers_of_the_form(self, client, people, chooser):
        client.force_login(people["ana"])
        assert client.get(reverse(chooser)).status_code == 200

    def test_researchers_cannot_add_pages_elsewhere(self, client, site_root, people):
        client.force_login(people["ana"])
        url = reverse("wagtailadmin_pages:add", args=["salam", "standardpage", site_root.pk])
        assert client.get(url).status_code in (302, 403)


def page_form_for_owner(client, owner, edit_url) -> dict:
    client.force_login(owner)
    return page_form(client, edit_url, {})
