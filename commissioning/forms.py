from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from commissioning.models import ApiToken, Organisation, Role
from commissioning.services import TOKEN_DEFAULT_DAYS, roles_for


class InviteForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email address", help_text="The invitation is sent to this address.")
    roles = forms.MultipleChoiceField(label="Roles", widget=forms.CheckboxSelectMultiple, choices=())
    is_org_admin = forms.BooleanField(
        label="Organisation admin", required=False, help_text="Can invite users and issue API tokens."
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the roles an organisation of this kind can have (provider or commissioner roles).
        allowed = roles_for(organisation)
        self.fields["roles"].choices = [(r.value, r.label) for r in Role if r.value in allowed]


class TokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What the token is for, e.g. 'ECM nightly upload'.")
    scope = forms.ChoiceField(
        label="What it may do",
        widget=forms.RadioSelect,
        choices=[
            (ApiToken.Scope.READ, "Read only: download returns, invoices and bundles"),
            (ApiToken.Scope.WRITE, "Read and write: also import bundles, send attendances, ask for recomputations"),
        ],
        initial=ApiToken.Scope.READ,
    )
    expires = forms.DateField(
        label="Last day it works",
        help_text="For example, 31/12/2027. A year from today unless you choose otherwise.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        error_messages={"invalid": "Enter a date like 31/12/2027."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires"].initial = (timezone.localdate() + timedelta(days=TOKEN_DEFAULT_DAYS)).strftime(
            "%d/%m/%Y"
        )

    def clean_expires(self):
        expires = self.cleaned_data["expires"]
        if expires < timezone.localdate():
            raise forms.ValidationError("The last day must be today or later.")
        return expires
