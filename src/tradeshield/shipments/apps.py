from django.apps import AppConfig


class ShipmentsConfig(AppConfig):
    name = "tradeshield.shipments"
    label = "shipments"
