"""HTML form validation only."""

from __future__ import annotations

from django import forms

# A CSV upload is a day's or a week's records for one provider; anything bigger belongs in the API.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class AttendanceCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: external_id, visit, worker, check_in, check_out, method, exception_code. "
        "Times are local (Europe/London), e.g. 2025-09-08T09:05.",
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: send it through the API instead.")
        return f
