from __future__ import annotations

from django import forms

from commissioning.models import Organisation, Role
from commissioning.services import roles_for


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
