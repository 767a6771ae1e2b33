from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tradeshield.web"
    label = "web"
