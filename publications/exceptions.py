"""Everything that can go wrong with a publication, in words a researcher or editor understands."""


class PublicationError(Exception):
    """Base class: the message is shown to people as it is."""


class PdfRejected(PublicationError):
    """A file offered as a publication's PDF is not one (or is too large)."""


class NotADocument(PdfRejected):
    def __init__(self) -> None:
        super().__init__("The chosen document no longer exists. Please choose or upload the PDF again.")


class CitationUnavailable(PublicationError):
    """Citations are only offered for live, public publications."""

    def __init__(self) -> None:
        super().__init__("There is no published publication with this number.")


class ImportRowError(PublicationError):
    """One row of a bulk import could not be turned into a publication; the import carries on."""
