from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuyengiao.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
