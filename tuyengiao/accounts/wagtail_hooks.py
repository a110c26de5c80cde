"""Admin hooks of the accounts app: the idle-session warning, the two-factor pages, account log messages."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def idle_session_script():
    """Load idle.js (and its CSS) on every admin page, the login page included.

    Hook output is rendered without the request, so the banner itself cannot
    be rendered here: idle.js asks the status endpoint, which answers with the
    banner for a signed-in user and nothing for an anonymous one.
    """
    return format_html(
        '<link rel="stylesheet" href="{}"><script src="{}" defer data-status-url="{}"></script>',
        static("accounts/idle.css"),
        static("accounts/idle.js"),
        reverse("accounts:status"),
    )


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    from django.urls import include, path

    from . import two_factor_views as views

    urls = [
        path("", views.verify, name="verify"),
        path("dang-ky/", views.enrol, name="enrol"),
        path("ma-khoi-phuc/", views.recovery_codes, name="recovery_codes"),
        path("ma-khoi-phuc/tai-ve/", views.recovery_codes_download, name="recovery_codes_download"),
        path("ma-khoi-phuc/tao-moi/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    ]
    return [path("xac-thuc-hai-buoc/", include((urls, "two_factor"), namespace="two_factor"))]


@hooks.register("register_account_menu_item")
def recovery_codes_account_item(request):
    return {
        "url": reverse("two_factor:recovery_codes"),
        "label": "Mã khôi phục xác thực hai bước",
        "help_text": "Xem còn bao nhiêu mã khôi phục, tạo bộ mã mới.",
    }


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    from . import services

    for action, label, message in (
        (services.LOGIN, "Đăng nhập", "Đăng nhập bằng mật khẩu"),
        (services.LOGOUT, "Đăng xuất", "Đăng xuất"),
        (services.LOGIN_FAILED, "Đăng nhập không thành công", "Sai tên đăng nhập hoặc mật khẩu"),
        (services.LOCKED_OUT, "Tạm khóa đăng nhập", "Tạm khóa đăng nhập sau nhiều lần nhập sai"),
        (services.TWO_FACTOR_ENROLLED, "Đăng ký xác thực hai bước", "Đăng ký ứng dụng xác thực"),
        (services.TWO_FACTOR_VERIFIED, "Xác thực hai bước", "Nhập đúng mã xác thực"),
        (services.TWO_FACTOR_FAILED, "Mã xác thực sai", "Nhập sai mã xác thực"),
        (services.RECOVERY_CODE_USED, "Dùng mã khôi phục", "Đăng nhập bằng một mã khôi phục"),
        (services.RECOVERY_CODES_CREATED, "Tạo mã khôi phục", "Tạo bộ mã khôi phục mới"),
        (services.TWO_FACTOR_RESET, "Đặt lại xác thực hai bước", "Xóa ứng dụng xác thực và mã khôi phục"),
    ):
        actions.register_action(action, label, message)
