from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "tradeshield.orders"
    label = "orders"
