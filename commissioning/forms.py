from __future__ import annotations

from django import forms

from commissioning.extensions import worker_link
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
        # A care worker's login belongs to one of the provider's care worker records: ask which.
        link = worker_link()
        choices = link.choices(organisation) if link is not None and organisation.is_provider else []
        if choices:
            self.fields["worker"] = forms.ChoiceField(
                label="Care worker record",
                required=False,
                choices=[("", "Not a care worker")] + choices,
                help_text="For a care worker: which of your care workers this login is. They then see their own rota.",
            )

    def clean(self):
        data = super().clean()
        if "worker" in self.fields:
            is_carer = Role.CARE_WORKER in (data.get("roles") or [])
            if is_carer and not data.get("worker"):
                self.add_error("worker", "Choose the care worker this login belongs to.")
            if data.get("worker") and not is_carer:
                self.add_error("worker", "Only a care worker's login is linked to a care worker record.")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What the token is for, e.g. 'ECM nightly upload'.")
