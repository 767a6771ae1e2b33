"""Failed sign-ins, kept in PostgreSQL so every web worker and API process sees the same count."""

from __future__ import annotations

from django.db import models

from tradeshield.kit import clock


class LoginFailure(models.Model):
    """One failed password check, counted against the account (`account:<email>`) and the IP (`ip:<addr>`)."""

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=clock.real_now)

    class Meta:
        db_table = "security_login_failure"
        indexes = [models.Index(fields=["key", "created_at"], name="login_failure_key_time")]
