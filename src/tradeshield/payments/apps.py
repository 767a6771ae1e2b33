from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tradeshield.payments"
    label = "payments"
