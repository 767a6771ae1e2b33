"""Emails sent by a real worker through a real SMTP server (aiosmtpd), in each reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from tests.conftest import PASSWORD, confirmed_order, pay_card
from tests.notifications.support import free_port, run_pending_jobs, start_smtp

from tradeshield.kit import clock
from tradeshield.notifications.models import EmailDelivery
from tradeshield.notifications.tasks import retry_due
from tradeshield.organizations import services as orgs

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def text_of(message: Message) -> str:
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return plain.get_payload(decode=True).decode()


def test_payment_emails_arrive_in_each_readers_language(buyer, supplier, smtp):
    ana = orgs.member_create(
        organization=buyer.org,
        email="ana@acme.test",
        password=PASSWORD,
        role="finance",
        full_name="Ana García",
        preferred_language="es",
    )
    wei = orgs.member_create(
        organization=supplier.org,
        email="wei@widgets.test",
        password=PASSWORD,
        role="sales",
        preferred_language="zh-hans",
    )
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    run_pending_jobs()

    received = {(rcpts[0], message["Subject"].strip()): message for rcpts, message in smtp.messages}
    spanish = received[(ana.email, "Pago en depósito en garantía · LED panels")]
    assert spanish["From"] == "TradeShield <notifications@tradeshield.test>"
    assert spanish["To"] == ana.email and spanish["X-TradeShield-Order"] == order["id"]
    body = text_of(spanish)
    assert body.startswith("Hola, Ana García:")
    assert "Su pago de 1,250.00 USD para «LED panels» queda en depósito en garantía" in body
    assert f"/orders/{order['id']}/" in body
    assert "Pedido confirmado · LED panels" in {subject for email, subject in received if email == ana.email}

    chinese = received[(wei.email, "订单已付款：可以发货 · LED panels")]  # noqa: RUF001
    assert "Acme Imports 已全额支付“LED panels”" in text_of(chinese)
    assert (supplier.user.email, "Order paid: ready to ship · LED panels") in received
    paid_to = {email for email, subject in received if "paid" in subject or "Pago" in subject or "付款" in subject}
    assert buyer.user.email not in paid_to  # the payer acted, and is not told about it

    sent = EmailDelivery.objects.filter(status="succeeded")
    assert sent.count() == len(smtp.messages)
    assert set(sent.values_list("attempt_count", flat=True)) == {1}


def test_emails_in_russian_portuguese_french_and_arabic(buyer, supplier, smtp):
    """Each reader's saved language; Arabic mail is laid out right to left."""
    people = {  # language: (organization, email, role, full name)
        "ru": (buyer.org, "ivan@acme.test", "finance", ""),
        "fr": (buyer.org, "lea@acme.test", "finance", ""),
        "pt-br": (supplier.org, "joao@widgets.test", "sales", "João Silva"),
        "ar": (supplier.org, "omar@widgets.test", "sales", ""),
    }
    readers = {
        language: orgs.member_create(
            organization=org, email=email, password=PASSWORD, role=role, full_name=name, preferred_language=language
        )
        for language, (org, email, role, name) in people.items()
    }
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    run_pending_jobs()

    received = {(rcpts[0], message["Subject"].strip()): message for rcpts, message in smtp.messages}
    russian = received[(readers["ru"].email, "Платёж на эскроу-счёте · LED panels")]
    assert "Ваш платёж 1,250.00 USD за «LED panels» находится на эскроу-счёте" in text_of(russian)
    french = received[(readers["fr"].email, "Paiement conservé sous séquestre · LED panels")]
    assert "Votre paiement de 1,250.00 USD pour « LED panels » est conservé sous séquestre" in text_of(french)
    portuguese = received[(readers["pt-br"].email, "Pedido pago: pronto para envio · LED panels")]
    assert text_of(portuguese).startswith("Olá, João Silva,")
    arabic = received[(readers["ar"].email, "تم دفع الطلب: جاهز للشحن · LED panels")]
    assert "دفع Acme Imports قيمة «LED panels» كاملة" in text_of(arabic)
    html = next(p for p in arabic.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert (
        '<html lang="fr" dir="ltr">'
        in next(p for p in french.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    )


def test_an_unreachable_mail_server_is_retried_until_it_answers(buyer, supplier, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    start = datetime.now(UTC).replace(microsecond=0)
    with clock.frozen_at(start):
        confirmed_order(buyer, supplier)
        run_pending_jobs()
    # The buyer hears of the order the supplier issued (the supplier's own qualification notice waits too).
    waiting = EmailDelivery.objects.get(user=buyer.user)
    assert waiting.status == "pending" and "Connection refused" in waiting.last_error
    assert start < waiting.next_attempt_at <= start + timedelta(seconds=30)

    controller, inbox = start_smtp()
    try:
        settings.EMAIL_PORT = controller.port
        with clock.frozen_at(waiting.next_attempt_at):
            retry_due.defer(timestamp=0)
            run_pending_jobs()
    finally:
        controller.stop()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempt_count) == ("succeeded", 2)
    (message,) = [message for recipients, message in inbox.messages if recipients == [buyer.user.email]]
    assert message["Subject"].strip() == "New order to confirm · LED panels"
