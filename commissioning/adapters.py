from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.models import EmailAddress


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: organisation admins invite users."""

    def is_open_for_signup(self, request) -> bool:
        return False


class ResetPasswordKeyVerifiesEmailForm(ResetPasswordKeyForm):
    """Setting a password from an emailed link proves the user reads that mailbox, so an invitee
    is not sent a second, verification email on their first login."""

    def save(self) -> None:
        super().save()
        EmailAddress.objects.filter(user=self.user, email__iexact=self.user.email).update(verified=True)
