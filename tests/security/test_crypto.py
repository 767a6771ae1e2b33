"""Encryption at rest: AES-GCM with key ids, column binding, rotation with `tradeshield rotate-keys`."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.conftest import make_party
from tradeshield.kit import crypto
from tradeshield.notifications import webhooks
from tradeshield.notifications.models import WebhookEndpoint
from tradeshield.notifications.signing import signing_secrets
from tradeshield.organizations.models import OrgKind

NEW = "k2:" + base64.b64encode(b"n" * 32).decode()


def test_round_trip_names_the_key_and_is_bound_to_its_column():
    sealed = crypto.encrypt("DE89370400440532013000", context="payout_account.iban")
    assert sealed.startswith("enc:v1:dev1:") and "DE89" not in sealed
    assert crypto.decrypt(sealed, context="payout_account.iban") == "DE89370400440532013000"
    assert crypto.encrypt("x", context="t.c") != crypto.encrypt("x", context="t.c")  # fresh nonce each time
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(sealed, context="payout_account.account_number")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(tampered, context="payout_account.iban")


def test_bad_key_settings_are_refused(settings):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys("nokey")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys("k1:" + base64.b64encode(b"short").decode())
    settings.TRADESHIELD_PRODUCTION = True
    settings.TRADESHIELD_ENCRYPTION_KEYS = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.keys()
    settings.TRADESHIELD_ENCRYPTION_KEYS = crypto.DEV_KEYS
    with pytest.raises(ImproperlyConfigured):
        crypto.keys()
    settings.TRADESHIELD_ENCRYPTION_KEYS = NEW
    assert crypto.current_kid() == "k2"


@pytest.mark.django_db
def test_webhook_secrets_are_encrypted_and_still_sign(settings):
    org = make_party(OrgKind.BUYER, "Hook Buyer", "US").org
    endpoint, secret = webhooks.webhook_endpoint_create(organization=org, url="https://example.com/hook")
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM webhook_endpoint WHERE id = %s", [endpoint.id])
        stored = cur.fetchone()[0]
    assert stored.startswith("enc:v1:dev1:") and secret not in stored
    assert signing_secrets(WebhookEndpoint.objects.get(pk=endpoint.id)) == [secret]


@pytest.mark.django_db
def test_rotation_re_encrypts_everything_under_the_new_key_and_is_idempotent(settings):
    org = make_party(OrgKind.BUYER, "Hook Buyer", "US").org
    endpoint, secret = webhooks.webhook_endpoint_create(organization=org, url="https://example.com/hook")
    with connection.cursor() as cur:  # a value written before encryption existed
        cur.execute("UPDATE webhook_endpoint SET previous_secret = 'whsec_legacy' WHERE id = %s", [endpoint.id])
    settings.TRADESHIELD_ENCRYPTION_KEYS = f"{NEW} {crypto.DEV_KEYS}"
    changed = sum(crypto.reencrypt_column(connection, table="webhook_endpoint", pk="id", column="secret"))
    changed += sum(crypto.reencrypt_column(connection, table="webhook_endpoint", pk="id", column="previous_secret"))
    assert changed == 2
    with connection.cursor() as cur:
        cur.execute("SELECT secret, previous_secret FROM webhook_endpoint WHERE id = %s", [endpoint.id])
        row = cur.fetchone()
    assert all(crypto.key_id_of(v) == "k2" for v in row)
    again = sum(crypto.reencrypt_column(connection, table="webhook_endpoint", pk="id", column="secret"))
    assert again == 0
    reloaded = WebhookEndpoint.objects.get(pk=endpoint.id)
    assert reloaded.secret == secret and reloaded.previous_secret == "whsec_legacy"
    settings.TRADESHIELD_ENCRYPTION_KEYS = NEW  # the old key retired: everything still opens
    assert WebhookEndpoint.objects.get(pk=endpoint.id).secret == secret


def test_every_sensitive_column_is_encrypted():
    columns = {f"{m._meta.db_table}.{f.column}" for m, f in crypto.encrypted_fields()}
    assert {
        "payout_account.iban",
        "payout_account.account_number",
        "payout_account.routing_number",
        "payment_saved_method.token",
        "payment.provider_token",
        "webhook_endpoint.secret",
        "webhook_endpoint.previous_secret",
    } <= columns
