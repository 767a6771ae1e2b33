"""Schemathesis fuzzes every operation of /api/v1/openapi.json as every signed-in role, in-process over WSGI.

Each response must not be a 5xx, must have a documented status code and content type, and its body must
match the documented schema; data that violates the schema must be refused with a 4xx. Path parameters
name real objects of the seeded world (own, another organization's, or made up) about half the time, so
the fuzz reaches the services and not only the 404 of an unknown id. After each role's run the books
still balance.

FUZZ_EXAMPLES (default 2) sets the examples per operation, per role and per generation mode (valid /
invalid data); FUZZ_SEED makes a run explore other examples (default: the same derandomized examples
every run, so CI is stable). See README "Test markers".
"""

from __future__ import annotations

import os
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from tests.helpers import assert_books_balance
from tests.quality.world import World

from tradeshield.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SEED = os.environ.get("FUZZ_SEED")
FUZZ_ROLES = (
    "anonymous",
    "buyer_owner",
    "buyer_finance",
    "supplier_owner",
    "supplier_sales",
    "support_agent",
    "admin",
    "agency_owner",
    "inspector",
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


class InTestTransaction:
    """Django's WSGI application, called in this thread inside the test's transaction.

    Each request runs in a savepoint that is rolled back if the answer is a 5xx: outside a test,
    a database error ends only that request's transaction, and so it does here, so one failure does
    not abort every later request. Uncaught exceptions are kept so a 500 comes with its traceback.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        status: list[int] = []

        def start(line: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(int(line[:3]))
            return start_response(line, headers, exc_info)

        savepoint = transaction.savepoint()
        response = application(environ, start)
        try:
            body = list(response)
        finally:
            response.close()
        if status and status[0] >= 500:
            connection.needs_rollback = False
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        return body


@pytest.fixture
def wsgi_app() -> Iterator[InTestTransaction]:
    """As django.test.Client does, the request signals may not close the connection that holds the
    test transaction."""
    app = InTestTransaction()
    errors = app.errors

    def keep(sender: Any, request: Any = None, **kwargs: Any) -> None:
        errors.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    try:
        yield app
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def path_pools(world: World) -> dict[str, list[str]]:
    """Values for each path parameter: the world's objects of that kind, plus one that does not exist."""
    return {
        "order_id": [*world.orders.values(), "ord_doesnotexist"],
        "payment_id": [*world.payments.values(), "pay_doesnotexist"],
        "amendment_id": [*world.amendments.values(), "amd_doesnotexist"],
        "key_id": [*world.api_keys.values(), "key_doesnotexist"],
        "endpoint_id": [*world.endpoints.values(), "whe_doesnotexist"],
        "delivery_id": [*world.deliveries.values(), "whd_doesnotexist"],
        "notification_id": [*world.notifications.values(), "ntf_doesnotexist"],
        "clock_id": [world.clock_id, "clk_doesnotexist"],
        "thread_id": [world.extra["inquiry"], world.extra["rival_inquiry"], "inq_doesnotexist"],
        "review_id": [world.extra["review"], "rev_doesnotexist"],
        "report_id": [world.extra["review_report"], "rpt_doesnotexist"],
        "application_id": [world.extra["application"], "sqa_doesnotexist"],
        "document_id": [world.extra["qualification_document"], "sdoc_doesnotexist"],
        "verification_id": [world.extra["verification"], "sver_doesnotexist"],
        "supplier_id": [world.widgets.id, world.acme.id, "org_doesnotexist"],
        "dispute_id": [world.extra["dispute"], world.extra["dispute_arbitrated"], "dsp_doesnotexist"],
    }


def fuzz_operation(operation: Any, mode: GenerationMode, headers: dict[str, str], pools: dict[str, list[str]]) -> None:
    """Run EXAMPLES generated cases of one operation; raise on the first that fails a check."""
    config = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report carries the whole request
        suppress_health_check=list(HealthCheck),
    )

    @config
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: Any) -> None:
        for name in list(case.path_parameters or {}):
            if name in pools and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(pools[name]), label=name)
        sent = dict(headers)
        if case.method.upper() == "POST":
            sent["Idempotency-Key"] = str(uuid.uuid4())
        case.call_and_validate(headers=sent, checks=CHECKS)

    if SEED is not None:
        run = seed(int(SEED))(run)
    run()


def load_schema(app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_fuzz_every_operation(role: str, world: World, wsgi_app: InTestTransaction) -> None:
    schema = load_schema(wsgi_app)
    token = world.token(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    pools = path_pools(world)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the schema lost operations"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            wsgi_app.errors.clear()
            try:
                fuzz_operation(operation, mode, headers, pools)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to make invalid
            except (Exception, BaseExceptionGroup) as exc:
                trace = "".join(wsgi_app.errors[-1:])
                failures.append(f"--- {role} {operation.label} [{mode.value}]\n{exc}\n{trace}")
    assert not failures, "\n".join(failures)
    assert_books_balance()
