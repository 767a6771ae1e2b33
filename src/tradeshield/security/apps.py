from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "tradeshield.security"
    label = "security"
