"""Accounts middleware: the server-side idle timeout, the two-factor gate, security headers."""

from __future__ import annotations

import time

from csp.constants import HEADER as CSP_HEADER
from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

from . import activity, selectors, services


class IdleSessionMiddleware:
    """End idle sessions before the view runs and record the user's activity.

    Sits right after AuthenticationMiddleware. A request without a session
    cookie (anonymous readers) returns at once without touching the session,
    as do static and media files. For a signed-in user whose last activity is
    older than the warning time plus the countdown, the user is logged out;
    the view then runs for an anonymous user (the admin redirects to its
    login page). Otherwise, requests that follow a user action (see
    `activity.py`) restart the timer.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.asset_prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.startswith("/"))

    def __call__(self, request):
        if not selectors.has_session_cookie(request) or request.path_info.startswith(self.asset_prefixes):
            return self.get_response(request)
        if request.user.is_authenticated:
            now = time.time()
            if selectors.is_expired(request.session, now=now):
                services.end_idle_session(request)
                request.idle_session_expired = True
            elif activity.is_user_activity(request):
                services.record_activity(request, now=now)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Messages only work once MessageMiddleware (after us) has run, so the
        # notice is added here rather than in __call__.
        if getattr(request, "idle_session_expired", False):
            services.notify_idle_logout(request)
        return None


class TwoFactorMiddleware:
    """Staff must pass the second sign-in step before the session is worth anything.

    Sits after django-otp's OTPMiddleware (which tells whether this session
    is verified) and IdleSessionMiddleware. For a signed-in staff user
    (`selectors.requires_two_factor`) whose session is not verified yet:
    admin pages redirect to the code page (the first time: enrolment), except
    sign-in, sign-out, password reset and the two pages of that step; every
    other path (portal, APIs, comment posting) sees an anonymous visitor, so
    a password alone reaches no data. Readers without a session cookie pass
    at once.
    """

    ALLOWED_ADMIN_VIEWS = frozenset(
        {
            "wagtailadmin_login",
            "wagtailadmin_logout",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_sprite",
            "two_factor:verify",
            "two_factor:enrol",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            from django.urls import reverse

            self._admin_prefix = reverse("wagtailadmin_home")
        return self._admin_prefix

    def __call__(self, request):
        if (
            settings.TWO_FACTOR_REQUIRED
            and selectors.has_session_cookie(request)
            and request.user.is_authenticated
            and not selectors.is_verified(request.user)
            and selectors.requires_two_factor(request.user)
        ):
            if request.path_info.startswith(self.admin_prefix()):
                if not self._allowed_before_verification(request):
                    return self._to_second_step(request)
            else:
                from django.contrib.auth.models import AnonymousUser

                anonymous = AnonymousUser()
                request.user = anonymous

                async def auser():
                    return anonymous

                request.auser = auser
        return self.get_response(request)

    def _allowed_before_verification(self, request) -> bool:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return match.view_name in self.ALLOWED_ADMIN_VIEWS or match.view_name.startswith("wagtailadmin_password_reset")

    def _to_second_step(self, request):
        from django.http import HttpResponseRedirect
        from django.urls import reverse
        from django.utils.http import urlencode

        target = request.get_full_path() if request.method == "GET" else self.admin_prefix()
        return HttpResponseRedirect(f"{reverse('two_factor:verify')}?{urlencode({'next': target})}")


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy (django-csp) and X-Frame-Options, one policy for the portals, one for the admin.

    Sits right after SecurityMiddleware, before the article fast path, so cached
    articles get the same headers as rendered ones.

    - Portal pages: `CONTENT_SECURITY_POLICY` (no inline scripts; frame-ancestors
      'none' and X-Frame-Options: DENY — no page of a portal is ever framed).
    - Admin (`/admin/…`): `CONTENT_SECURITY_POLICY_ADMIN`; Wagtail 8's admin still
      has inline scripts (date pickers, inline panels) and style attributes.
      Its preview views answer with X-Frame-Options: SAMEORIGIN (the preview
      panel frames them), and their CSP then allows frame-ancestors 'self'.
    - PDF files shown inline (the "Xem trước" boxes frame them on the same
      portal): X-Frame-Options: SAMEORIGIN and frame-ancestors 'self' only.

    Policies without per-view changes are built once and reused.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._admin_prefix = None
        self._built: dict[str, str] = {}

    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            from django.urls import reverse

            self._admin_prefix = reverse("wagtailadmin_home")
        return self._admin_prefix

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if request.path_info.startswith(self.admin_prefix()):
            kind = "admin-frameable" if response.get("X-Frame-Options") == "SAMEORIGIN" else "admin"
        elif content_type.startswith("application/pdf"):
            kind = "pdf"
            response["X-Frame-Options"] = "SAMEORIGIN"
        else:
            kind = "portal"
            if content_type.startswith("text/html"):
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        if CSP_HEADER in response or getattr(response, "_csp_exempt", False):
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages use inline scripts and styles
        custom = any(
            getattr(response, name, None) is not None for name in ("_csp_config", "_csp_update", "_csp_replace")
        )
        if custom or getattr(request, "_csp_nonce", None) is not None:
            if getattr(response, "_csp_config", None) is None:
                response._csp_config = _directives(kind)
            return super().process_response(request, response)
        if kind not in self._built:
            self._built[kind] = build_policy(config=_directives(kind))
        if self._built[kind]:
            response[CSP_HEADER] = self._built[kind]
        return response


def _directives(kind: str) -> dict:
    if kind == "pdf":
        return {"frame-ancestors": [SELF]}
    if kind.startswith("admin"):
        directives = dict(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        directives["frame-ancestors"] = [SELF] if kind == "admin-frameable" else [NONE]
        return directives
    return dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
