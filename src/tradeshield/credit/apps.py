from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "tradeshield.credit"
    label = "credit"
    default_auto_field = "django.db.models.BigAutoField"
