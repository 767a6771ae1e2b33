"""Uploaded evidence (inspection photos, licences, dispute files): content-addressed by SHA-256."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.organizations.models import Organization


def _file_id() -> str:
    return new_id("file")


class StoredFile(models.Model):
    """One upload. The bytes live once per hash under `TRADESHIELD_MEDIA_ROOT`; the row says who
    uploaded what under which name, so the same photo uploaded twice is two rows and one blob."""

    id = models.CharField(primary_key=True, max_length=40, default=_file_id, editable=False)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40)  # e.g. "inspection_photo"
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "stored_file"
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="stored_file_not_empty")]
