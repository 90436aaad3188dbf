"""The referral queue in the navigation."""

from commissioning.models import Role
from homecare import navigation

navigation.register(
    "Referrals",
    "referrals:list",
    {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_MANAGER, Role.COORDINATOR},
)
