"""Prometheus metrics: what processes count as they work, and what the database says at scrape time.

Counted in-process (per route, per task): HTTP requests and their latency, jobs run, their duration
and failures. Under `tradeshield serve` every gunicorn worker and the job worker it starts write these
to files in one directory (`PROMETHEUS_MULTIPROC_DIR`, which `serve` sets), and `/metrics` adds them
up across the processes. A `tradeshield worker` on the same machine joins in when it is given the same
directory; on another machine, run it with `--metrics-port` and scrape it there.

Read from the database when scraped (the same for every web server, one short query each): queue depth
by status, money in escrow per currency, compensation paid, webhook delivery failures, and (once the
disputes domain exists) open disputes — see `ops.selectors`.

Import-light: settings import `ops.jobs`, which imports this module; nothing here touches models at
import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

disable_created_metrics()  # no `_created` series: they double the output and dashboards do not use them

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)

HTTP_REQUESTS = Counter(
    "tradeshield_http_requests_total", "HTTP requests by route, method and status.", ["route", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "tradeshield_http_request_duration_seconds",
    "Time to answer an HTTP request, by route and method.",
    ["route", "method"],
    buckets=HTTP_BUCKETS,
)
JOBS = Counter("tradeshield_jobs_total", "Background jobs run, by task and outcome.", ["task", "outcome"])
JOB_FAILURES = Counter("tradeshield_job_failures_total", "Background jobs that raised, by task.", ["task"])
JOB_DURATION = Histogram(
    "tradeshield_job_duration_seconds", "Time a background job ran, by task.", ["task"], buckets=JOB_BUCKETS
)


class DatabaseCollector(Collector):
    """Gauges computed from the database at scrape time (see `ops.selectors.vital_metrics`)."""

    def collect(self) -> Iterator[Metric]:
        from tradeshield.ops.selectors import vital_metrics

        signs = vital_metrics()
        queue = GaugeMetricFamily(
            "tradeshield_job_queue_jobs", "Jobs in the queue by queue and status.", labels=["queue", "status"]
        )
        for (queue_name, status), jobs in sorted(signs.queue.items()):
            queue.add_metric([queue_name, status], jobs)
        yield queue
        escrow = GaugeMetricFamily(
            "tradeshield_escrow_held_minor_units",
            "Money held in escrow for suppliers, in minor units of the currency.",
            labels=["currency"],
        )
        for currency, held in sorted(signs.escrow.items()):
            escrow.add_metric([currency], held)
        yield escrow
        paid_count = CounterMetricFamily(
            "tradeshield_compensations", "Compensation transfers paid to buyers.", labels=["currency"]
        )
        amount = CounterMetricFamily(
            "tradeshield_compensation_paid_minor_units",
            "Compensation paid to buyers, in minor units of the currency.",
            labels=["currency"],
        )
        for currency, (n, total) in sorted(signs.compensations.items()):
            paid_count.add_metric([currency], n)
            amount.add_metric([currency], total)
        yield paid_count
        yield amount
        deliveries = GaugeMetricFamily(
            "tradeshield_webhook_deliveries", "Outbound webhook deliveries by status.", labels=["status"]
        )
        for status, n in sorted(signs.webhook_deliveries.items()):
            deliveries.add_metric([status], n)
        yield deliveries
        yield CounterMetricFamily(
            "tradeshield_webhook_attempt_failures",
            "Outbound webhook requests that failed (no answer or a non-2xx status).",
            value=signs.webhook_attempt_failures,
        )
        yield GaugeMetricFamily(
            "tradeshield_workers_alive", "Job workers with a fresh heartbeat.", value=signs.workers_alive
        )
        if signs.disputes_open is not None:
            disputes = GaugeMetricFamily("tradeshield_disputes_open", "Open disputes by stage.", labels=["stage"])
            for stage, n in sorted(signs.disputes_open.items()):
                disputes.add_metric([stage], n)
            yield disputes
        if signs.risk_queue is not None:
            yield GaugeMetricFamily(
                "tradeshield_risk_queue", "Risk cases waiting for a staff review.", value=signs.risk_queue
            )


def exposition() -> bytes:
    """The text format for one scrape: this process (or all of `serve`'s processes) plus the database."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (HTTP_REQUESTS, HTTP_LATENCY, JOBS, JOB_FAILURES, JOB_DURATION):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
