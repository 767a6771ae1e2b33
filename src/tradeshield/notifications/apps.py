import logging

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tradeshield.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # httpx logs every request at INFO; each webhook attempt is in the delivery log instead.
        logging.getLogger("httpx").setLevel(logging.WARNING)
