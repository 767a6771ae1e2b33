from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "tradeshield.clocks"
    label = "clocks"
