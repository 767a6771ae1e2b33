from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "tradeshield.idempotency"
    label = "idempotency"
