"""Words for the bundle's codes, as an assessor or social worker would say them."""

from __future__ import annotations

REASONS = {
    "increase_need": "Increased need",
    "rehabilitation": "Rehabilitation",
    "enablement": "Enablement",
    "community_connection": "Community connections",
    "right_sizing": "Right-sizing (no more and no less than needed)",
    "other": "Other",
}
CONSENT_BY = {"person": "The person", "advocate": "Their advocate", "family": "Their family"}
BY = {"provider": "Provider (trusted assessor)", "social_worker": "Social worker"}
BY_SHORT = {"provider": "by the provider", "social_worker": "by a social worker"}
REVIEW_KINDS = {"provider": "Provider-led review", "social_worker": "Social worker review"}
DOMAINS = (
    ("wellbeing_independence", "My Well-being and Independence"),
    ("home", "My Home"),
    ("community", "My Community"),
)


def reason(code: str | None) -> str:
    return REASONS.get(code or "", code or "")


def consent_by(code: str | None) -> str:
    return CONSENT_BY.get(code or "", "Not recorded")
