"""HTML forms of the referral workflow: they parse what people type; the services decide the rest."""

from __future__ import annotations

from django import forms

from .selectors import brokering_neighbourhoods

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "input_formats": ["%Y-%m-%d"]}


class BrokerForm(forms.Form):
    person = forms.CharField(
        label="Person reference",
        max_length=100,
        help_text="Your reference for the person, for example their social care record number. "
        "The provider uses it for their record when it accepts.",
    )
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood",
        queryset=None,
        empty_label="Choose the neighbourhood",
        help_text="Where the person lives. The referral goes first to the prime provider there.",
    )
    lot = forms.TypedChoiceField(
        label="Lot", choices=[(1, "Lot 1"), (2, "Lot 2")], coerce=int, widget=forms.RadioSelect
    )
    priority = forms.BooleanField(
        label="Priority referral", required=False, help_text="Care must start within 48 hours."
    )
    authorised_delay = forms.BooleanField(
        label="Authorised delay",
        required=False,
        help_text="The start may wait: the one-working-day and 72-hour clocks do not apply.",
    )
    requested_start = forms.DateField(label="Requested start (optional)", required=False, **DATE_WIDGET)
    planned_weekly_hours = forms.DecimalField(
        label="Planned weekly hours", min_value=0, max_digits=7, decimal_places=2, help_text="For example, 7.5"
    )
    notes = forms.CharField(
        label="Notes for the provider (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = brokering_neighbourhoods(actor=actor)


class AcceptForm(forms.Form):
    start = forms.DateField(
        label="Agreed start date", help_text="The date of the first visit, agreed with the person.", **DATE_WIDGET
    )
    planned_weekly_hours = forms.DecimalField(
        label="Planned weekly hours", required=False, min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args, needs_hours: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_hours:
            del self.fields["planned_weekly_hours"]
        else:
            self.fields["planned_weekly_hours"].required = True


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you cannot take this referral",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The commissioner sees this when passing the referral to another provider.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PassOnForm(forms.Form):
    contract = forms.TypedChoiceField(label="Provider", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [
            (c.pk, f"{c.provider.name}: contract {c.ref} in {c.neighbourhood.name} ({c.get_model_display()})")
            for c in choices
        ]
        if choices:
            self.fields["contract"].initial = choices[0].pk


def apply_errors(form: forms.Form, errors: list[dict]) -> None:
    """A service's errors beside the fields they name (the rest above the form)."""
    for e in errors:
        field = e.get("path") or None
        form.add_error(field if field in form.fields else None, e["message"])
