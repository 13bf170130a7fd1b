"""What can go wrong when tagging pages, in words an editor understands."""


class TaggingError(Exception):
    """Base class: the message is meant to be shown to the person who asked."""


class UnknownFamily(TaggingError):
    def __init__(self, family: str) -> None:
        super().__init__(f"“{family}” is not a kind of tag; use country, theme or gcm_objective.")
        self.family = family


class UnknownLabel(TaggingError):
    def __init__(self, family: str, code: str) -> None:
        super().__init__(f"There is no {family.replace('_', ' ')} with the code “{code}” in the taxonomy.")
        self.family = family
        self.code = code


class NotTaggable(TaggingError):
    def __init__(self, page_id: int) -> None:
        super().__init__(f"Page {page_id} does not exist or is not a kind of page that carries tags.")
        self.page_id = page_id
