"""Test helpers for two-factor sign-in, and a pytest plugin loaded for the whole suite.

pyproject.toml loads this module with `-p tuyengiao.accounts.testing`. Its
autouse fixture makes `Client.force_login` (and pytest-django's `admin_client`)
also pass the second step, as a real sign-in followed by a code would: tests
of admin pages keep working with two-factor sign-in required. Signing in
through the login form (browser tests, the accounts tests) still meets the
second step; `totp_device_for` and `current_totp_code` let those tests enter
a valid code.
"""

from __future__ import annotations

import pytest


def totp_device_for(user):
    """The user's confirmed TOTP device, created when missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)
    return device


def current_totp_code(device, *, offset_steps: int = 0) -> str:
    """The code the authenticator app shows now (offset_steps: earlier or later 30-second windows)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_session_verified(client, user) -> None:
    """Record in the test client's session that the second step was passed with the user's device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from tuyengiao.accounts.selectors import requires_two_factor

        if requires_two_factor(user):
            mark_session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
