"""HTML form validation only."""

from __future__ import annotations

from django import forms
from django.conf import settings

from rota.models import Shift

DAY_CHOICES = [(1, "Monday"), (2, "Tuesday"), (3, "Wednesday"), (4, "Thursday"), (5, "Friday"), (6, "Saturday"),
               (7, "Sunday")]  # fmt: skip


def too_large_message(setting: str, limit: int) -> str:
    return f"The file is larger than {limit / 1024 / 1024:g} MB ({setting}): split it, or send it through the API."


class AttendanceCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: external_id, visit, worker, check_in, check_out, method, exception_code. "
        "Times are local (Europe/London), e.g. 2025-09-08T09:05.",
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        # A day's or a week's records for one provider; anything bigger belongs in the API.
        limit = settings.HOMECARE_ECM_CSV_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(too_large_message("HOMECARE_ECM_CSV_MAX_BYTES", limit))
        return f

    def refuse_file(self, message: str) -> None:
        """Show `message` beside the file field (the upload was refused before it could be read)."""
        self.is_valid()
        self.errors["file"] = self.error_class([message])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SlotForm(forms.Form):
    """A visit slot of a care plan: new, or changed from a day."""

    days = forms.TypedMultipleChoiceField(
        label="Days", choices=DAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start = forms.TimeField(label="Start time", widget=TimeInput(), help_text="For example 08:30")
    minutes = forms.IntegerField(label="Length in minutes", min_value=5, max_value=720)
    carers_required = forms.TypedChoiceField(
        label="Care workers needed", choices=[(1, "One"), (2, "Two")], coerce=int, initial=1, widget=forms.RadioSelect
    )
    time_critical = forms.BooleanField(
        label="Time-critical",
        required=False,
        help_text="For example medication at set times: the visit may start 15 minutes either side instead of 30.",
    )
    earliest = forms.TimeField(
        label="Earliest start", required=False, widget=TimeInput(), help_text="Leave empty for the usual window."
    )
    latest = forms.TimeField(
        label="Latest start", required=False, widget=TimeInput(), help_text="Leave empty for the usual window."
    )
    skills = forms.CharField(
        label="Skills needed", required=False, help_text="Separated by commas, for example: hoist, catheter care"
    )
    outside_home = forms.BooleanField(label="Outside the home (for example a trip to the shops)", required=False)
    tasks = forms.CharField(
        label="Tasks", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the care worker does, in a few words.",
    )  # fmt: skip
    team = forms.ChoiceField(label="Team", required=False, choices=())
    valid_from = forms.DateField(label="From", widget=DateInput())

    def __init__(self, *args, teams=(), from_label: str = "From", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [(str(t.pk), t.name or t.ref) for t in teams]
        self.fields["valid_from"].label = from_label
        self._teams = {str(t.pk): t for t in teams}

    def clean_skills(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["skills"].split(",") if s.strip()]

    def clean_team(self):
        value = self.cleaned_data.get("team")
        return self._teams.get(value) if value else None

    def clean(self):
        data = super().clean()
        start, lo, hi = data.get("start"), data.get("earliest"), data.get("latest")
        if start and lo and lo > start:
            self.add_error("earliest", "The earliest start must be at or before the start time.")
        if start and hi and hi < start:
            self.add_error("latest", "The latest start must be at or after the start time.")
        return data


class SlotEndForm(forms.Form):
    last_day = forms.DateField(label="Last day", widget=DateInput())


class ShiftForm(forms.Form):
    worker = forms.ChoiceField(label="Care worker", choices=())
    date = forms.DateField(label="Date", widget=DateInput())
    start = forms.TimeField(label="Start", widget=TimeInput())
    end = forms.TimeField(label="End", widget=TimeInput(), help_text="A shift ending after midnight ends the next day.")
    unpaid_break_minutes = forms.IntegerField(label="Unpaid break in minutes", min_value=0, max_value=240, initial=0)
    kind = forms.ChoiceField(label="Kind", choices=Shift.Kind.choices, initial=Shift.Kind.CARE)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [(w.ref, w.name or w.ref) for w in workers]
        self.fields["kind"].choices = [("care", "Care"), ("training", "Training"), ("meeting", "Meeting")]


class VisitTimeForm(forms.Form):
    start = forms.TimeField(label="Start", widget=TimeInput())
    minutes = forms.IntegerField(label="Length in minutes", min_value=5, max_value=720)


class NotAtHomeForm(forms.Form):
    note = forms.CharField(
        label="What happened", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: no answer at the door, rang the family, neighbour says she is at her daughter's.",
    )  # fmt: skip
