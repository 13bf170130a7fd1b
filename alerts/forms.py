"""The public subscription form: an address, a frequency, and the search (hidden fields)."""

from __future__ import annotations

from django import forms

from alerts.models import Frequency
from alerts.searches import alert_params
from search.exceptions import InvalidSearchParameter
from search.params import SearchParams

HONEYPOT_FIELD = "website"


class SubscriptionForm(forms.Form):
    """Email me new results of this search, daily or weekly."""

    email = forms.EmailField(
        max_length=254,
        label="Your email address",
        help_text="We send a link to confirm the alert first; nothing else is sent until you follow it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please give your email address.",
            "invalid": "Enter a valid email address, like name@example.org.",
        },
    )
    frequency = forms.ChoiceField(
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        label="How often",
        error_messages={
            "required": "Please choose daily or weekly.",
            "invalid_choice": "Please choose daily or weekly.",
        },
    )
    # A field people never see: bots that fill in every input give themselves away.
    website = forms.CharField(required=False, label="Leave this field empty", max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_params: SearchParams | None = None

    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            # Strict: a tampered hidden field is refused with its reason rather than silently widened.
            self.search_params = alert_params(self.data, strict=True)
        except InvalidSearchParameter as exc:
            raise forms.ValidationError(f"This search cannot be saved: {exc.message}") from exc
        return cleaned
