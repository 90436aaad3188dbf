"""Expectations for allauth's account pages (/accounts/): login, logout, password, email, two-factor.

They are public by design where a visitor needs them (log in, reset a password, confirm an email),
and need a login where they are about the account. Logged-in users opening the login or sign-up page
are sent on. Every persona's session in the scenario has TOTP set up and a code entered just now.
Bodies are checked like every other page's: an account page shows nothing of anyone else."""

from __future__ import annotations

from tests.matrix._personas import ANONYMOUS, LOGGED_IN

EVERYONE = LOGGED_IN | {ANONYMOUS}
PAGE = {"allowed": EVERYONE, "ok": {200, 302}}
ACCOUNT_PAGE = {"allowed": LOGGED_IN, "ok": {200, 302}}
# Pages about an authenticator the user may not have (recovery codes; TOTP when nobody has it in the
# matrix's second pass): 404 then.
AUTHENTICATOR_PAGE = {"allowed": LOGGED_IN, "ok": {200, 302, 404}}

EXPECTATIONS: dict = {
    "account_login": PAGE,
    "account_logout": PAGE,
    "account_inactive": PAGE,
    "account_signup": PAGE,
    "account_email_verification_sent": PAGE,
    "account_reset_password": PAGE,
    "account_reset_password_done": PAGE,
    "account_reset_password_from_key_done": PAGE,
    "account_confirm_login_code": ACCOUNT_PAGE,  # login by code is off: a visitor is sent to log in
    "account_confirm_email": {**PAGE, "kwargs": lambda fx: {"key": "not-a-real-key"}},
    "account_reset_password_from_key": {**PAGE, "kwargs": lambda fx: {"uidb36": "1", "key": "not-a-real-key"}},
    "account_reauthenticate": ACCOUNT_PAGE,
    "account_email": ACCOUNT_PAGE,
    "account_change_password": ACCOUNT_PAGE,
    "account_set_password": ACCOUNT_PAGE,
    "mfa_index": ACCOUNT_PAGE,
    "mfa_authenticate": ACCOUNT_PAGE,  # the login's second step: a visitor not half-way is sent to log in
    "mfa_reauthenticate": ACCOUNT_PAGE,
    "mfa_activate_totp": ACCOUNT_PAGE,
    "mfa_deactivate_totp": AUTHENTICATOR_PAGE,
    "mfa_view_recovery_codes": AUTHENTICATOR_PAGE,
    "mfa_generate_recovery_codes": AUTHENTICATOR_PAGE,
    "mfa_download_recovery_codes": AUTHENTICATOR_PAGE,
}
