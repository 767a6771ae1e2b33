from django.apps import AppConfig


class ProtectionsConfig(AppConfig):
    name = "tradeshield.protections"
    label = "protections"
