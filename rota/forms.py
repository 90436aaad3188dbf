"""HTML form validation only."""

from __future__ import annotations

from django import forms
from django.conf import settings


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
