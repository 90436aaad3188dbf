from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: organisation admins invite users."""

    def is_open_for_signup(self, request) -> bool:
        return False
