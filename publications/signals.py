"""Signals other apps listen to. Sent after the database work is committed."""

from django.dispatch import Signal

# Sent as pdf_text_extracted.send(sender=PublicationPage, page=<specific PublicationPage>) when the
# text of a publication's PDF has been read ("done"). ``page.extraction`` holds the text. A live
# page whose new PDF is only in a draft is sent as its live version; a page never published is
# sent as its latest revision. Receivers must not save ``page``.
pdf_text_extracted = Signal()

# Sent the same way when a publication's PDF could not be read ("failed": encrypted, damaged, a scan
# without text ...). ``page.extraction`` says why. The page can still be tagged from its title and
# abstract, and its editors told why the full text was not used.
pdf_extraction_failed = Signal()
