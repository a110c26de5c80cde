"""Reads for the accounts app: the idle session, and two-factor sign-in (who needs it, which devices)."""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Unix time (float seconds) of the last user activity, kept in the session.
LAST_ACTIVITY_KEY = "accounts.idle.last_activity"


def timeout_seconds() -> float:
    """Idle time after which the warning shows."""
    return settings.IDLE_TIMEOUT_MINUTES * 60


def countdown_seconds() -> int:
    """How long the warning counts down before the session ends."""
    return settings.IDLE_COUNTDOWN_SECONDS


def activity_ping_seconds() -> float:
    """Least time between two activity pings from one tab: once a minute, sooner for short test timeouts."""
    return min(60.0, timeout_seconds() / 4)


def write_granularity_seconds() -> float:
    """Page views less than this apart do not rewrite the timestamp (saves a session write per request)."""
    return min(15.0, timeout_seconds() / 20)


def has_session_cookie(request) -> bool:
    """Checked before anything else so that readers without a session cost nothing."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def last_activity(session) -> float | None:
    value = session.get(LAST_ACTIVITY_KEY)
    return float(value) if value is not None else None


def idle_seconds(session, *, now: float | None = None) -> float:
    """Seconds since the last recorded activity (0 if none is recorded yet)."""
    last = last_activity(session)
    if last is None:
        return 0.0
    return max(0.0, (time.time() if now is None else now) - last)


def is_expired(session, *, now: float | None = None) -> bool:
    """Idle past the warning and its whole countdown: the server ends such a session."""
    return idle_seconds(session, now=now) > timeout_seconds() + countdown_seconds()


def warning_is_due(session, *, now: float | None = None) -> bool:
    """Idle at least until the warning: only then may the page end the session."""
    return idle_seconds(session, now=now) >= timeout_seconds()


def seconds_until_warning(session, *, now: float | None = None) -> float:
    return max(0.0, timeout_seconds() - idle_seconds(session, now=now))


def shows_idle_banner(request) -> bool:
    """Signed-in users on real pages; never anonymous readers, never inside a Wagtail preview."""
    if not has_session_cookie(request) or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def idle_state(request, *, now: float | None = None) -> dict:
    """What idle.js needs, rendered into the banner's data attributes and returned by the endpoints."""
    return {
        "authenticated": True,
        "seconds_until_warning": round(seconds_until_warning(request.session, now=now), 3),
        "timeout_seconds": round(timeout_seconds(), 3),
        "countdown_seconds": countdown_seconds(),
        "ping_seconds": round(activity_ping_seconds(), 3),
        "keepalive_url": reverse("accounts:keepalive"),
        "end_url": reverse("accounts:end"),
    }


# --- Two-factor sign-in -------------------------------------------------------------------------

# Session key: recovery codes just generated, shown once on the next page and then dropped.
NEW_RECOVERY_CODES_KEY = "accounts.2fa.new_recovery_codes"
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã khôi phục"


def requires_two_factor(user) -> bool:
    """Staff accounts must confirm a one-time code after the password.

    Staff means: Django staff or superuser, anyone holding a unit role today
    (tuyengiao.units RoleAssignment), and anyone allowed into the Wagtail admin.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    today = timezone.localdate()
    from tuyengiao.units.models import RoleAssignment

    holds_role = RoleAssignment.objects.filter(user=user, valid_from__lte=today).exclude(valid_to__lt=today).exists()
    return holds_role or user.has_perm("wagtailadmin.access_admin")


def is_verified(user) -> bool:
    """This session has passed the second step (django-otp's OTPMiddleware sets `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The device being enrolled: its secret is on screen until the user confirms a code from it."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in, in groups of four."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno, no image files)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="Mã QR để thêm tài khoản vào ứng dụng xác thực"
    )


def cool_off_seconds() -> int:
    """Longest wait after wrong passwords or codes: a cool-off, never a permanent lock."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def cool_off_has_passed(device, *, now=None) -> bool:
    """django-otp doubles the wait after each wrong code without limit; past the cool-off we start over."""
    stamp = device.throttling_failure_timestamp
    if not device.throttling_failure_count or stamp is None:
        return False
    return ((now or timezone.now()) - stamp).total_seconds() >= cool_off_seconds()


def throttle_wait_seconds(device, *, now=None) -> int:
    """Seconds before this device accepts another code after wrong ones (0 when it does now)."""
    now = now or timezone.now()
    if cool_off_has_passed(device, now=now):
        return 0
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    until = min(info["locked_until"], device.throttling_failure_timestamp + settings.AXES_COOLOFF_TIME)
    return max(1, int((until - now).total_seconds()) + 1)
