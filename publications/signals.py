"""Signals other apps listen to. Sent after the database work is committed."""

from django.dispatch import Signal

# Sent as pdf_text_extracted.send(sender=PublicationPage, page=<specific PublicationPage>) when the
# text of a publication's PDF has been read ("done"). ``page.extraction`` holds the text. A live
# page whose new PDF is only in a draft is sent as its live version; a page never published is
# sent as its latest revision. Receivers must not save ``page``.
pdf_text_extracted = Signal()
