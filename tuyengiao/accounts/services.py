"""Writes for the accounts app: the idle session, two-factor sign-in, and the account events of the audit log."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from . import selectors

EXPIRED_MESSAGE = "Phiên đăng nhập đã hết do lâu không sử dụng."


def record_activity(request, *, now: float | None = None, force: bool = False) -> None:
    """Restart the idle timer of a signed-in user's session.

    Without `force`, a timestamp younger than the write granularity is kept,
    so a burst of page views costs one session write, not one each.
    """
    now = time.time() if now is None else now
    last = selectors.last_activity(request.session)
    if force or last is None or now - last >= selectors.write_granularity_seconds():
        request.session[selectors.LAST_ACTIVITY_KEY] = now


def end_idle_session(request) -> None:
    """Sign the user out (Django's logout: signal, session flushed, request.user anonymous)."""
    request.logout_reason = "idle"
    logout(request)


def notify_idle_logout(request) -> None:
    """Tell the user on the next page why they were signed out."""
    messages.warning(request, EXPIRED_MESSAGE, fail_silently=True)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Signing in is activity: the idle timer starts with the new session."""
    if request is not None and hasattr(request, "session"):
        record_activity(request, force=True)


# --- Account events in the audit log (Wagtail's ModelLogEntry on the user) ----------------------

LOGIN = "accounts.login"
LOGOUT = "accounts.logout"
LOGIN_FAILED = "accounts.login_failed"
LOCKED_OUT = "accounts.locked_out"
TWO_FACTOR_ENROLLED = "accounts.2fa_enrolled"
TWO_FACTOR_VERIFIED = "accounts.2fa_verified"
TWO_FACTOR_FAILED = "accounts.2fa_failed"
RECOVERY_CODE_USED = "accounts.recovery_code_used"
RECOVERY_CODES_CREATED = "accounts.recovery_codes_created"
TWO_FACTOR_RESET = "accounts.2fa_reset"
# Failed sign-ins for a name no account has are logged against the user model with this id.
UNKNOWN_ACCOUNT_ID = "0"


def _unwrapped(user):
    """request.user is a lazy wrapper; Wagtail picks the log model from the object's real type."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def account_event_log(*, account, action: str, actor=None, data: dict | None = None) -> None:
    """One audit entry about an account; the request's address and browser are added by tuyengiao.audit."""
    log(instance=_unwrapped(account), action=action, user=_unwrapped(actor) if actor else None, data=data or {})


def unknown_account_event_log(*, username: str, action: str, data: dict | None = None) -> None:
    ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=UNKNOWN_ACCOUNT_ID,
        label=username[:255] or "—",
        action=action,
        timestamp=timezone.now(),
        data={"username": username[:150], **(data or {})},
    )


def on_user_logged_in_audit(sender, request, user, **kwargs) -> None:
    account_event_log(account=user, action=LOGIN, actor=user)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, "logout_reason", "") if request is not None else ""
    account_event_log(account=user, action=LOGOUT, actor=user, data={"reason": reason} if reason else None)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    locked = bool(getattr(request, "axes_locked_out", False))
    data = {"locked_out": True} if locked else None
    if account is None:
        unknown_account_event_log(username=username, action=LOGIN_FAILED, data=data)
    else:
        account_event_log(account=account, action=LOGIN_FAILED, data=data)


def on_user_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username or ""}).first()
    if account is None:
        unknown_account_event_log(username=username or "", action=LOCKED_OUT)
    else:
        account_event_log(account=account, action=LOCKED_OUT)


# --- Two-factor sign-in (django-otp: TOTP app + single-use recovery codes) -----------------------

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass
class VerifyResult:
    ok: bool
    wait_seconds: int = 0  # the device refuses codes for this long after wrong ones
    used_recovery_code: bool = False
    recovery_codes_left: int = 0


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").lower() if ch.isalnum())


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (the same one on reload)."""
    device = selectors.pending_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=selectors.TOTP_DEVICE_NAME, confirmed=False)
    return device


def recovery_codes_create(*, user) -> list[str]:
    """Replace the user's recovery codes by ten new single-use ones; returns them for showing once."""
    codes = ["".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device = selectors.recovery_device(user)
        if device is None:
            device = StaticDevice.objects.create(user=user, name=selectors.RECOVERY_DEVICE_NAME, confirmed=True)
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset()
        account_event_log(account=user, action=RECOVERY_CODES_CREATED, actor=user)
    return [format_recovery_code(code) for code in codes]


def _checked(device, code: str) -> tuple[bool, int]:
    """Verify one code on a locked device row, honouring the capped throttle: (accepted, wait)."""
    if selectors.cool_off_has_passed(device):
        device.throttle_reset()
    wait = selectors.throttle_wait_seconds(device)
    if wait:
        return False, wait
    return device.verify_token(code), 0


def _second_step_passed(request, device) -> None:
    """Mark the session verified, under a new session key (as Django does at the password step)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def totp_enrolment_confirm(*, request, code: str) -> VerifyResult:
    """First code from the new app: the device is confirmed, recovery codes made, this session verified."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            return VerifyResult(ok=False)
        accepted, wait = _checked(device, normalize_code(code))
        if not accepted:
            if not wait:
                account_event_log(account=user, action=TWO_FACTOR_FAILED, actor=user, data={"step": "enrolment"})
            return VerifyResult(ok=False, wait_seconds=wait)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        account_event_log(account=user, action=TWO_FACTOR_ENROLLED, actor=user)
        codes = recovery_codes_create(user=user)
    _second_step_passed(request, device)
    request.session[selectors.NEW_RECOVERY_CODES_KEY] = codes
    return VerifyResult(ok=True, recovery_codes_left=len(codes))


def two_factor_verify(*, request, code: str) -> VerifyResult:
    """Second step of signing in: a code from the app (6 digits) or one recovery code (used up)."""
    user = request.user
    code = normalize_code(code)
    use_recovery = not (code.isdigit() and len(code) == 6)
    model = StaticDevice if use_recovery else TOTPDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        accepted, wait = _checked(device, code) if device is not None and code else (False, 0)
        if not accepted:
            if not wait:
                account_event_log(
                    account=user,
                    action=TWO_FACTOR_FAILED,
                    actor=user,
                    data={"step": "recovery_code" if use_recovery else "totp"},
                )
            return VerifyResult(ok=False, wait_seconds=wait, used_recovery_code=use_recovery)
        left = device.token_set.count() if use_recovery else 0
        if use_recovery:
            account_event_log(account=user, action=RECOVERY_CODE_USED, actor=user, data={"left": left})
        else:
            account_event_log(account=user, action=TWO_FACTOR_VERIFIED, actor=user)
    _second_step_passed(request, device)
    return VerifyResult(ok=True, used_recovery_code=use_recovery, recovery_codes_left=left)


def two_factor_reset(*, user, actor=None) -> None:
    """Lost phone: remove the user's devices and codes; the next sign-in starts enrolment again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        account_event_log(account=user, action=TWO_FACTOR_RESET, actor=actor)
