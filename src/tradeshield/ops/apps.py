from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "tradeshield.ops"
    label = "ops"
    verbose_name = "Operations"
