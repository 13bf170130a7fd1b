"""What can go wrong in search, each with a message a visitor or an API client can read."""


class SearchError(Exception):
    """Base class of the search app's domain errors."""

    message = "Search failed."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class SearchUnavailable(SearchError):
    """Elasticsearch cannot be reached or answered with an error; the site stays up without it."""

    message = (
        "Search is temporarily unavailable. Please try again in a few minutes, "
        "or browse by theme, country or GCM objective."
    )


class SearchRejected(SearchError):
    """Elasticsearch refused the request as malformed (a 4xx): the visitor's input, not an outage."""

    message = "This search could not be run as written. Please simplify it (fewer quotes, brackets or operators)."


def search_error(exc: Exception) -> SearchError:
    """The domain error for an Elasticsearch failure: a refusal of the request (4xx) or an outage."""
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "meta", None), "status", None)
    if isinstance(status, int) and 400 <= status < 500 and status not in (404, 408, 429):
        return SearchRejected()
    return SearchUnavailable()


class InvalidSearchParameter(SearchError):
    """A query-string parameter the API cannot accept (the search page ignores these instead)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


class IndexMissing(SearchError):
    """The alias has no index behind it yet (run `manage.py search_index --rebuild`)."""

    message = "The search index has not been built yet. Run `manage.py search_index --rebuild`."


class RebuildIncomplete(SearchError):
    """A rebuild's new index lacks documents (lost by a node, or refused twice): not swapped in, the old one serves."""

    message = (
        "The rebuild was abandoned: the new index lost documents while a node was down. "
        "The old index still serves searches; run `manage.py search_index --rebuild` again."
    )
