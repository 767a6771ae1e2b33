"""Bad configuration and unreachable services: one clear `error:` line each, a non-zero exit, no traceback.

The commands run as subprocesses, as an operator would run them.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.quality.test_faults import database_url


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TRADESHIELD_", "PROMETHEUS_"))}
    environ.update({"TRADESHIELD_EMAIL_BACKEND": "console", "COLUMNS": "400"})
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tradeshield.cli", *args], env=environ, capture_output=True, text=True, timeout=120
    )


def error_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("error:")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def db_url(django_db_serialized_rollback: None, transactional_db: None) -> str:
    """The migrated test database (committed, so the commands in subprocesses see it).

    Restored by serialized rollback like every other transactional test: a plain flush re-creates the
    content types, and the next serialized test's restore would then insert them twice.
    """
    return database_url()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/ts", "DATABASE_URL must start with postgresql://"),
        ("postgresql://u:p@localhost:port/ts", "DATABASE_URL has a port that is not a number"),
    ],
)
def test_an_unparseable_database_url(url: str, says: str) -> None:
    done = run("check", DATABASE_URL=url)
    assert done.returncode == 2
    errors = error_lines(done)
    assert len(errors) == 1 and says in errors[0] and "postgresql://USER:PASSWORD@HOST:5432/DBNAME" in errors[0]
    assert ":p@" not in done.stderr  # never echoes a password


@pytest.mark.parametrize("command", [["check"], ["worker"], ["serve", "--port", "0"]])
def test_an_unreachable_database(command: list[str]) -> None:
    port = free_port()  # nothing listens there
    if command[0] == "serve":
        command = ["serve", "--port", str(free_port()), "--no-worker"]
    done = run(*command, DATABASE_URL=f"postgresql://app:pw@127.0.0.1:{port}/ts")
    assert done.returncode == 1
    errors = error_lines(done)
    assert len(errors) == 1, done.stderr
    assert f"127.0.0.1:{port}" in errors[0] and "check DATABASE_URL" in errors[0] and ":pw@" not in errors[0]


def test_production_mode_without_a_secret_key(db_url: str) -> None:
    done = run(
        "check",
        DATABASE_URL=db_url,
        TRADESHIELD_PRODUCTION="1",
        TRADESHIELD_ENCRYPTION_KEYS=ENCRYPTION_KEYS,
        TRADESHIELD_ALLOWED_HOSTS="trade.example.com",
        TRADESHIELD_BANK_WEBHOOK_SECRET="whsec_cHJvZHVjdGlvbi1iYW5rLXNlY3JldA",
    )
    assert done.returncode == 2
    errors = error_lines(done)
    assert (
        len(errors) == 1 and "TRADESHIELD_SECRET_KEY is not set" in errors[0] and "secrets.token_urlsafe" in errors[0]
    )


def test_production_mode_refuses_the_development_encryption_key(db_url: str) -> None:
    done = run(
        "check",
        DATABASE_URL=db_url,
        TRADESHIELD_PRODUCTION="1",
        TRADESHIELD_SECRET_KEY=secrets.token_urlsafe(50),
        TRADESHIELD_ALLOWED_HOSTS="trade.example.com",
        TRADESHIELD_BANK_WEBHOOK_SECRET="whsec_cHJvZHVjdGlvbi1iYW5rLXNlY3JldA",
    )
    assert done.returncode == 2
    errors = error_lines(done)
    assert len(errors) == 1 and "TRADESHIELD_ENCRYPTION_KEYS is not set" in errors[0] and "--new-key" in errors[0]


def test_every_bad_value_is_reported_at_once(db_url: str) -> None:
    done = run(
        "worker",
        DATABASE_URL=db_url,
        TRADESHIELD_DEBUG="maybe",
        TRADESHIELD_SMTP_PORT="twenty-five",
        TRADESHIELD_READYZ_TIMEOUT_SECONDS="-1",
        TRADESHIELD_LOG_FORMAT="xml",
    )
    assert done.returncode == 2
    errors = error_lines(done)
    assert len(errors) == 4, done.stderr
    for name in (
        "TRADESHIELD_DEBUG",
        "TRADESHIELD_SMTP_PORT",
        "TRADESHIELD_READYZ_TIMEOUT_SECONDS",
        "TRADESHIELD_LOG_FORMAT",
    ):
        assert sum(name in line for line in errors) == 1, name


def test_check_says_the_smtp_server_is_unreachable(db_url: str) -> None:
    port = free_port()
    done = run(
        "check",
        DATABASE_URL=db_url,
        TRADESHIELD_EMAIL_BACKEND="smtp",
        TRADESHIELD_SMTP_HOST="127.0.0.1",
        TRADESHIELD_SMTP_PORT=str(port),
    )
    assert done.returncode == 1
    errors = error_lines(done)
    assert len(errors) == 1 and f"SMTP server 127.0.0.1:{port} is unreachable" in errors[0]
    assert "TRADESHIELD_EMAIL_BACKEND=file" in errors[0]


@pytest.fixture
def smtp_server() -> Iterator[int]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_check_passes_on_a_good_configuration(db_url: str, smtp_server: int) -> None:
    done = run(
        "check",
        DATABASE_URL=db_url,
        TRADESHIELD_EMAIL_BACKEND="smtp",
        TRADESHIELD_SMTP_HOST="127.0.0.1",
        TRADESHIELD_SMTP_PORT=str(smtp_server),
    )
    assert done.returncode == 0, done.stderr
    assert error_lines(done) == []
    assert "SMTP server 127.0.0.1" in done.stdout and "all checks passed" in done.stdout


ENCRYPTION_KEYS = "k1:" + base64.b64encode(secrets.token_bytes(32)).decode()
PRODUCTION = {
    "TRADESHIELD_PRODUCTION": "1",
    "TRADESHIELD_ENCRYPTION_KEYS": ENCRYPTION_KEYS,
    "TRADESHIELD_SECRET_KEY": "x" * 8 + "-a-long-enough-random-production-secret-key-0123456789",
    "TRADESHIELD_ALLOWED_HOSTS": "trade.example.com",
    "TRADESHIELD_BANK_WEBHOOK_SECRET": "whsec_cHJvZHVjdGlvbi1iYW5rLXNlY3JldA",
    "TRADESHIELD_EMAIL_BACKEND": "smtp",
    "TRADESHIELD_SMTP_HOST": "127.0.0.1",
}


def test_check_runs_the_django_deploy_checks_in_production_mode(db_url: str, smtp_server: int) -> None:
    """Production mode with every value set, but plain HTTP: Django's deploy checks fail the check."""
    done = run("check", DATABASE_URL=db_url, TRADESHIELD_SMTP_PORT=str(smtp_server), **PRODUCTION)
    assert done.returncode == 1
    errors = error_lines(done)
    assert any("security.W008" in line for line in errors)  # SECURE_SSL_REDIRECT: plain HTTP
    with_proxy = run(
        "check",
        DATABASE_URL=db_url,
        TRADESHIELD_SMTP_PORT=str(smtp_server),
        TRADESHIELD_BEHIND_TLS_PROXY="1",
        **PRODUCTION,
    )
    assert with_proxy.returncode == 0, with_proxy.stderr


def test_the_documented_production_example_passes_check(db_url: str) -> None:
    """docs/production.env.example, placeholders filled in, is a configuration `check` accepts."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "production.env.example"
    env = {}
    for line in example.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            env[name] = value.replace("<random secret>", secrets.token_urlsafe(50)).replace("<random token>", "t" * 40)
            env[name] = env[name].replace("<k1:base64 of 32 random bytes>", ENCRYPTION_KEYS)
    assert {"TRADESHIELD_SECRET_KEY", "TRADESHIELD_ALLOWED_HOSTS", "DATABASE_URL", "TRADESHIELD_SMTP_HOST"} <= set(env)
    env["DATABASE_URL"] = db_url  # the real server of this test run instead of db.internal
    env["TRADESHIELD_PROJECT_DIR"] = str(Path.cwd())
    env["TRADESHIELD_MEDIA_ROOT"] = str(Path.cwd() / "var" / "media")
    done = run("check", "--no-smtp", **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "strict: production mode" in done.stdout
