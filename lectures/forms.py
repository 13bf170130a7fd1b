"""Forms: the public registration form, the lecture list's filters and the organisers' message form."""

import copy

import pycountry
from django import forms
from django.conf import settings

from lectures.models import LectureAnnouncement, LectureSeries, Role
from lectures.services import RegistrantDetails
from themes.models import Country, Theme

HONEYPOT_FIELD = "website"


def _country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries by their common name, for the registration form."""
    countries = sorted(
        ((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries), key=lambda item: item[1]
    )
    return [("", "Prefer not to say"), *countries]


class SharedChoicesSelect(forms.Select):
    """A select with a long, flat list of choices that every copy shares (Django copies them for each form).

    Its options are written inline: Django's own select renders each option through a template of
    its own, which for the ~250 countries took half of the lecture page's time.
    """

    template_name = "lectures/widgets/long_select.html"

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.attrs = self.attrs.copy()
        memo[id(self)] = copied
        return copied


class SharedChoiceField(forms.ChoiceField):
    """A choice field with a long, fixed list: each form shares the list instead of deep-copying it."""

    widget = SharedChoicesSelect

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


def consent_text(days: int | None = None) -> str:
    """What a registrant agrees to, with the real retention period (LECTURE_PERSONAL_DATA_RETENTION_DAYS)."""
    days = settings.LECTURE_PERSONAL_DATA_RETENTION_DAYS if days is None else days
    when = "after the lecture" if days <= 0 else f"{days} day{'s' if days != 1 else ''} after the lecture"
    return f"I agree that SALAM stores these details to manage my registration and deletes them {when}."


class RegistrationForm(forms.Form):
    """A place at a lecture: who you are, how to reach you, and your consent."""

    name = forms.CharField(
        max_length=200,
        label="Full name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Please give your name."},
    )
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        help_text="We send your confirmation and calendar invitation here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please give your email address.",
            "invalid": "Enter a valid email address, like name@example.org.",
        },
    )
    organisation = forms.CharField(
        max_length=200,
        required=False,
        label="Organisation (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = SharedChoiceField(choices=_country_choices(), required=False, label="Country you work in (optional)")
    role = forms.ChoiceField(
        choices=[("", "Choose one"), *Role.choices],
        label="Which best describes you?",
        error_messages={"required": "Please choose what best describes you."},
    )
    accessibility_needs = forms.CharField(
        max_length=2000,
        required=False,
        label="Accessibility needs (optional)",
        help_text="For example step-free access, sign language interpretation or captions.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants_recording_notice = forms.BooleanField(required=False, label="Email me when the recording is online")
    consent = forms.BooleanField(
        required=True,
        label="",  # set in __init__: it states the retention period configured now
        error_messages={"required": "Please agree to the use of your details; we cannot register you without it."},
    )
    # A field people never see: bots that fill in every input give themselves away.
    website = forms.CharField(required=False, label="Leave this field empty", max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text()

    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return name

    def details(self) -> RegistrantDetails:
        data = self.cleaned_data
        return RegistrantDetails(
            name=data["name"],
            email=data["email"],
            organisation=data.get("organisation", ""),
            country=data.get("country", ""),
            role=data["role"],
            accessibility_needs=data.get("accessibility_needs", ""),
            wants_recording_notice=data.get("wants_recording_notice", False),
            consent=data["consent"],
        )


class UpperCaseModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(value.upper() if isinstance(value, str) else value)


class LectureFilterForm(forms.Form):
    """Filters of the lecture list; unknown values are reported and ignored, never an error page."""

    theme = forms.ModelChoiceField(
        Theme.objects.all(), to_field_name="slug", required=False, empty_label="All themes",
        error_messages={"invalid_choice": "We do not know that theme, so all themes are shown."},
    )  # fmt: skip
    country = UpperCaseModelChoiceField(
        Country.objects.all(), to_field_name="alpha2", required=False, empty_label="All countries",
        error_messages={"invalid_choice": "We do not know that country, so all countries are shown."},
    )  # fmt: skip
    series = forms.ModelChoiceField(
        LectureSeries.objects.all(), to_field_name="slug", required=False, empty_label="All series",
        error_messages={"invalid_choice": "We do not know that series, so all series are shown."},
    )  # fmt: skip
    year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None,
        error_messages={"invalid_choice": "There are no lectures in that year, so all years are shown."},
    )  # fmt: skip

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [(str(year), str(year)) for year in years]

    def valid_filters(self) -> dict:
        """The filters that parsed; bad ones are left out (their errors explain why)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class AnnouncementForm(forms.ModelForm):
    """The organisers' message to a lecture's registrants."""

    class Meta:
        model = LectureAnnouncement
        fields = ["audience", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"body": "Plain text. Blank lines separate paragraphs. A cancel link is added to every email."}
