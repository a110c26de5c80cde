from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuyengiao.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import services

        user_logged_in.connect(services.on_user_logged_in, dispatch_uid="accounts.idle_session_login")
