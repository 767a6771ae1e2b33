from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "tradeshield.disputes"
    label = "disputes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every release of escrow goes through orders.paying.complete_and_release, which asks the
        # registered freezes first: an open dispute freezes the order's funds.
        from tradeshield.disputes.selectors import open_dispute_freeze
        from tradeshield.orders import freezes

        freezes.register(open_dispute_freeze)
