from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "Publications"

    def ready(self) -> None:
        from publications import covers, operations, receivers  # noqa: F401  (covers, receivers: connect)
        from publications.content import preload_publications
        from publications.models import PublicationPage
        from publications.services import bibtex_for_pages
        from salam.content import register_bibtex_export, register_content_type
        from salam.documents import register_document_use

        register_content_type(
            PublicationPage,
            select_related=("institution",),
            preload=preload_publications,
            embargo_field="embargo_until",
        )
        register_document_use(PublicationPage, "pdf", withheld=PublicationPage.pdf_withheld_reason)
        register_bibtex_export(bibtex_for_pages)
        _one_email_per_submission()
        operations.register()  # the periodic jobs and the demo loader, with salam, which imports no app


def _no_workflow_submitted_email(sender, **kwargs) -> None:
    """Stands in for Wagtail's "submitted to workflow" email (see below)."""


def _one_email_per_submission() -> None:
    """Moderators get one email when a page is submitted for review, not two."""
    from wagtail.models import WorkflowState
    from wagtail.signals import workflow_submitted

    # Wagtail mails superusers when a page enters a workflow and, at the same moment, mails the
    # task's group and the superusers that its group-approval task started: the second email
    # reaches everyone the first did. Taking the first receiver's dispatch_uid (wagtail.admin's
    # ready() runs after this app's) keeps Wagtail from connecting it; disconnecting first covers
    # any app order.
    uid = "workflow_state_submitted_email_notification"
    workflow_submitted.disconnect(sender=WorkflowState, dispatch_uid=uid)
    workflow_submitted.connect(_no_workflow_submitted_email, sender=WorkflowState, dispatch_uid=uid)
