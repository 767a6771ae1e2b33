from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "tradeshield.payouts"
    label = "payouts"
