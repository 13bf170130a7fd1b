"""Rules editors rely on in the admin: one email per submission, one author per ORCID iD."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from publications.models import Author
from publications.services import EDITORS, RESEARCHERS
from tests.factories.publications import AuthorFactory, form_errors
from tests.publications.test_admin_wording import make_user, submit


@pytest.mark.django_db
def test_each_moderator_gets_one_email_per_submission(client, index, author):
    researcher = make_user("ana", RESEARCHERS)
    editor = make_user("eli", EDITORS)
    boss = make_user("boss", EDITORS, superuser=True)
    root = make_user("root", superuser=True)
    mail.outbox.clear()
    submit(client, index, author, researcher)
    received = [address for message in mail.outbox for address in message.to]
    for moderator in (editor, boss, root):
        assert received.count(moderator.email) == 1, (moderator.username, [m.subject for m in mail.outbox])


@pytest.mark.django_db
class TestOrcid:
    def test_a_duplicate_orcid_is_refused_with_a_clear_message(self, client, author):
        client.force_login(make_user("root", superuser=True))
        response = client.post(
            reverse("wagtailsnippets_publications_author:add"),
            {"name": "A. Sharma", "affiliation": "", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        )
        assert response.status_code == 200
        errors = form_errors(response)
        assert "Anjali Sharma (Centre for Labour Mobility Research) already has the ORCID iD" in errors, errors
        assert Author.objects.filter(orcid="0000-0002-1825-0097").count() == 1

    def test_editing_the_author_itself_is_not_a_duplicate(self, author):
        author.full_clean()

    def test_the_database_refuses_it_too(self, author):
        with pytest.raises(IntegrityError), transaction.atomic():
            AuthorFactory(name="Someone else", orcid=author.orcid)
        AuthorFactory(name="No iD", orcid="")
        AuthorFactory(name="No iD either", orcid="")

    def test_clean_names_the_other_author(self, author):
        with pytest.raises(ValidationError) as error:
            Author(name="Copy", orcid="0000 0002 1825 0097").full_clean()
        assert "Anjali Sharma" in error.value.message_dict["orcid"][0]
