"""Fixtures of the usage tests: a fresh in-process queue for every test."""

import pytest

from usage import counting, recorder

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


@pytest.fixture(autouse=True)
def fresh_queue():
    """Each test starts with an empty queue built from its own settings (USAGE_QUEUE_MAX)."""
    recorder._state.pid = None
    counting.forget()
    yield
    recorder._state.pid = None
    counting.forget()
