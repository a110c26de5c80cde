"""The second sign-in step for staff: enrol an authenticator app, enter a code, keep recovery codes.

Served under the Wagtail admin (`/admin/xac-thuc-hai-buoc/…`, see wagtail_hooks.py), so only signed-in
users reach them; `TwoFactorMiddleware` sends unverified staff here from every other admin page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services

WRONG_CODE = "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới trong ứng dụng."
WRONG_RECOVERY_CODE = "Mã khôi phục không đúng hoặc đã được dùng."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
        error_messages={"required": "Vui lòng nhập mã xác thực."},
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def _with_next(url_name: str, request) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _wait_message(seconds: int) -> str:
    return f"Bạn đã nhập sai nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại."


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """Enter a code from the app, or a recovery code."""
    user = request.user
    if selectors.is_verified(user):
        return redirect(_next_url(request))
    if selectors.confirmed_totp_device(user) is None and selectors.recovery_device(user) is None:
        return redirect(_with_next("two_factor:enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.two_factor_verify(request=request, code=form.cleaned_data["code"])
        if result.ok:
            if result.used_recovery_code:
                messages.warning(
                    request,
                    f"Bạn vừa dùng một mã khôi phục; còn {result.recovery_codes_left} mã. "
                    "Hãy tạo bộ mã mới nếu sắp hết.",
                )
            return redirect(_next_url(request))
        if result.wait_seconds:
            form.add_error(None, _wait_message(result.wait_seconds))
        else:
            form.add_error("code", WRONG_RECOVERY_CODE if result.used_recovery_code else WRONG_CODE)
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """First sign-in: scan the QR code (or type the secret), then confirm one code from the app."""
    user = request.user
    if selectors.confirmed_totp_device(user) is not None:
        return redirect(_with_next("two_factor:verify", request))
    device = services.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.totp_enrolment_confirm(request=request, code=form.cleaned_data["code"])
        if result.ok:
            return redirect(_with_next("two_factor:recovery_codes", request))
        if result.wait_seconds:
            form.add_error(None, _wait_message(result.wait_seconds))
        else:
            form.add_error("code", WRONG_CODE)
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": selectors.totp_qr_svg(device),
            "secret": selectors.totp_secret_base32(device),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes, shown once (leaving with "Tiếp tục" drops them); otherwise how many are left."""
    if not selectors.is_verified(request.user):
        return redirect(_with_next("two_factor:verify", request))
    if request.method == "POST":
        request.session.pop(selectors.NEW_RECOVERY_CODES_KEY, None)
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {
            "codes": request.session.get(selectors.NEW_RECOVERY_CODES_KEY),
            "codes_left": selectors.recovery_codes_left(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
def recovery_codes_download(request):
    codes = request.session.get(selectors.NEW_RECOVERY_CODES_KEY)
    if not codes or not selectors.is_verified(request.user):
        return redirect(reverse("two_factor:recovery_codes"))
    text = (
        f"Mã khôi phục đăng nhập — tài khoản {request.user.get_username()}\r\n"
        "Mỗi mã chỉ dùng được một lần, khi không có điện thoại. Cất giữ nơi an toàn.\r\n\r\n"
        + "\r\n".join(codes)
        + "\r\n"
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ma-khoi-phuc.txt"'
    return response


@never_cache
@require_POST
def recovery_codes_regenerate(request):
    """A verified user replaces their recovery codes (the old ones stop working).

    Not open to unverified sessions (TwoFactorMiddleware), and checked here too: new codes
    would otherwise let a password alone pass the second step.
    """
    if not selectors.is_verified(request.user):
        return redirect(_with_next("two_factor:verify", request))
    codes = services.recovery_codes_create(user=request.user)
    request.session[selectors.NEW_RECOVERY_CODES_KEY] = codes
    return redirect(reverse("two_factor:recovery_codes"))
