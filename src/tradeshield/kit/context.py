"""The request id of the work in progress: set per HTTP request, carried into the jobs it defers.

`kit.jobs.defer` copies it into the job's arguments (under `REQUEST_ID_ARG`); the worker's task
middleware (`ops.jobs`) takes it out again before the task runs and sets it here, so the worker's log
lines carry the id of the request that caused them.
"""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_ID_ARG = "_request_id"
request_id: ContextVar[str | None] = ContextVar("tradeshield_request_id", default=None)


def current_request_id() -> str | None:
    return request_id.get()
