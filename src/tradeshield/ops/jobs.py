"""The worker side of jobs: request id, one log line per job, metrics per task.

`job_middleware` is a Procrastinate task middleware, installed for every worker through
`PROCRASTINATE_WORKER_DEFAULTS["task_middleware"]` (settings), so `tradeshield worker`, the worker that
`serve` starts and the in-process workers of tests all run it. It takes the request id that
`kit.jobs.defer` put into the job's arguments out again (the task never sees it), sets it for the
task's log lines and for any job the task defers in turn, then logs and counts the outcome.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from tradeshield.kit.context import REQUEST_ID_ARG, request_id
from tradeshield.ops import metrics

logger = logging.getLogger("tradeshield.jobs")


def job_middleware(call_next: Any, context: Any, worker: Any) -> Any:
    job = context.job
    rid = job.task_kwargs.pop(REQUEST_ID_ARG, None)
    token = request_id.set(rid or f"job-{job.id}")
    task = job.task_name
    started = time.perf_counter()
    extra = {"event": "job", "task": task, "job_id": job.id, "queue": job.queue, "attempt": job.attempts + 1}
    try:
        result = call_next()
    except BaseException as exc:
        elapsed = time.perf_counter() - started
        metrics.JOBS.labels(task, "failed").inc()
        metrics.JOB_FAILURES.labels(task).inc()
        metrics.JOB_DURATION.labels(task).observe(elapsed)
        logger.error(
            "job failed: %s (%s)",
            task,
            type(exc).__name__,
            extra={**extra, "outcome": "failed", "duration_ms": round(elapsed * 1000, 1), "error": str(exc)[:500]},
        )
        raise
    else:
        elapsed = time.perf_counter() - started
        metrics.JOBS.labels(task, "succeeded").inc()
        metrics.JOB_DURATION.labels(task).observe(elapsed)
        logger.info(
            "job done: %s",
            task,
            extra={**extra, "outcome": "succeeded", "duration_ms": round(elapsed * 1000, 1)},
        )
        return result
    finally:
        request_id.reset(token)
