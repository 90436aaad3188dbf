"""HTML forms: they parse what was typed; the rules (ranges, dates, consent, limits) are the
services', so the screens and the API say the same thing. Fields are optional here so that every
problem, the service's included, is shown at once beside its field."""

from __future__ import annotations

from django import forms

from outcomes import labels
from outcomes.services.common import Errors

DATE_HINT = "For example, 15 3 2025 or 2025-03-15"
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: str, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=hint,
        error_messages={"invalid": "Enter a real date, like 15 March 2025."},
    )


def _score(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class ParsedForm(forms.Form):
    def errors_for_service(self) -> Errors:
        """The parse errors, for the service to add its own to (all shown together)."""
        self.is_valid()
        errors = Errors()
        for name, messages in self.errors.items():
            for m in messages:
                errors.add(name, m)
        return errors

    def value(self, name: str):
        return (getattr(self, "cleaned_data", None) or {}).get(name)

    def apply(self, exc) -> None:
        """Show a service's ValidationError beside each field (or above the form)."""
        for name, messages in exc.message_dict.items():
            for m in messages:
                if name in self.fields:
                    if m not in self.errors.get(name, []):
                        self.add_error(name, m)
                else:
                    self.add_error(None, m)


class ChangeForm(ParsedForm):
    new_weekly_hours = forms.DecimalField(
        label="New weekly hours",
        required=False,
        help_text="Planned hours of care a week from the date below, for example 10.5 (10 hours 30 minutes).",
        error_messages={"invalid": "Enter the hours as a number, like 10.5."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    effective = _date("Takes effect on", "From 7 days ago to 28 days ahead.")
    reason = forms.ChoiceField(
        label="Reason", required=False, choices=list(labels.REASONS.items()), widget=forms.RadioSelect
    )
    consent_by = forms.ChoiceField(
        label="Who agreed to the change",
        required=False,
        choices=list(labels.CONSENT_BY.items()),
        widget=forms.RadioSelect,
        help_text="The person, or their family or advocate if they lack capacity to decide.",
    )
    consent_date = _date("Date they agreed")
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you saw and discussed: the social worker reads this with the change.",
    )


class SubmitForm(forms.Form):
    """No fields: the button is the whole form."""


class DecisionForm(ParsedForm):
    decision = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=[("approved", "Approve"), ("rejected", "Reject")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to reject: the provider sees it with your decision.",
    )


class ReviewForm(ParsedForm):
    completed = _date("Date of the review", "Today, or up to 28 days ago.")
    opted_out = forms.BooleanField(
        label="The person opted out of the Outcomes Tool",
        required=False,
        help_text="Leave the scores empty if they did.",
    )
    wellbeing_independence = _score("My Well-being and Independence")
    home = _score("My Home")
    community = _score("My Community")
    progress = forms.TypedChoiceField(
        label="Does the person feel they have made progress since their last review?",
        required=False,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class AssessmentForm(ParsedForm):
    date = _date("Date of the assessment", "Today, or up to 28 days ago.")
    wellbeing_independence = _score("My Well-being and Independence")
    home = _score("My Home")
    community = _score("My Community")


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Reference or name", required=False)
    lot = forms.TypedChoiceField(
        label="Lot",
        required=False,
        choices=[("", "Any lot"), ("1", "Lot 1"), ("2", "Lot 2")],
        coerce=int,
        empty_value=None,
    )
    review_overdue = forms.BooleanField(label="Review overdue", required=False)
    change_waiting = forms.BooleanField(label="Change waiting for a decision", required=False)
    outcomes_due = forms.BooleanField(label="Outcomes Tool due within 14 days", required=False)
