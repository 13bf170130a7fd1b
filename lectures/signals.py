"""Signals other apps listen to (the tagger and the search index); this app never imports them."""

from django.dispatch import Signal

# Sent after commit when a saved lecture's transcript changed: transcript_changed.send(sender=LecturePage, page=page)
transcript_changed = Signal()
