from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tradeshield.organizations"
    label = "organizations"
