from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tradeshield.risk"
    label = "risk"
