"""Signal receivers of the publications app, connected in PublicationsConfig.ready()."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.documents.models import Document
from wagtail.models import Revision

from publications import services
from publications.models import PublicationIndexPage, PublicationPage


@receiver(post_save, sender=PublicationPage, dispatch_uid="publications_pdf_on_page_save")
def read_pdf_of_saved_page(sender, instance: PublicationPage, raw: bool = False, **kwargs) -> None:
    """A page row saved with a PDF (created, published, imported): make sure the PDF gets read."""
    if not raw and instance.pdf_id:
        services.request_extraction(instance.pdf_id)


@receiver(post_save, sender=Revision, dispatch_uid="publications_pdf_on_revision_save")
def read_pdf_of_saved_draft(sender, instance: Revision, created: bool, raw: bool = False, **kwargs) -> None:
    """Drafts keep their fields in the revision only, so a PDF chosen in a draft is found here."""
    if raw or not created or not isinstance(instance.content, dict):
        return
    if instance.content_type_id != ContentType.objects.get_for_model(PublicationPage).pk:
        return
    document_id = instance.content.get("pdf")
    if isinstance(document_id, int):
        services.request_extraction(document_id)


@receiver(post_save, sender=Document, dispatch_uid="publications_pdf_on_document_save")
def reread_replaced_pdf(sender, instance: Document, raw: bool = False, **kwargs) -> None:
    """A document that is some publication's PDF got a new file: read the new one."""
    if raw:
        return
    record = getattr(instance, "pdf_extraction", None) if instance.pk else None
    if record is not None and not record.describes(instance):
        services.request_extraction(instance.pk)


@receiver(post_save, sender=PublicationIndexPage, dispatch_uid="publications_configure_index")
def configure_new_index(sender, instance: PublicationIndexPage, created: bool, raw: bool = False, **kwargs) -> None:
    """A new publications index gets the Researchers/Editors permissions and the review workflow."""
    if created and not raw:
        services.configure_publication_index(instance)
