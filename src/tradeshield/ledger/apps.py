from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tradeshield.ledger"
    label = "ledger"
