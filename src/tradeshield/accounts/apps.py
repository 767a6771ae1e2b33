from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tradeshield.accounts"
    label = "accounts"
