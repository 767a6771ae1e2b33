"""Fixtures: a buyer and a supplier (tests/conftest.py), real SMTP and HTTP servers, webhook settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.notifications.support import Inbox, Receiver, start_smtp

WEBHOOK_TIMEOUT = 0.5


@pytest.fixture(autouse=True)
def local_webhooks(settings: Any) -> None:
    """Receivers in these tests listen on 127.0.0.1; answers slower than WEBHOOK_TIMEOUT time out."""
    settings.TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS = WEBHOOK_TIMEOUT


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    controller, inbox = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "TradeShield <notifications@tradeshield.test>"
    yield inbox
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()
