"""What researchers and editors read in the admin: labels, one name for the review, honest messages."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowPage

from publications.models import PublicationPage
from publications.services import EDITORS, RESEARCHERS, REVIEW_WORKFLOW
from tests.factories.publications import form_errors, page_form
from tests.publications.test_workflow import add_url, new_publication_data


def make_user(username: str, group: str | None = None, *, superuser: bool = False):
    users = get_user_model().objects
    make = users.create_superuser if superuser else users.create_user
    user = make(username, f"{username}@example.org", "pw-for-tests-only")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def submit(client, index, author, researcher) -> PublicationPage:
    """A researcher creates a publication and submits it for review, through the admin."""
    client.force_login(researcher)
    data = new_publication_data(client, index, author, title="Fees in Kathmandu", action="action-submit")
    response = client.post(add_url(index), data)
    assert response.status_code == 302, form_errors(response)
    return PublicationPage.objects.get(title="Fees in Kathmandu")


@pytest.mark.django_db
class TestLabels:
    def test_keywords_and_authors_are_named_as_on_the_page(self, client, index):
        client.force_login(make_user("root", superuser=True))
        html = client.get(add_url(index)).content.decode()
        assert '<label class="w-field__label" for="id_keywords"' in html
        label = html.split('for="id_keywords"', 1)[1].split("</label>", 1)[0]
        assert "Keywords" in label and "Tags" not in label
        assert "Add author" in html and "Add Authors" not in html

    def test_the_review_has_one_name(self, index):
        workflow = WorkflowPage.objects.get(page=index).workflow
        assert workflow.name == REVIEW_WORKFLOW
        assert [task.name for task in workflow.tasks.all()] == [REVIEW_WORKFLOW]


@pytest.mark.django_db
class TestReview:
    def test_approve_and_publish_says_published(self, client, index, author):
        page = submit(client, index, author, make_user("ana", RESEARCHERS))
        client.force_login(make_user("eli", EDITORS))
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        data = page_form(client, edit_url, {"workflow-action-name": "approve"}, action="action-workflow-action")
        response = client.post(edit_url, data, follow=True)
        page.refresh_from_db()
        assert page.live
        text = [str(message).strip() for message in response.context["messages"]]
        assert "Page 'Fees in Kathmandu' has been approved and published." in text, text
        assert not any("updated" in message for message in text), text
