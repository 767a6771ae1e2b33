"""What operations needs stored: one heartbeat row per running job worker."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Upserted every few seconds by each job worker (`ops.heartbeat`), deleted when it stops.

    `/readyz` and `/metrics` count the rows seen recently: a worker that died without stopping leaves a
    stale row, which stops counting after `TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS` and is pruned later.
    """

    name = models.CharField(primary_key=True, max_length=200)  # host:pid
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "ops_worker_heartbeat"
