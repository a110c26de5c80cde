from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuyengiao.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import services

        user_logged_in.connect(services.on_user_logged_in, dispatch_uid="accounts.idle_session_login")
        user_logged_in.connect(services.on_user_logged_in_audit, dispatch_uid="accounts.audit_login")
        user_logged_out.connect(services.on_user_logged_out, dispatch_uid="accounts.audit_logout")
        user_login_failed.connect(services.on_user_login_failed, dispatch_uid="accounts.audit_login_failed")
        user_locked_out.connect(services.on_user_locked_out, dispatch_uid="accounts.audit_locked_out")
