"""Property-based tests (hypothesis, derandomized) of the lecture registration form: any input, no crash."""

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lectures.forms import RegistrationForm

pytestmark = pytest.mark.django_db

SEEDED = settings(
    max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
FIELDS = ["name", "email", "organisation", "country", "role", "accessibility_needs", "wants_recording_notice"]
TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "Asha Gurung", "asha@example.org", "NP", "researcher", "on", "x" * 3000, "\x00"]),
    st.emails().map(str),
)


@SEEDED
@given(st.dictionaries(st.sampled_from(FIELDS), TEXT), st.sampled_from([None, "on", "", "false"]), TEXT)
def test_any_input_is_judged_without_crashing(fields, consent, honeypot):
    data = QueryDict(mutable=True)
    data.update(fields)
    if consent is not None:
        data["consent"] = consent
    data["website"] = honeypot
    form = RegistrationForm(data)
    valid = form.is_valid()
    if valid:
        details = form.details()
        assert details.name and details.name == " ".join(details.name.split())
        assert "@" in details.email and details.consent is True
        assert len(details.accessibility_needs) <= 2000
    else:
        # Every refusal says why, next to the field at fault.
        assert all(form.errors[name] for name in form.errors)
    if not consent or consent == "false":
        assert not valid and "consent" in form.errors
    assert form.honeypot_filled() == bool(honeypot.strip())
